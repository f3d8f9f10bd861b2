import {
  DEFAULT_POLLING_POLICY,
  maxPollsBeforeDeadline,
  nextPollDelay,
  resolvePollingPolicy,
  type PollingPolicy,
} from '../../src/workflows/polling-policy';

const noJitter: PollingPolicy = { ...DEFAULT_POLLING_POLICY, jitterRatio: 0 };

/** A small deterministic PRNG (mulberry32) so the property-style tests are reproducible. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs the policy against a server that never finishes: returns each wait, in order. */
function waitsUntilDeadline(
  policy: PollingPolicy,
  random: () => number,
  retryAfterMs?: () => number,
): number[] {
  const waits: number[] = [];
  let elapsedMs = 0;
  for (;;) {
    const delay = nextPollDelay(policy, {
      attempt: waits.length + 1,
      retryAfterMs: retryAfterMs?.(),
      elapsedMs,
      random: random(),
    });
    if (delay === 'deadline-exceeded') return waits;
    waits.push(delay);
    elapsedMs += delay;
  }
}

describe('nextPollDelay', () => {
  test('grows exponentially from the initial interval and stops at the cap', () => {
    const delays = [1, 2, 3, 4, 9, 10, 50].map((attempt) =>
      nextPollDelay(noJitter, { attempt, elapsedMs: 0, random: 0.5 }),
    );
    expect(delays).toEqual([1000, 1500, 2250, 3375, 25629, 30000, 30000]);
  });

  test('jitter stays within ±jitterRatio and never exceeds the cap', () => {
    const policy = DEFAULT_POLLING_POLICY;
    expect(nextPollDelay(policy, { attempt: 3, elapsedMs: 0, random: 0 })).toBe(1800);
    expect(nextPollDelay(policy, { attempt: 3, elapsedMs: 0, random: 0.999999 })).toBe(2700);
    expect(nextPollDelay(policy, { attempt: 40, elapsedMs: 0, random: 0.999999 })).toBe(30000);
    expect(nextPollDelay(policy, { attempt: 40, elapsedMs: 0, random: 0 })).toBe(24000);
  });

  test('never waits less than the server asked, even above the cap', () => {
    expect(
      nextPollDelay(DEFAULT_POLLING_POLICY, { attempt: 1, retryAfterMs: 5000, elapsedMs: 0, random: 0.9 }),
    ).toBe(5000);
    expect(
      nextPollDelay(DEFAULT_POLLING_POLICY, { attempt: 1, retryAfterMs: 90_000, elapsedMs: 0, random: 0 }),
    ).toBe(90_000);
    // A shorter Retry-After does not shorten the backoff.
    expect(nextPollDelay(noJitter, { attempt: 4, retryAfterMs: 1000, elapsedMs: 0, random: 0 })).toBe(3375);
  });

  test('the last wait is shortened to land on the deadline, then the deadline is exceeded', () => {
    const policy = { ...noJitter, operationDeadlineMs: 10_000 };
    expect(nextPollDelay(policy, { attempt: 9, elapsedMs: 9_000, random: 0 })).toBe(1000);
    expect(nextPollDelay(policy, { attempt: 1, retryAfterMs: 3_600_000, elapsedMs: 0, random: 0 })).toBe(
      10_000,
    );
    expect(nextPollDelay(policy, { attempt: 9, elapsedMs: 10_000, random: 0 })).toBe('deadline-exceeded');
    expect(nextPollDelay(policy, { attempt: 9, elapsedMs: 12_000, random: 0 })).toBe('deadline-exceeded');
  });

  test('waits are whole milliseconds', () => {
    const delay = nextPollDelay(
      { ...noJitter, initialIntervalMs: 333, backoffCoefficient: 1.1 },
      {
        attempt: 2,
        elapsedMs: 0,
        random: 0,
      },
    );
    expect(delay).toBe(367);
  });
});

describe('maxPollsBeforeDeadline', () => {
  test('is 82 with the defaults (against 1 800 for a fixed 1 s poller)', () => {
    expect(maxPollsBeforeDeadline(DEFAULT_POLLING_POLICY)).toBe(82);
  });

  test('is reached exactly when every wait is at its shortest', () => {
    for (const policy of [
      DEFAULT_POLLING_POLICY,
      { ...DEFAULT_POLLING_POLICY, operationDeadlineMs: 7_200_000 },
      noJitter,
    ]) {
      expect(waitsUntilDeadline(policy, () => 0)).toHaveLength(maxPollsBeforeDeadline(policy));
    }
  });

  test('bounds the polls whatever the random numbers and the Retry-After values', () => {
    const policies: PollingPolicy[] = [
      DEFAULT_POLLING_POLICY,
      resolvePollingPolicy({
        initialIntervalMs: 50,
        backoffCoefficient: 1,
        jitterRatio: 0.9,
        operationDeadlineMs: 5_000,
      }),
      resolvePollingPolicy({ backoffCoefficient: 3, maxIntervalMs: 7_000, operationDeadlineMs: 120_000 }),
    ];
    for (const [index, policy] of policies.entries()) {
      const random = seededRandom(index + 1);
      const bound = maxPollsBeforeDeadline(policy);
      for (let run = 0; run < 200; run += 1) {
        const waits = waitsUntilDeadline(policy, random, () =>
          random() < 0.3 ? Math.floor(random() * 4000) : 0,
        );
        expect(waits.length).toBeLessThanOrEqual(bound);
        expect(waits.reduce((sum, wait) => sum + wait, 0)).toBe(policy.operationDeadlineMs);
      }
    }
  });
});

describe('resolvePollingPolicy', () => {
  test('applies overrides and keeps defaults for fields left undefined', () => {
    expect(resolvePollingPolicy({ maxIntervalMs: 5_000, stuckAfterMs: undefined })).toEqual({
      ...DEFAULT_POLLING_POLICY,
      maxIntervalMs: 5_000,
    });
  });
});
