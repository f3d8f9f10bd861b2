import type { RetrySafety } from './errors';

/** What happened to a request that failed. */
export type FailureKind =
  /** The server answered with this HTTP status. */
  | { kind: 'status'; status: number }
  /** No connection was made, so the server never saw the request (refused, DNS, connect timeout). */
  | { kind: 'not-sent' }
  /** The request may have reached the server: reset, closed, or timed out after sending. */
  | { kind: 'maybe-sent' }
  /** A 2xx answer too large to read: the server acted on the request. */
  | { kind: 'too-large' };

/** Methods whose repetition cannot change anything on the server. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The one place that decides whether a failed request may be sent again. */
export function retrySafetyOf(method: string, failure: FailureKind): RetrySafety {
  switch (failure.kind) {
    case 'not-sent':
      // Nothing reached the server: sending again cannot duplicate anything.
      return 'safe';
    case 'maybe-sent':
      // The first attempt may have been applied; repeating a read is harmless, a write is not.
      return SAFE_METHODS.has(method) ? 'safe' : 'if-idempotent';
    case 'too-large':
      // A read would get the same oversized answer again; a write was applied, so it may be sent
      // again only with an Idempotency-Key or after checking what it did.
      return SAFE_METHODS.has(method) ? 'never' : 'if-idempotent';
    case 'status': {
      const { status } = failure;
      // The server asked for a pause and said the request was not processed.
      if (status === 429 || status === 503) return 'after-delay';
      // Any other 4xx: the request was understood and refused; sending it again gets the same answer.
      if (status >= 400 && status < 500) return 'never';
      // Other 5xx: the server may have applied the request before failing.
      if (status >= 500) return SAFE_METHODS.has(method) ? 'safe' : 'if-idempotent';
      // 1xx/3xx where a 2xx was expected: a protocol mismatch that repetition will not fix.
      return 'never';
    }
  }
}
