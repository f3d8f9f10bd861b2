/**
 * The one place where the API client's errors become Temporal failures. The client knows
 * nothing of Temporal; the workflow sees only `ApplicationFailure`s whose `type` is one of the
 * vocabulary in ../workflows/failure-types (what happened to the request: busy, unreachable,
 * outcome unknown, refused, not found, conflict, invalid response) and whose first detail is an
 * `ApiFailureDetails` for the person reading it.
 */
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import { InvalidRequestError, OrchestratorApiError, type ApiErrorDetails } from '../api/errors';
import { FailureType } from '../workflows/failure-types';

/** What a failure from the API client carries as its first detail: where it failed, and the server's words. */
export type ApiFailureDetails = Pick<
  ApiErrorDetails,
  'method' | 'path' | 'status' | 'code' | 'moreInfo' | 'requestId' | 'retryAfterMs' | 'conflictingResourceId'
> & {
  /** The API client's error class, e.g. `BadRequestError`. */
  apiError: string;
};

/** What a person should check, by HTTP status, for refusals that retrying cannot fix. */
const ADVICE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'fix the field named above in the input',
  401: "check the worker's TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (or TWILIO_API_KEY/TWILIO_API_SECRET)",
  403: 'the credentials lack permission for this resource; check the account or API key',
  404: 'the resource does not exist (deleted, or the ID belongs to another account)',
  409: 'the resource conflicts with an existing one or was changed concurrently',
  422: 'the request is well-formed but refused; see the rule named above',
};

/** The failure type for a refusal (`retrySafety: 'never'`), by status. */
function refusalType(error: OrchestratorApiError): FailureType {
  if (error.status === 404) return FailureType.ResourceNotFound;
  if (error.status === 409) return FailureType.ResourceConflict;
  // Refused by the client itself, before sending (e.g. a malformed Idempotency-Key).
  if (error instanceof InvalidRequestError) return FailureType.ApiRefused;
  // No error status: a response the client cannot use (wrong shape, too large, a looping page walk).
  if (error.status === undefined || error.status < 400) return FailureType.ApiResponseInvalid;
  return FailureType.ApiRefused;
}

/**
 * Translates an error thrown by the API client:
 * - `ApiBusy` (429/503): retryable after the server's Retry-After (`nextRetryDelay`) when it asked
 *   for a wait; `Retry-After: 0` (or an HTTP-date already past) leaves the retry policy's backoff.
 *   An expected wait, so BENIGN: Temporal logs it at DEBUG and counts no failure;
 * - `ApiRefused`, `ResourceNotFound`, `ResourceConflict`, `ApiResponseInvalid`: non-retryable,
 *   with a message a person can act on;
 * - `ApiSafeToRepeat` (never sent, or a read) or `ApiOutcomeUnknown` (other 5xx, reset, timeout): retryable.
 *   The latter is safe for every activity Temporal retries: each either sends an Idempotency-Key
 *   or first looks for what an earlier attempt created. SEND_MESSAGE can do neither; it runs
 *   once, and its workflow decides from the type.
 * Anything else (a bug) is returned unchanged; Temporal retries it as a plain error.
 */
export function toApplicationFailure(error: unknown): unknown {
  if (!(error instanceof OrchestratorApiError)) return error;
  const details: ApiFailureDetails[] = [
    {
      apiError: error.name,
      method: error.method,
      path: error.path,
      status: error.status,
      code: error.code,
      moreInfo: error.moreInfo,
      requestId: error.requestId,
      retryAfterMs: error.retryAfterMs,
      conflictingResourceId: error.conflictingResourceId,
    },
  ];
  const base = { details, cause: error };
  switch (error.retrySafety) {
    case 'after-delay':
      return ApplicationFailure.create({
        ...base,
        type: FailureType.ApiBusy,
        message: error.message,
        nextRetryDelay: positiveDelay(error.retryAfterMs),
        category: ApplicationFailureCategory.BENIGN,
      });
    case 'safe':
      return ApplicationFailure.create({
        ...base,
        type: FailureType.ApiSafeToRepeat,
        message: error.message,
      });
    case 'if-idempotent':
      return ApplicationFailure.create({
        ...base,
        type: FailureType.ApiOutcomeUnknown,
        message: error.message,
      });
    case 'never':
      return ApplicationFailure.create({
        ...base,
        type: refusalType(error),
        message: actionableMessage(error),
        nonRetryable: true,
      });
  }
}

/**
 * A zero `nextRetryDelay` reaches the server as a zero duration, and a real server then fails the
 * activity at once (retry state TIMEOUT) instead of retrying it.
 */
function positiveDelay(retryAfterMs: number | undefined): number | undefined {
  return retryAfterMs !== undefined && retryAfterMs > 0 ? retryAfterMs : undefined;
}

function actionableMessage(error: OrchestratorApiError): string {
  const advice = error.status === undefined ? undefined : ADVICE_BY_STATUS[error.status];
  const references = [
    error.moreInfo && `more info: ${error.moreInfo}`,
    error.requestId && `request ID: ${error.requestId}`,
    error.conflictingResourceId && `conflicting resource: ${error.conflictingResourceId}`,
  ].filter(Boolean);
  return [error.message, advice && `— ${advice}`, references.length > 0 && `(${references.join('; ')})`]
    .filter(Boolean)
    .join(' ');
}

type AsyncFunctions = Record<string, (...args: never[]) => Promise<unknown>>;

/** Wraps each activity so that every API error leaves it translated by `toApplicationFailure`. */
export function withApiFailures<T extends AsyncFunctions>(activities: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, activity] of Object.entries(activities)) {
    wrapped[name] = async (...args: never[]) => {
      try {
        return await activity(...args);
      } catch (error) {
        throw toApplicationFailure(error);
      }
    };
  }
  return wrapped as T;
}
