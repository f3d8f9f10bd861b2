/**
 * The last two steps: send the conversation's first message (SEND_MESSAGE), then wait for its
 * Action to COMPLETE. A customer never receives the first message twice.
 *
 * SEND_MESSAGE takes no Idempotency-Key, and the message is listed in the conversation only once
 * its Action COMPLETES, so right after a failed send nobody can tell whether it went out. The
 * send activity therefore runs once per call (Temporal never retries it) and this workflow,
 * knowing how each attempt failed, decides what comes next:
 * - not applied (429/503, after their Retry-After; a connection never made): send again after a
 *   durable wait;
 * - maybe applied (another 5xx, a reset or timeout after sending, the activity timing out — its
 *   worker may have died after the POST — or any failure not known to be harmless): never send
 *   again; look for the message until the deadline, and fail naming the conversation if it
 *   never appears;
 * - refused (other 4xx): fail.
 *
 * Before the first send, in a conversation this run did not create (adopted, or given in the
 * input), it looks once for the same text to the same recipients: a rerun after a failure finds
 * what the failed run delivered, and adopts it. A send of the failed run whose Action is still
 * PENDING is not listed yet, so a rerun started that early sends again; which is why the
 * MessageOutcomeUnknown failure asks a person to check the conversation before rerunning.
 *
 * Bound: a wait between sends is never shorter than the polling policy's backoff (a Retry-After
 * only lengthens it) and no send is made at or past `operationDeadlineMs` after the first, so
 * there are at most `maxPollsBeforeDeadline(policy)` sends (82 with the defaults). Looking for an
 * unconfirmed message makes at most as many looks, within `operationDeadlineMs` of the failed
 * send. The step thus ends within about twice the deadline (1 hour with the defaults).
 */
import { ApplicationFailure, isCancellation, log, sleep, TimeoutFailure } from '@temporalio/workflow';
import type { ApiFailureDetails, MessageAccepted } from '../activities';
import type { SendMessageRequest } from '../api/types';
import { activities } from './activity-calls';
import type { ResourceOrigins } from './definitions';
import { failureOf, failureTypeOf, FailureType } from './failure-types';
import { formatDuration } from './format';
import { mayHoldEarlierWork, type Obtained } from './obtained';
import { nextPollDelay } from './polling-policy';
import type { Onboarding } from './provision-input';
import type { ProvisioningContext } from './provisioning-context';
import { classifyAction } from './verdicts';

/** Sends the first message, or adopts it when found already sent; says which. */
export async function sendFirstMessage(
  message: Onboarding['message'],
  conversation: Obtained,
  context: ProvisioningContext,
): Promise<ResourceOrigins['message']> {
  const { run } = context;
  const unconfirmed: Unconfirmed = message.unconfirmed ?? {};
  const conversationId = conversation.id;
  const request: SendMessageRequest = {
    type: 'SEND_MESSAGE',
    payload: { from: message.from, to: message.to, content: { text: message.text } },
  };
  const sending = await run.step('send-message', async () => {
    const earlier = mayHoldEarlierWork(conversation)
      ? await findEarlierMessage(request, conversation)
      : undefined;
    return earlier ?? sendOrFindMessage(request, conversationId, context, unconfirmed);
  });
  if (sending.outcome === 'skipped') {
    run.skip('await-message');
    run.resource('message', 'skipped');
    return 'skipped';
  }

  return run.step('await-message', async () => {
    if (sending.outcome === 'found') {
      run.obtained('message', 'adopted', { communicationId: sending.communicationId });
      return 'adopted';
    }
    const { actionId } = sending;
    run.obtained('message', 'sent', { actionId, messageSid: sending.messageSid });
    const action = await run.poll({
      subject: 'SEND_MESSAGE action',
      operationId: actionId,
      poll: () => activities.getAction(conversationId, actionId),
      classify: classifyAction,
      firstPoll: 'after-wait',
      retryAfterMs: sending.retryAfterMs,
    });
    run.found({ messageSid: action.related?.messageSid, communicationId: action.related?.communicationId });
    return 'sent';
  });
}

type Sending =
  | ({ outcome: 'sent' } & MessageAccepted)
  /** Listed in the conversation (sent by an ambiguous send, or by an earlier run): the proof. */
  | { outcome: 'found'; communicationId: string }
  /** Its outcome unknown, a person decided to go on without it. */
  | { outcome: 'skipped' };

/** What to do after a send whose outcome is unknown (`message.unconfirmed` in the input). */
interface Unconfirmed {
  /** How long to look for the message. @default DEFAULT_LOOK_FOR_MS, and never past the polling deadline */
  lookForMs?: number;
  /** How long to wait for a person's decision then; 0 fails at once. @default no limit */
  decideWithinMs?: number;
}

/** An Action completes in seconds: a message not listed after this will not be. */
const DEFAULT_LOOK_FOR_MS = 2 * 60_000;

/** What follows a failed send. */
type NextAfterFailedSend =
  { next: 'send-again'; retryAfterMs?: number } | { next: 'look-for-it' } | { next: 'fail' };

/** The message, if already listed in a conversation this run did not create: one look. */
async function findEarlierMessage(
  request: SendMessageRequest,
  conversation: Obtained,
): Promise<Sending | undefined> {
  const where = `${conversation.origin} conversation ${conversation.id}`;
  const communicationId = await activities.findSentMessage(conversation.id, request);
  if (!communicationId) return undefined;
  log.info(
    `The first message is already in ${where} (communication ${communicationId}); not sending it again`,
  );
  return { outcome: 'found', communicationId };
}

/** Sends until the API accepts the message, or until an attempt may have sent it: then looks. */
async function sendOrFindMessage(
  request: SendMessageRequest,
  conversationId: string,
  context: ProvisioningContext,
  unconfirmed: Unconfirmed,
): Promise<Sending> {
  const startedAt = Date.now();
  for (let failedSends = 1; ; failedSends += 1) {
    const attempt = await trySend(request, conversationId);
    if ('accepted' in attempt) return { outcome: 'sent', ...attempt.accepted };
    const { error } = attempt;
    const decision = nextAfterFailedSend(error);
    switch (decision.next) {
      case 'fail':
        throw error;
      case 'look-for-it':
        return findUnconfirmedMessage(request, conversationId, error, context, unconfirmed);
      case 'send-again':
        await waitBeforeSendingAgain(conversationId, error, {
          failedSends,
          retryAfterMs: decision.retryAfterMs,
          startedAt,
          context,
        });
    }
  }
}

async function trySend(
  request: SendMessageRequest,
  conversationId: string,
): Promise<{ accepted: MessageAccepted } | { error: unknown }> {
  try {
    return { accepted: await activities.sendMessage(conversationId, request) };
  } catch (error) {
    return { error };
  }
}

/**
 * Reads how a send failed from its failure type (./failure-types). Whatever is not known to have
 * left the message unsent is treated as maybe sent — including an activity timeout (its worker
 * may have died after the POST) and a failure of any other type.
 */
function nextAfterFailedSend(error: unknown): NextAfterFailedSend {
  if (isCancellation(error)) return { next: 'fail' };
  switch (failureTypeOf(error)) {
    case FailureType.ApiBusy:
      return { next: 'send-again', retryAfterMs: retryAfterMsOf(error) };
    case FailureType.ApiSafeToRepeat:
      return { next: 'send-again' };
    case FailureType.ApiRefused:
    case FailureType.ResourceNotFound:
    case FailureType.ResourceConflict:
    case FailureType.ApiResponseInvalid:
      return { next: 'fail' };
    default:
      return { next: 'look-for-it' };
  }
}

/**
 * The server's Retry-After, from the failure's details: `nextRetryDelay` does not survive the
 * trip through the server, and a `Retry-After: 0` is not in it at all.
 */
function retryAfterMsOf(error: unknown): number | undefined {
  const failure = failureOf(error);
  if (!(failure instanceof ApplicationFailure)) return undefined;
  const details = failure.details?.[0] as Partial<ApiFailureDetails> | undefined;
  return typeof details?.retryAfterMs === 'number' ? details.retryAfterMs : undefined;
}

/**
 * A durable wait of at least the server's Retry-After (else the policy's backoff). Gives up when
 * the next send would come at the polling deadline or later: the message was never sent.
 */
async function waitBeforeSendingAgain(
  conversationId: string,
  error: unknown,
  wait: { failedSends: number; retryAfterMs?: number; startedAt: number; context: ProvisioningContext },
): Promise<void> {
  const { policy } = wait.context.run;
  const elapsedMs = Date.now() - wait.startedAt;
  const delayMs = nextPollDelay(policy, {
    attempt: wait.failedSends,
    retryAfterMs: wait.retryAfterMs,
    elapsedMs,
    random: Math.random(),
  });
  if (delayMs === 'deadline-exceeded' || elapsedMs + delayMs >= policy.operationDeadlineMs) {
    throw ApplicationFailure.create({
      type: FailureType.MessageNotSent,
      nonRetryable: true,
      message:
        `the first message was not sent to conversation ${conversationId}: ` +
        `${sendsTurnedAway(wait.failedSends)} turned away unapplied within the ${formatDuration(policy.operationDeadlineMs)} deadline ` +
        `(last: ${describeFailure(error)}); nothing was delivered, so the provisioning can be run again`,
      details: [{ conversationId, sends: wait.failedSends }],
      cause: error instanceof Error ? error : undefined,
    });
  }
  log.info(`SEND_MESSAGE in conversation ${conversationId} was not applied (${describeFailure(error)})`);
  await sleep(delayMs, {
    summary:
      `SEND_MESSAGE in conversation ${conversationId} not applied: ` +
      `wait ${formatDuration(delayMs)} before sending again`,
  });
}

/**
 * After a send that may have gone out: its Action may still be PENDING, the message not listed
 * yet. Keeps looking until the polling deadline rather than risk sending it twice.
 */
async function findUnconfirmedMessage(
  request: SendMessageRequest,
  conversationId: string,
  sendError: unknown,
  context: ProvisioningContext,
  unconfirmed: Unconfirmed,
): Promise<Sending> {
  const { run, decisions } = context;
  log.warn(
    `SEND_MESSAGE in conversation ${conversationId} may have been sent (${describeFailure(sendError)}); ` +
      'looking for the message instead of sending it again',
  );
  const lookForMs = Math.min(unconfirmed.lookForMs ?? DEFAULT_LOOK_FOR_MS, run.policy.operationDeadlineMs);
  try {
    const communicationId = await run.poll({
      subject: 'message of an unconfirmed SEND_MESSAGE in conversation',
      operationId: conversationId,
      poll: () => activities.findSentMessage(conversationId, request),
      classify: (found) => (found ? { state: 'done' } : { state: 'pending', status: 'NOT_LISTED' }),
      firstPoll: 'immediately',
      flagsStuck: false,
      policy: { ...run.policy, operationDeadlineMs: lookForMs },
    });
    log.info(`The unconfirmed message was sent after all: communication ${communicationId}; not resending`);
    return { outcome: 'found', communicationId: communicationId! };
  } catch (error) {
    if (!(error instanceof ApplicationFailure && error.type === FailureType.OperationDeadlineExceeded))
      throw error;
    const unknown = `the first message in conversation ${conversationId} may or may not have been delivered: its send failed ambiguously (${describeFailure(sendError)}) and it was not listed within ${formatDuration(lookForMs)}`;
    switch (await decisions.ask(unknown, conversationId, run, unconfirmed.decideWithinMs)) {
      case 'resend':
        log.warn(`Sending the first message in conversation ${conversationId} again, as decided`);
        return sendOrFindMessage(request, conversationId, context, unconfirmed);
      case 'skip':
        log.warn(`Going on without the first message in conversation ${conversationId}, as decided`);
        return { outcome: 'skipped' };
      case undefined:
        throw ApplicationFailure.create({
          type: FailureType.MessageOutcomeUnknown,
          nonRetryable: true,
          message:
            `${unknown}; no decision came, so it was not resent — check conversation ${conversationId} ` +
            'before running this provisioning again: a rerun adopts the message if it is listed there by ' +
            'then, else sends it',
          details: [{ conversationId }],
          cause: error,
        });
    }
  }
}

function sendsTurnedAway(sends: number): string {
  return sends === 1 ? 'the send was' : `all ${sends} sends were`;
}

/** One line about a failed activity call: the failure type and message, e.g. an API error or a timeout. */
function describeFailure(error: unknown): string {
  const cause = failureOf(error);
  if (cause instanceof ApplicationFailure) return `${cause.type ?? 'Error'}: ${cause.message}`;
  if (cause instanceof TimeoutFailure) return `the activity's ${cause.timeoutType} timeout passed`;
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}
