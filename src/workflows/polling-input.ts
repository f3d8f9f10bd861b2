/**
 * Polling overrides as an input gives them (a provisioning's or a teardown's `polling`), with the
 * bound that keeps a run's history within Temporal's limits.
 */
import { z } from 'zod';
import { positiveMs } from './input-schema';
import { maxPollsBeforeDeadline, resolvePollingPolicy } from './polling-policy';

const MAX_DEADLINE_MS = 7 * 24 * 3_600_000;

/**
 * The most polls a policy may allow one wait (an operation, an Action, the sends or the looks for
 * the first message) before its deadline: 82 with the defaults. Each poll costs about 11 history
 * events (a timer, an activity and the workflow tasks that follow each), and a run has at most
 * four waits that can last long, so a run stays near 22 000 events at worst: within Temporal's
 * limit of 51 200, where it terminates the run.
 */
const MAX_POLLS_PER_WAIT = 500;
/** Past this, a policy's polls are not counted one by one: it allows "over 100000". */
const POLLS_COUNTED_UP_TO = 100_000;

export function pollingSchema() {
  return z
    .strictObject({
      initialIntervalMs: positiveMs().optional(),
      maxIntervalMs: positiveMs().optional(),
      backoffCoefficient: z.number().min(1, 'must be at least 1').max(10, 'must be at most 10').optional(),
      jitterRatio: z.number().min(0, 'must be at least 0').max(0.99, 'must be below 1').optional(),
      operationDeadlineMs: positiveMs().max(MAX_DEADLINE_MS, 'must be at most 7 days').optional(),
      stuckAfterMs: positiveMs().optional(),
    })
    .refine(
      (p) =>
        p.initialIntervalMs === undefined ||
        p.maxIntervalMs === undefined ||
        p.initialIntervalMs <= p.maxIntervalMs,
      { message: 'initialIntervalMs must not exceed maxIntervalMs', path: ['initialIntervalMs'] },
    )
    .check((payload) => {
      // Counted only for a policy valid field by field (a jitterRatio of 1 would make waits of 0).
      if (payload.issues.length > 0) return;
      const polls = maxPollsBeforeDeadline(resolvePollingPolicy(payload.value), POLLS_COUNTED_UP_TO);
      if (polls <= MAX_POLLS_PER_WAIT) return;
      const count = polls > POLLS_COUNTED_UP_TO ? `over ${POLLS_COUNTED_UP_TO}` : String(polls);
      payload.issues.push({
        code: 'custom',
        input: payload.value,
        message:
          `allows up to ${count} polls per wait: that many waits, at their shortest (initialIntervalMs, ` +
          'backoffCoefficient, maxIntervalMs, jitterRatio), fit in operationDeadlineMs; at most ' +
          `${MAX_POLLS_PER_WAIT} are allowed, so the history stays within Temporal's limits: ` +
          'lengthen the intervals or shorten operationDeadlineMs',
      });
    });
}

/** Polling overrides as given in an input. */
export type PollingInput = z.input<ReturnType<typeof pollingSchema>>;
