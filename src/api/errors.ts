/**
 * Errors thrown by the Orchestrator client: one base class, subclasses picked from the HTTP
 * status, and a separate branch for failures where no response arrived.
 *
 * No error carries credentials: messages are built from the method, the path (never the
 * Authorization header) and the server's error body.
 */

/**
 * Whether a failed request may be sent again.
 * - `never`: the request was understood and refused (400/401/403/404/409/422), or a read's
 *   answer is unusable and would be again (a malformed body, one over `maxResponseBytes`, a
 *   listing whose page tokens cycle or that passes `maxPages`).
 * - `after-delay`: the server asked to wait (`429`, `503`): retry after `retryAfterMs`.
 * - `safe`: the request never reached the server (connection refused, DNS), retry at will.
 * - `if-idempotent`: the request may already have been applied (other 5xx, a timeout or a
 *   reset after the request was sent, a write's 2xx too large to read): retry only with an
 *   Idempotency-Key, or after checking whether the first attempt took effect.
 */
export type RetrySafety = 'never' | 'after-delay' | 'safe' | 'if-idempotent';

export interface ApiErrorDetails {
  /** `GET`, `POST`, ... */
  method: string;
  /** Path and query only, never the host's credentials. */
  path: string;
  retrySafety: RetrySafety;
  /** HTTP status, when a response arrived. */
  status?: number;
  /** Twilio error code (e.g. 20404, 520045), when the body carried one. */
  code?: number;
  moreInfo?: string;
  /** Parsed `Retry-After`, clamped. */
  retryAfterMs?: number;
  /** `Twilio-Request-Id` / `X-Request-Id` when present, for support tickets. */
  requestId?: string;
  /** 409 only: `X-Conflicting-Resource-Id`. */
  conflictingResourceId?: string;
}

/** Base of every error the client throws. */
export class OrchestratorApiError extends Error {
  readonly method: string;
  readonly path: string;
  readonly retrySafety: RetrySafety;
  readonly status?: number;
  readonly code?: number;
  readonly moreInfo?: string;
  readonly retryAfterMs?: number;
  readonly requestId?: string;
  readonly conflictingResourceId?: string;

  constructor(message: string, details: ApiErrorDetails, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.method = details.method;
    this.path = details.path;
    this.retrySafety = details.retrySafety;
    this.status = details.status;
    this.code = details.code;
    this.moreInfo = details.moreInfo;
    this.retryAfterMs = details.retryAfterMs;
    this.requestId = details.requestId;
    this.conflictingResourceId = details.conflictingResourceId;
  }
}

/** The server answered with an error status. */
export class ApiResponseError extends OrchestratorApiError {}
/** 400: the request is malformed or fails validation. */
export class BadRequestError extends ApiResponseError {}
/** 401: the credentials were refused. */
export class AuthenticationError extends ApiResponseError {}
/** 403: the credentials lack permission. */
export class PermissionDeniedError extends ApiResponseError {}
/** 404: no such resource. */
export class NotFoundError extends ApiResponseError {}
/** 409: a version conflict or a duplicate. */
export class ConflictError extends ApiResponseError {}
/** 422: e.g. an Idempotency-Key reused with a different body. */
export class UnprocessableEntityError extends ApiResponseError {}
/** 429: too many requests; retry after `retryAfterMs`. */
export class RateLimitError extends ApiResponseError {}
/** 503: the service is unavailable; retry after `retryAfterMs`. */
export class ServiceUnavailableError extends ApiResponseError {}
/** Any other 5xx: the request may have been applied. */
export class ServerError extends ApiResponseError {}

/** No response arrived: refused, reset, or the connection dropped. */
export class ConnectionError extends OrchestratorApiError {}
/** The per-request timeout elapsed (or the caller's signal aborted) before a response. */
export class RequestTimeoutError extends ConnectionError {}

/** A 2xx response whose body did not match the expected shape; the message names the field. */
export class ResponseValidationError extends OrchestratorApiError {}
/**
 * A 2xx response whose body is over the client's `maxResponseBytes`; the rest of the body was
 * never read and the connection was closed. A read (`never`) would get the same answer again; a
 * write was applied (`if-idempotent`).
 */
export class ResponseTooLargeError extends OrchestratorApiError {}
/**
 * A listing the client stopped following: a page token came back that the walk had already
 * followed (the server's pages form a cycle), or the walk reached `maxPages`.
 */
export class PaginationError extends OrchestratorApiError {}
/** Refused by the client before sending, e.g. a malformed Idempotency-Key. */
export class InvalidRequestError extends OrchestratorApiError {}
