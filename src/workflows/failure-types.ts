/**
 * The one vocabulary of failure types. Activities raise the `Api*`/`Resource*` types (translated
 * from the API client's errors in src/activities/failures.ts); workflows raise the others. Workflows
 * decide by these types only (`failureTypeOf`), never by an HTTP status or an API error class.
 *
 * Deterministic and free of I/O, so the workflow bundle, the activities and the client import it.
 */
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';

export const FailureType = {
  // ---------- Raised by activities: what happened to an API request ----------
  /** 429 or 503: the server did not apply the request and asked for a wait (`nextRetryDelay`). An expected wait: BENIGN. */
  ApiBusy: 'ApiBusy',
  /** Repeating the request cannot change anything: no connection was made, or it was a read. */
  ApiSafeToRepeat: 'ApiSafeToRepeat',
  /** The request may have been applied (another 5xx, a reset or timeout after sending). */
  ApiOutcomeUnknown: 'ApiOutcomeUnknown',
  /** The server understood and refused the request (400, 401, 403, 422, ...): retrying cannot help. */
  ApiRefused: 'ApiRefused',
  /** 404: the resource does not exist (never did, or was deleted). */
  ResourceNotFound: 'ResourceNotFound',
  /** 409: the resource conflicts with another (a taken name) or changed since it was read (a version). */
  ResourceConflict: 'ResourceConflict',
  /** A response the client cannot use (wrong shape, too large, a page walk that loops). */
  ApiResponseInvalid: 'ApiResponseInvalid',

  // ---------- Raised by workflows ----------
  /** The workflow's input broke a rule; nothing was done. */
  InvalidInput: 'InvalidInput',
  /** An operation ended FAILED. */
  OperationFailed: 'OperationFailed',
  /** An operation ended CANCELLED. */
  OperationCancelled: 'OperationCancelled',
  /** A wait reached its deadline while still pending. */
  OperationDeadlineExceeded: 'OperationDeadlineExceeded',
  /** A memory store adopted by its name is FAILED. */
  MemoryStoreFailed: 'MemoryStoreFailed',
  /** A memory store operation COMPLETED without naming the store. */
  MissingResultId: 'MissingResultId',
  /** Two or more configurations of one store share the display name that identifies ours. */
  AmbiguousConfiguration: 'AmbiguousConfiguration',
  /** The SEND_MESSAGE Action ended FAILED. */
  MessageSendFailed: 'MessageSendFailed',
  /** The first message was turned away unapplied until the deadline: nothing was delivered. */
  MessageNotSent: 'MessageNotSent',
  /** A send failed ambiguously and the message was not listed by the deadline: it may or may not be delivered. */
  MessageOutcomeUnknown: 'MessageOutcomeUnknown',
  /** An update met a newer version on every try, up to its bound. */
  VersionConflict: 'VersionConflict',
  /** An update's operation COMPLETED but a read does not show the change. */
  UpdateNotApplied: 'UpdateNotApplied',
  /** The provisioning a teardown names has no run, or a run that never recorded what it made. */
  ProvisioningNotFound: 'ProvisioningNotFound',
  /**
   * A teardown's delete operation ended FAILED (or CANCELLED, or past its deadline): that resource
   * and those that depend on it are kept. The details carry the whole report, resource by resource.
   */
  TeardownIncomplete: 'TeardownIncomplete',
  /**
   * A saved plan no longer matches the account (a configuration's version moved, something it
   * creates exists now, something it changes is gone): refused before anything changed.
   */
  StalePlan: 'StalePlan',
  /** A fleet that has no workflow: it was never applied. */
  FleetNotFound: 'FleetNotFound',
} as const;

export type FailureType = (typeof FailureType)[keyof typeof FailureType];

/** The activity failures that retrying the same call cannot fix: Temporal's retry policy stops at them. */
export const NON_RETRYABLE_ACTIVITY_FAILURES: readonly FailureType[] = [
  FailureType.ApiRefused,
  FailureType.ResourceNotFound,
  FailureType.ResourceConflict,
  FailureType.ApiResponseInvalid,
];

/** The failure an activity raised, out of the `ActivityFailure` a workflow receives it in; any other error as is. */
export function failureOf(error: unknown): unknown {
  return error instanceof ActivityFailure && error.cause ? error.cause : error;
}

/** The vocabulary type of a failure an activity, a poll or a step raised; undefined for any other error. */
export function failureTypeOf(error: unknown): string | undefined {
  const failure = failureOf(error);
  return failure instanceof ApplicationFailure ? (failure.type ?? undefined) : undefined;
}
