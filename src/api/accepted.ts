import { ResponseValidationError } from './errors';
import { parseRetryAfter } from './retry-after';
import { acceptedBodySchema, parseResponseBody, type ResponseOrigin } from './schemas';
import type { AcceptedOperation } from './types';

/** A 202 response as the transport read it. */
export interface AcceptedResponse extends ResponseOrigin {
  /** The request's origin; with `path`, what a relative `statusUrl` or `Location` is resolved against. */
  origin: string;
  /** Lower-case header names. */
  headers: Readonly<Record<string, string>>;
  body: unknown;
  /** For an HTTP-date `Retry-After` without a `Date` header. @default Date.now() */
  now?: number;
}

/**
 * Reads any `202 Accepted` of either host into one shape.
 *
 * `statusUrl` comes from the body (both hosts send it), else from `Location`; the operation ID
 * from the `Operation-Id` header, else from the last path segment of `statusUrl`.
 */
export function parseAccepted(response: AcceptedResponse): AcceptedOperation {
  const body = parseResponseBody(acceptedBodySchema, response.body ?? {}, 'accepted', response);
  const { headers } = response;
  const location = headers['location'];
  const statusUrlText = body.statusUrl ?? location;
  if (statusUrlText === undefined) invalid(response, 'neither accepted.statusUrl nor a Location header');
  const statusUrl = resolveUrl(statusUrlText, response);

  const operationId = headers['operation-id'] ?? lastPathSegment(statusUrl);
  if (operationId === undefined) invalid(response, 'neither an Operation-Id header nor an ID in statusUrl');

  const accepted: AcceptedOperation = { operationId, statusUrl: statusUrl.href, related: body.related ?? {} };
  const retryAfterMs = parseRetryAfter(headers['retry-after'], { date: headers['date'], now: response.now });
  if (retryAfterMs !== undefined) accepted.retryAfterMs = retryAfterMs;
  if (location !== undefined) accepted.location = location;
  if (body.message !== undefined) accepted.message = body.message;
  return accepted;
}

function resolveUrl(text: string, response: AcceptedResponse): URL {
  try {
    return new URL(text, `${response.origin}${response.path}`);
  } catch {
    return invalid(response, 'accepted.statusUrl: not a URL');
  }
}

function lastPathSegment(url: URL): string | undefined {
  const segment = url.pathname.split('/').pop();
  return segment === '' ? undefined : segment;
}

function invalid(response: AcceptedResponse, problem: string): never {
  const { method, path, status } = response;
  throw new ResponseValidationError(
    `${method} ${path} (HTTP ${status}) returned an unusable 202: ${problem}`,
    {
      method,
      path,
      status,
      retrySafety: 'never',
    },
  );
}
