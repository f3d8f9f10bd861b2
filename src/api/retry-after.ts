/**
 * `Retry-After` parsing per RFC 9110 §10.2.3: either delay-seconds (digits only) or an
 * HTTP-date. Pure functions, no I/O.
 */

/**
 * Upper bound of a parsed `Retry-After`: one hour.
 *
 * A server asking for more is either wrong or down for maintenance; callers have deadlines of
 * their own. The bound also keeps every value far below Node's timer limit (2^31-1 ms ≈ 24.8
 * days), above which `setTimeout` silently fires after 1 ms and turns a long wait into a busy loop.
 */
export const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;

export interface RetryAfterContext {
  /** The response's `Date` header: an HTTP-date `Retry-After` is measured against it when valid. */
  date?: string;
  /** The current time in ms since the epoch, used when `date` is absent or invalid. @default Date.now() */
  now?: number;
}

const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const TIME = '\\d{2}:\\d{2}:\\d{2}';

// `Date.parse` alone accepts almost anything ("hello 2020" is a date to V8), so only the three
// grammars RFC 9110 allows are handed to it.
const IMF_FIXDATE = new RegExp(`^${DAY}, \\d{2} ${MONTH} \\d{4} ${TIME} GMT$`);
const RFC850_DATE = new RegExp(`^${LONG_DAY}, \\d{2}-${MONTH}-\\d{2} ${TIME} GMT$`);
/** asctime has no zone; RFC 9110 says it is UTC, while `Date.parse` would read local time. */
const ASCTIME_DATE = new RegExp(`^${DAY} ${MONTH} (?: \\d|\\d{2}) ${TIME} \\d{4}$`);

/** Milliseconds since the epoch of an HTTP-date in any of RFC 9110's three forms, else undefined. */
export function parseHttpDate(value: string): number | undefined {
  const text = value.trim();
  let parsed = Number.NaN;
  if (IMF_FIXDATE.test(text) || RFC850_DATE.test(text)) parsed = Date.parse(text);
  else if (ASCTIME_DATE.test(text)) parsed = Date.parse(`${text} GMT`);
  return Number.isFinite(parsed) ? parsed : undefined;
}

/**
 * The wait a `Retry-After` header asks for, in ms, clamped to `[0, MAX_RETRY_AFTER_MS]`.
 * Undefined when the header is absent or is neither delay-seconds nor an HTTP-date.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  context: RetryAfterContext = {},
): number | undefined {
  if (value === undefined || value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return clamp(Number(text) * 1000);

  const retryAt = parseHttpDate(text);
  if (retryAt === undefined) return undefined;
  // Measured against the server's own clock when it sent one, so client clock skew does not count.
  const serverNow = context.date === undefined ? undefined : parseHttpDate(context.date);
  return clamp(retryAt - (serverNow ?? context.now ?? Date.now()));
}

function clamp(ms: number): number {
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}
