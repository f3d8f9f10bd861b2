import {
  ApiResponseError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  ServiceUnavailableError,
  UnprocessableEntityError,
} from './errors';
import { boundText } from './bounded-text';
import { parseRetryAfter } from './retry-after';
import { retrySafetyOf } from './retry-safety';

/** A non-2xx response, as the transport read it. */
export interface ErrorResponse {
  method: string;
  /** Path and query of the request. */
  path: string;
  status: number;
  /** Lower-case header names. */
  headers: Readonly<Record<string, string>>;
  /** The body as text; may be empty or not JSON at all. */
  bodyText: string;
  /** `bodyText` is only the body's first bytes: the rest was too long to read. */
  bodyCut?: boolean;
  /** For an HTTP-date `Retry-After` without a `Date` header. @default Date.now() */
  now?: number;
}

const ERROR_CLASS_BY_STATUS: Readonly<Record<number, typeof ApiResponseError>> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  422: UnprocessableEntityError,
  429: RateLimitError,
  503: ServiceUnavailableError,
};

/** Longest slice of a non-JSON body quoted in a message (proxies answer with whole HTML pages). */
const MAX_QUOTED_BODY = 200;

/**
 * The error a non-2xx response stands for: class and retry safety from the status alone, details
 * from headers and body. Whatever the body holds, the message stays short (server text is cut to
 * `MAX_SERVER_TEXT_CHARS`), so a huge error body is still the refusal its status says.
 */
export function errorFromResponse(response: ErrorResponse): ApiResponseError {
  const { method, path, status, headers } = response;
  const problem = describeProblem(response.bodyText, response.bodyCut);
  const ErrorClass = ERROR_CLASS_BY_STATUS[status] ?? (status >= 500 ? ServerError : ApiResponseError);

  const twilioCode = problem.code === undefined ? '' : ` (Twilio error ${problem.code})`;
  const explanation = problem.message === undefined ? '' : `: ${problem.message}`;
  return new ErrorClass(`${method} ${path} failed with HTTP ${status}${twilioCode}${explanation}`, {
    method,
    path,
    status,
    retrySafety: retrySafetyOf(method, { kind: 'status', status }),
    code: problem.code,
    moreInfo: problem.moreInfo,
    retryAfterMs: parseRetryAfter(headers['retry-after'], { date: headers['date'], now: response.now }),
    requestId: headers['twilio-request-id'] ?? headers['x-request-id'],
    conflictingResourceId: status === 409 ? headers['x-conflicting-resource-id'] : undefined,
  });
}

interface Problem {
  message?: string;
  code?: number;
  moreInfo?: string;
}

/**
 * Reads both error body formats Twilio uses: classic `{code, message, more_info, status}` and
 * RFC 9457 problem details `{type, title, status, code, detail, instance}`.
 */
export function describeProblem(bodyText: string, bodyCut = false): Problem {
  // A cut body is not JSON any more: quote its start, and say it was cut.
  const body = bodyCut ? undefined : parseJsonObject(bodyText);
  if (body === undefined) {
    const text = bodyText.trim();
    if (bodyCut) return { message: `${text.slice(0, MAX_QUOTED_BODY)}… (rest of the error body not read)` };
    return text === '' ? {} : { message: truncate(text) };
  }
  const title = stringField(body, 'title');
  const detail = stringField(body, 'detail');
  const rfc9457Message =
    title !== undefined && detail !== undefined ? `${title}: ${detail}` : (detail ?? title);
  const type = stringField(body, 'type');
  const message = stringField(body, 'message') ?? rfc9457Message;
  const moreInfo =
    stringField(body, 'more_info') ?? (type !== undefined && /^https?:\/\//.test(type) ? type : undefined);
  return {
    message: message === undefined ? undefined : boundText(message),
    code: integerField(body, 'code'),
    // RFC 9457's `type` is a URI naming the problem; Twilio points it at the error's docs page.
    moreInfo: moreInfo === undefined ? undefined : boundText(moreInfo),
  };
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function stringField(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** Twilio codes are integers; some gateways send them as numeric strings. */
function integerField(body: Record<string, unknown>, key: string): number | undefined {
  const value = body[key];
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof number === 'number' && Number.isInteger(number) ? number : undefined;
}

function truncate(text: string): string {
  return text.length > MAX_QUOTED_BODY ? `${text.slice(0, MAX_QUOTED_BODY)}…` : text;
}
