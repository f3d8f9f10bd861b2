/**
 * The first message reaches the customer once, whatever fails around its SEND_MESSAGE: the
 * send activity runs once per call and the workflow decides, from how an attempt failed,
 * whether to send again (not applied) or to look for the message (maybe applied).
 */
import { createServer } from 'node:net';
import { Context } from '@temporalio/activity';
import { OrchestratorClient, type OrchestratorApi } from '../../src/api';
import { progressQuery, StuckOperationId } from '../../src/workflows/definitions';
import { maxPollsBeforeDeadline, resolvePollingPolicy } from '../../src/workflows/polling-policy';
import { provisionInput, type OnboardingInput } from '../support/inputs';
import {
  applicationFailureOf,
  currentDetailsOf,
  failed,
  inputFailingWhenUnconfirmed,
  provision,
  succeeded,
  withSendMessage,
  useTestBed,
} from './support';

const bed = useTestBed();

function inputLookingFor(
  unconfirmed: NonNullable<OnboardingInput['message']['unconfirmed']>,
): OnboardingInput {
  const input = provisionInput();
  return { ...input, message: { ...input.message, unconfirmed } };
}

const SEND = 'POST /v2/Conversations/{conversationId}/Actions';
const ACTIONS_POST = { method: 'POST', path: '/Actions$' };

test('a worker that dies right after its send reached the server: the message is found, never resent', async () => {
  const { outcome, summary, handle } = await provision(
    bed,
    {
      // The Action stays PENDING for 3 minutes of workflow time, far past the 30 s activity timeout.
      emulatorClock: 'workflow',
      actionLatency: { ms: 3 * 60_000 },
      interceptApi: (api) =>
        withSendMessage(api, async (...args) => {
          await api.actions.create(...args);
          // Applied; then the worker dies before reporting, so the attempt times out. The test
          // server does not skip time while an activity runs: skip past its 30 s explicitly.
          await bed.env.sleep('31 seconds');
          return Context.current().cancelled;
        }),
    },
    // Looks for the message longer than the Action stays PENDING (the default is 2 minutes).
    inputLookingFor({ lookForMs: 5 * 60_000 }),
  );
  const result = succeeded(outcome);

  expect(summary.messagesSent).toBe(1);
  expect(summary.requests[SEND]).toBe(1);
  expect(result.ids.communicationId).toMatch(/^conv_communication_/);
  expect(result.ids.actionId).toBeUndefined();
  // The workflow looked while the Action was PENDING (not listed), and waited it out.
  expect(result.steps['send-message'].polls).toBeGreaterThan(1);
  expect(result.steps['send-message'].elapsedMs).toBeGreaterThanOrEqual(3 * 60_000);
  const { events } = await handle.fetchHistory();
  expect(events?.filter((event) => event.activityTaskTimedOutEventAttributes)).toHaveLength(1);
});

test('429s on the send: sent again after each Retry-After, and exactly once in the end', async () => {
  const { outcome, summary } = await provision(
    bed,
    { faults: [{ kind: 'status', status: 429, retryAfter: 5, times: 4, match: ACTIONS_POST }] },
    provisionInput(),
  );
  const result = succeeded(outcome);

  expect(summary.requests[SEND]).toBe(5);
  expect(summary.messagesSent).toBe(1);
  expect(result.ids.actionId).toMatch(/^conv_action_/);
  // Four waits of the server's 5 s (the backoff alone would be shorter).
  expect(result.steps['send-message'].elapsedMs).toBeGreaterThanOrEqual(20_000);
  expect(result.steps['send-message'].elapsedMs).toBeLessThan(25_000);
});

test('sends turned away until the deadline stop within the bound and say nothing was sent', async () => {
  const polling = { operationDeadlineMs: 2 * 60_000 };
  const { outcome, summary } = await provision(
    bed,
    { faults: [{ kind: 'status', status: 503, retryAfter: 1, match: ACTIONS_POST }] },
    provisionInput({ polling }),
  );
  const failure = applicationFailureOf(failed(outcome), 'workflow');

  expect(failure.type).toBe('MessageNotSent');
  expect(failure.nonRetryable).toBe(true);
  const sends = summary.requests[SEND]!;
  expect(failure.message).toMatch(
    new RegExp(
      `^the first message was not sent to conversation conv_conversation_\\w+: ` +
        `all ${sends} sends were turned away unapplied within the 2m deadline ` +
        '\\(last: ApiBusy: .*HTTP 503.*\\); nothing was delivered',
    ),
  );
  expect(sends).toBeGreaterThan(5);
  expect(sends).toBeLessThanOrEqual(maxPollsBeforeDeadline(resolvePollingPolicy(polling)));
  expect(summary.messagesSent).toBe(0);
});

test('a Retry-After past the deadline fails the send at once instead of sending early', async () => {
  const { outcome, summary } = await provision(
    bed,
    { faults: [{ kind: 'status', status: 429, retryAfter: 600, times: 1, match: ACTIONS_POST }] },
    provisionInput({ polling: { operationDeadlineMs: 5 * 60_000 } }),
  );
  const failure = applicationFailureOf(failed(outcome), 'workflow');

  expect(failure.type).toBe('MessageNotSent');
  expect(summary.requests[SEND]).toBe(1);
  expect(summary.messagesSent).toBe(0);
});

/** A port nothing listens on: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('a send whose connection was refused never left, so it is sent again, once', async () => {
  const unreachable = new OrchestratorClient({
    credentials: { accountSid: `AC${'0'.repeat(32)}`, authToken: 'unused' },
    conversationsBaseUrl: `http://127.0.0.1:${await closedPort()}`,
    memoryBaseUrl: `http://127.0.0.1:${await closedPort()}`,
  });
  let sends = 0;
  const firstSendRefused = (api: OrchestratorApi) =>
    withSendMessage(api, (...args) => (++sends === 1 ? unreachable : api).actions.create(...args));
  try {
    const { outcome, summary } = await provision(bed, { interceptApi: firstSendRefused }, provisionInput());
    const result = succeeded(outcome);

    expect(sends).toBe(2);
    expect(summary.requests[SEND]).toBe(1);
    expect(summary.messagesSent).toBe(1);
    expect(result.ids.actionId).toMatch(/^conv_action_/);
  } finally {
    await unreachable.close();
  }
});

test.each([
  ['a 500', { kind: 'status' as const, status: 500 as const }],
  ['a connection reset after sending', { kind: 'reset' as const }],
])(
  'a send whose outcome stays unknown (%s) is never resent: the run fails naming the conversation',
  async (_name, fault) => {
    const { outcome, summary } = await provision(
      bed,
      { faults: [{ ...fault, times: 1, match: ACTIONS_POST }] },
      inputFailingWhenUnconfirmed(5 * 60_000),
    );
    const failure = applicationFailureOf(failed(outcome), 'workflow');

    expect(failure.type).toBe('MessageOutcomeUnknown');
    expect(failure.nonRetryable).toBe(true);
    const [{ conversationId }] = failure.details as [{ conversationId: string }];
    expect(failure.message).toMatch(
      new RegExp(
        `^the first message in conversation ${conversationId} may or may not have been delivered: its send ` +
          `failed ambiguously \\(.+\\) and it was not listed within 5m; no decision came, so it was not ` +
          `resent — check conversation ${conversationId} before running this provisioning again: a rerun adopts ` +
          'the message if it is listed there by then, else sends it$',
      ),
    );
    expect(conversationId).toMatch(/^conv_conversation_/);
    expect(summary.requests[SEND]).toBe(1);
    expect(summary.messagesSent).toBe(0);
  },
);

test('looking for an unconfirmed message past the stuck threshold flags no operation: none is pending', async () => {
  const { outcome, summary } = await provision(
    bed,
    { faults: [{ kind: 'status', status: 500, times: 1, match: ACTIONS_POST }] },
    // Five minutes of looks, past the 3-minute stuck threshold.
    inputFailingWhenUnconfirmed(5 * 60_000),
    async (_rig, handle) => {
      const progress = await handle.query(progressQuery);
      expect(progress.steps['send-message']?.polls).toBeGreaterThan(5);
      expect(progress.stuckOperationId).toBeUndefined();
      const { typedSearchAttributes } = await handle.describe();
      expect(typedSearchAttributes.get(StuckOperationId)).toBeUndefined();
      expect(await currentDetailsOf(handle)).not.toContain('stuck');
    },
  );

  expect(applicationFailureOf(failed(outcome), 'workflow').type).toBe('MessageOutcomeUnknown');
  expect(summary.messagesSent).toBe(0);
});
