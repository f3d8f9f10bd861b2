/**
 * When to poll an async operation next: a pure function of the attempt number, the server's
 * last Retry-After, the time spent so far and a random number. No Temporal imports, so it is
 * unit-tested on its own; the workflow feeds it `Math.random()` (deterministic there).
 *
 * Rules, in order of precedence:
 * 1. never past the per-operation deadline: the last wait is shortened to land on it, and once
 *    it is reached the answer is `'deadline-exceeded'`;
 * 2. never sooner than the server's Retry-After;
 * 3. otherwise exponential backoff — `initialIntervalMs * backoffCoefficient^(attempt-1)` —
 *    capped at `maxIntervalMs`, with ±`jitterRatio` jitter (still capped), so a hundred
 *    provisionings started together do not poll in lockstep.
 */

export interface PollingPolicy {
  /** Backoff of the first wait. @default 1000 */
  initialIntervalMs: number;
  /** Growth of the backoff per poll. @default 1.5 */
  backoffCoefficient: number;
  /** Cap of the backoff (a longer Retry-After still wins). @default 30000 */
  maxIntervalMs: number;
  /** Each backoff is scaled by a random factor in [1 - ratio, 1 + ratio). @default 0.2 */
  jitterRatio: number;
  /** Time after the operation was accepted when waiting stops and the step fails. @default 30 minutes */
  operationDeadlineMs: number;
  /** Pending longer than this is flagged as stuck (the docs advise contacting support). @default 3 minutes */
  stuckAfterMs: number;
}

export const DEFAULT_POLLING_POLICY: Readonly<PollingPolicy> = {
  initialIntervalMs: 1_000,
  backoffCoefficient: 1.5,
  maxIntervalMs: 30_000,
  jitterRatio: 0.2,
  operationDeadlineMs: 30 * 60_000,
  stuckAfterMs: 3 * 60_000,
};

/** The defaults with the given overrides applied; `undefined` fields keep their default. */
export function resolvePollingPolicy(overrides: Partial<PollingPolicy> = {}): PollingPolicy {
  const policy = { ...DEFAULT_POLLING_POLICY };
  for (const key of Object.keys(policy) as (keyof PollingPolicy)[]) {
    const value = overrides[key];
    if (value !== undefined) policy[key] = value;
  }
  return policy;
}

export interface PollTiming {
  /** 1 for the wait before the first poll, 2 before the second, ... */
  attempt: number;
  /** The server's last Retry-After (202 response or last status read), if it sent one. */
  retryAfterMs?: number;
  /** Time since the operation was accepted. */
  elapsedMs: number;
  /** Uniform in [0, 1). */
  random: number;
}

/** Milliseconds to wait before the next poll, or `'deadline-exceeded'` when no time is left. */
export function nextPollDelay(policy: PollingPolicy, timing: PollTiming): number | 'deadline-exceeded' {
  const remainingMs = policy.operationDeadlineMs - timing.elapsedMs;
  if (remainingMs <= 0) return 'deadline-exceeded';
  const jitter = 1 + policy.jitterRatio * (2 * timing.random - 1);
  const backoffMs = Math.min(policy.maxIntervalMs, backoffOf(policy, timing.attempt) * jitter);
  const waitMs = Math.ceil(Math.max(backoffMs, timing.retryAfterMs ?? 0));
  return Math.min(waitMs, remainingMs);
}

function backoffOf(policy: PollingPolicy, attempt: number): number {
  return Math.min(
    policy.maxIntervalMs,
    policy.initialIntervalMs * policy.backoffCoefficient ** (attempt - 1),
  );
}

/**
 * The most polls the policy can make before its deadline, whatever the server and the random
 * numbers do.
 *
 * Bound: a wait is never shorter than the backoff's lower edge
 * `low(k) = min(maxIntervalMs, initialIntervalMs * backoffCoefficient^(k-1)) * (1 - jitterRatio)`
 * (Retry-After and rounding only lengthen it), except the last one, which is shortened to land
 * on the deadline. Poll n therefore happens no sooner than `low(1) + ... + low(n)`, and the
 * answer is the smallest n whose sum reaches `operationDeadlineMs`.
 *
 * With the defaults (1 s, ×1.5, 30 s cap, 0.2 jitter, 30 min deadline): the backoff reaches
 * the cap at the 10th wait (9 waits sum to ~59.9 s at their shortest), then every wait is at
 * least 24 s, so at most 82 polls per operation, against 1 800 for a fixed 1 s poller.
 *
 * Counting stops past `countUpTo` (then the answer is `countUpTo + 1`): a policy can allow
 * billions of polls, and counting them one by one would hang whoever validates it.
 */
export function maxPollsBeforeDeadline(policy: PollingPolicy, countUpTo = Number.POSITIVE_INFINITY): number {
  let polls = 0;
  let earliestPollMs = 0;
  while (earliestPollMs < policy.operationDeadlineMs && polls <= countUpTo) {
    polls += 1;
    earliestPollMs += backoffOf(policy, polls) * (1 - policy.jitterRatio);
  }
  return polls;
}
