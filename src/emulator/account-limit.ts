/**
 * The account's limit on API requests, to test a client's budget against: past it the emulator
 * answers as Twilio does past an account's concurrency limit, 429 with Twilio code 20429 and a
 * `Twilio-Concurrent-Requests` header. Twilio publishes no number, so both bounds are options
 * (`accountLimit: { perSecond, concurrent }`), off unless given:
 * - `perSecond`: a token bucket of `perSecond` requests (at least one), refilled continuously at
 *   `perSecond` per second: after a quiet second a burst of `perSecond` goes through at once,
 *   then `perSecond` per second. The same shape as Temporal's task-queue rate limit, whose burst
 *   is one second of its rate.
 * - `concurrent`: requests of the account in flight at once (from their arrival until their
 *   response is sent or their connection closes).
 * A refused request uses neither: no token, no place in flight. Time is the process's monotonic
 * clock, not the emulator clock, which tests move by hand.
 */
import { z } from 'zod';
import { EmulatorHttpError, TWILIO_ERROR_CODES } from './errors';

/** Checked by the options' schema (./options.ts); `null` turns the limit off. */
export const accountLimitSchema = z
  .strictObject(
    {
      /** Requests per second: a bucket of this many (at least 1), refilled at this many per second. */
      perSecond: z
        .number({ error: 'must be a positive number' })
        .positive({ error: 'must be a positive number' })
        .optional(),
      /** Requests in flight at once. */
      concurrent: z
        .int({ error: 'must be a positive integer' })
        .min(1, { error: 'must be a positive integer' })
        .optional(),
    },
    {
      error: (issue) => {
        if (issue.code === 'unrecognized_keys') return 'unknown field (use perSecond or concurrent)';
        return issue.code === 'invalid_type'
          ? 'must be an object { perSecond?, concurrent? }, or null to turn it off'
          : undefined;
      },
    },
  )
  .refine((limit) => limit.perSecond !== undefined || limit.concurrent !== undefined, {
    error: 'give perSecond, concurrent or both (null turns the limit off)',
  })
  .nullable();

export type AccountLimit = NonNullable<z.output<typeof accountLimitSchema>>;

/** The header Twilio sends with the account's requests in flight. */
export const CONCURRENT_REQUESTS_HEADER = 'Twilio-Concurrent-Requests';

export type Admission =
  { admitted: true; inFlight: number; release: () => void } | { admitted: false; refusal: EmulatorHttpError };

export class AccountLimiter {
  private inFlight = 0;
  private throttledCount = 0;
  private tokens = 0;
  private refilledAt = 0;
  /** The `perSecond` the bucket was filled for: a new rate starts with a full bucket. */
  private bucketRate: number | undefined;

  /** 429s served past the limit since the start or the last `reset`. */
  get throttled(): number {
    return this.throttledCount;
  }

  /**
   * Lets a request in under `limit` at `nowMs` (monotonic milliseconds), or refuses it with the
   * 429 to answer. An admitted request holds its place in flight until `release`, called once.
   */
  admit(limit: AccountLimit | null, nowMs: number): Admission {
    if (limit?.concurrent !== undefined && this.inFlight >= limit.concurrent) {
      return this.refuse(`the account's limit of ${limit.concurrent} concurrent requests was reached`, 1);
    }
    if (limit?.perSecond !== undefined) {
      const { perSecond } = limit;
      this.refill(perSecond, nowMs);
      if (this.tokens < 1) {
        const waitSeconds = Math.max(1, Math.ceil((1 - this.tokens) / perSecond));
        return this.refuse(
          `the account's limit of ${perSecond} requests per second was reached`,
          waitSeconds,
        );
      }
      this.tokens -= 1;
    }
    this.inFlight += 1;
    let released = false;
    return {
      admitted: true,
      inFlight: this.inFlight,
      release: () => {
        if (released) return;
        released = true;
        this.inFlight -= 1;
      },
    };
  }

  /** Forgets the 429s served and refills the bucket; requests in flight stay in flight. */
  reset(): void {
    this.throttledCount = 0;
    this.bucketRate = undefined;
  }

  private refill(perSecond: number, nowMs: number): void {
    const capacity = Math.max(1, perSecond);
    if (this.bucketRate !== perSecond) {
      this.bucketRate = perSecond;
      this.tokens = capacity;
    } else {
      this.tokens = Math.min(capacity, this.tokens + ((nowMs - this.refilledAt) / 1000) * perSecond);
    }
    this.refilledAt = nowMs;
  }

  private refuse(reason: string, retryAfterSeconds: number): Admission {
    this.throttledCount += 1;
    return {
      admitted: false,
      refusal: new EmulatorHttpError(
        429,
        TWILIO_ERROR_CODES.tooManyRequests,
        `Too many requests: ${reason}`,
        {
          'Retry-After': String(retryAfterSeconds),
          // The refused request is not in flight: the count is of those that are.
          [CONCURRENT_REQUESTS_HEADER]: String(this.inFlight),
        },
      ),
    };
  }
}
