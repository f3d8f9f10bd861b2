/**
 * The workflow side of waiting for something asynchronous: poll through an activity, wait with
 * durable timers in between (never a sleep inside an activity), give up at the deadline.
 *
 * Generic over what is polled: the caller passes the poll (an activity call) and a `classify`
 * that reads the result as pending, done or failed. Operations, Actions and the "configuration
 * not listed yet" wait all use it.
 */
import { ApplicationFailure, log, sleep } from '@temporalio/workflow';
import { FailureType } from './failure-types';
import { formatDuration } from './format';
import { nextPollDelay, type PollingPolicy } from './polling-policy';

export type PollVerdict =
  | { state: 'pending'; status: string; retryAfterMs?: number }
  | { state: 'done' }
  | { state: 'failed'; failure: ApplicationFailure };

export interface PollSpec<T> {
  /** What is awaited, for timer summaries, logs and messages, e.g. `memory store operation`. */
  subject: string;
  /** The operation (or action) ID: named in the stuck search attribute and in every failure. */
  operationId: string;
  poll: () => Promise<T>;
  classify: (polled: T) => PollVerdict;
  policy: PollingPolicy;
  /**
   * `after-wait` (operations): the first poll comes after a wait of at least `retryAfterMs`,
   * the 202's Retry-After. `immediately`: poll first, wait only if still pending.
   */
  firstPoll: 'after-wait' | 'immediately';
  retryAfterMs?: number;
  /** Called after every poll with the count so far (progress reporting). */
  onPoll?: (polls: number) => void;
  /**
   * Flags the run with the operation ID when the wait passes `policy.stuckAfterMs`, and clears the
   * flag (undefined) if it then settles: the run's progress writes it (search attribute, details).
   */
  onStuckChange: (stuckOperationId: string | undefined) => void;
}

/**
 * Polls until `classify` says done (returns the last poll) or failed (throws its failure).
 * Past `policy.stuckAfterMs` the operation is flagged (`onStuckChange`, a warning) and waiting
 * goes on; at `policy.operationDeadlineMs` it throws a non-retryable `OperationDeadlineExceeded`
 * naming the operation ID.
 */
export async function pollUntilSettled<T>(spec: PollSpec<T>): Promise<T> {
  const { policy, subject, operationId } = spec;
  const startedAt = Date.now();
  let polls = 0;
  let waits = 0;
  let retryAfterMs = spec.retryAfterMs;
  let lastStatus = 'PENDING';
  let flaggedStuck = false;

  for (;;) {
    if (polls > 0 || spec.firstPoll === 'after-wait') {
      const elapsedMs = Date.now() - startedAt;
      const delayMs = nextPollDelay(policy, {
        attempt: waits + 1,
        retryAfterMs,
        elapsedMs,
        random: Math.random(),
      });
      if (delayMs === 'deadline-exceeded') throw deadlineExceeded(spec, lastStatus, polls);
      waits += 1;
      await sleep(delayMs, {
        summary: `${subject} ${operationId}: wait ${formatDuration(delayMs)} before poll ${polls + 1}`,
      });
    }

    const polled = await spec.poll();
    polls += 1;
    spec.onPoll?.(polls);
    const verdict = spec.classify(polled);
    if (verdict.state === 'failed') throw verdict.failure;
    if (verdict.state === 'done') {
      if (flaggedStuck) spec.onStuckChange(undefined);
      return polled;
    }

    lastStatus = verdict.status;
    retryAfterMs = verdict.retryAfterMs;
    const pendingForMs = Date.now() - startedAt;
    if (!flaggedStuck && pendingForMs >= policy.stuckAfterMs) {
      flaggedStuck = true;
      spec.onStuckChange(operationId);
      log.warn(`${subject} ${operationId} has been ${lastStatus} for ${formatDuration(pendingForMs)}`, {
        operationId,
        advice: 'the Orchestrator docs advise contacting Twilio support about operations pending this long',
      });
    }
  }
}

function deadlineExceeded(
  spec: Pick<PollSpec<unknown>, 'subject' | 'operationId' | 'policy'>,
  lastStatus: string,
  polls: number,
): ApplicationFailure {
  const { subject, operationId, policy } = spec;
  return ApplicationFailure.create({
    type: FailureType.OperationDeadlineExceeded,
    nonRetryable: true,
    message:
      `${subject} ${operationId} still ${lastStatus} after the ${formatDuration(policy.operationDeadlineMs)} deadline ` +
      `(${polls} polls); contact Twilio support with ID ${operationId}`,
    details: [{ operationId, lastStatus, polls }],
  });
}
