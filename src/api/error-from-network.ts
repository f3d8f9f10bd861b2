import { ConnectionError, RequestTimeoutError } from './errors';
import { retrySafetyOf, type FailureKind } from './retry-safety';

/** A request that got no complete response. */
export interface NetworkFailure {
  method: string;
  /** Path and query of the request. */
  path: string;
  /** What undici or the socket threw. Never attached as is: it may reference request options. */
  error: unknown;
  /** Set when the request's abort signal fired, with the reason. */
  aborted?: { by: 'timeout'; timeoutMs: number } | { by: 'caller'; beforeSending: boolean };
  /** Removes credentials from any text copied out of `error`. */
  redact: (text: string) => string;
}

/**
 * Error codes meaning no connection was established, so the server cannot have seen the
 * request. Anything else (resets, "other side closed", body errors) may come after the request
 * was written, and is treated as possibly applied.
 */
const NOT_SENT_CODES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  EAI_FAIL: 'DNS lookup failed',
  ENETUNREACH: 'network unreachable',
  EHOSTUNREACH: 'host unreachable',
  EADDRNOTAVAIL: 'address not available',
  UND_ERR_CONNECT_TIMEOUT: 'connect timed out',
};

const MAYBE_SENT_CODES: Readonly<Record<string, string>> = {
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed while sending',
  UND_ERR_SOCKET: 'connection closed before a complete response',
  UND_ERR_HEADERS_TIMEOUT: 'no response headers in time',
  UND_ERR_BODY_TIMEOUT: 'response body stalled',
};

export function errorFromNetworkFailure(failure: NetworkFailure): ConnectionError {
  const { method, path, aborted } = failure;
  const details = (kind: FailureKind) => ({ method, path, retrySafety: retrySafetyOf(method, kind) });

  if (aborted?.by === 'timeout') {
    return new RequestTimeoutError(
      `${method} ${path} failed: no response within ${aborted.timeoutMs} ms`,
      details({ kind: 'maybe-sent' }),
    );
  }
  if (aborted?.by === 'caller') {
    return new RequestTimeoutError(
      `${method} ${path} failed: aborted by the caller's signal`,
      details({ kind: aborted.beforeSending ? 'not-sent' : 'maybe-sent' }),
    );
  }

  const code = errorCode(failure.error);
  const notSent = code === undefined ? undefined : NOT_SENT_CODES[code];
  const description =
    notSent ?? (code === undefined ? undefined : MAYBE_SENT_CODES[code]) ?? 'connection failed';
  return new ConnectionError(
    `${method} ${path} failed: ${description}${code === undefined ? '' : ` (${code})`}`,
    details({ kind: notSent === undefined ? 'maybe-sent' : 'not-sent' }),
    { cause: sanitizedCause(failure.error, code, failure.redact) },
  );
}

/** The first `code` along the error's cause chain (undici and Node put it on the error itself). */
function errorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; depth < 4 && isObject(current); current = current.cause, depth++) {
    if (typeof current.code === 'string') return current.code;
  }
  return undefined;
}

/**
 * A fresh Error carrying only the original's name, redacted message and code. The original is
 * dropped because undici errors can hold sockets and request options, headers included.
 */
function sanitizedCause(error: unknown, code: string | undefined, redact: (text: string) => string): Error {
  const original = isObject(error) ? error : {};
  const message = typeof original.message === 'string' ? original.message : String(error);
  const cause = new Error(redact(message));
  cause.name = typeof original.name === 'string' ? original.name : 'Error';
  if (code !== undefined) Object.assign(cause, { code });
  return cause;
}

function isObject(value: unknown): value is Record<string, unknown> & { cause?: unknown } {
  return typeof value === 'object' && value !== null;
}
