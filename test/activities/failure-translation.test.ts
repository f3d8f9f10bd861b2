import { ApplicationFailure, DefaultFailureConverter, defaultPayloadConverter } from '@temporalio/common';
import {
  BadRequestError,
  ConflictError,
  ConnectionError,
  InvalidRequestError,
  NotFoundError,
  ResponseValidationError,
  RateLimitError,
  ServerError,
  ServiceUnavailableError,
  type ApiErrorDetails,
} from '../../src/api';
import { toApplicationFailure } from '../../src/activities';

const request = { method: 'POST', path: '/v2/ControlPlane/Configurations' };

function translated(error: unknown): ApplicationFailure {
  const failure = toApplicationFailure(error);
  expect(failure).toBeInstanceOf(ApplicationFailure);
  return failure as ApplicationFailure;
}

function details(extra: Partial<ApiErrorDetails> & Pick<ApiErrorDetails, 'retrySafety'>): ApiErrorDetails {
  return { ...request, ...extra };
}

test('429 and 503 are retried after the Retry-After the server sent', () => {
  const rateLimited = translated(
    new RateLimitError(
      'POST /v2/ControlPlane/Configurations failed with HTTP 429',
      details({ retrySafety: 'after-delay', status: 429, retryAfterMs: 7_000 }),
    ),
  );
  expect(rateLimited).toMatchObject({
    type: 'ApiBusy',
    nonRetryable: false,
    nextRetryDelay: 7_000,
    // An expected wait: logged at DEBUG, counted as no failure.
    category: 'BENIGN',
  });

  const unavailable = translated(
    new ServiceUnavailableError('HTTP 503', details({ retrySafety: 'after-delay', status: 503 })),
  );
  expect(unavailable).toMatchObject({ type: 'ApiBusy', nonRetryable: false });
  expect(unavailable.nextRetryDelay).toBeUndefined();
});

test('a 429 or 503 whose Retry-After asks for no wait leaves the delay to the retry policy', () => {
  // `Retry-After: 0`, or an HTTP-date already past: a zero nextRetryDelay would fail the activity
  // at once on a real server (retry state TIMEOUT) instead of retrying it.
  const noWait = { retrySafety: 'after-delay', retryAfterMs: 0 } as const;
  for (const error of [
    new RateLimitError('HTTP 429', details({ ...noWait, status: 429 })),
    new ServiceUnavailableError('HTTP 503', details({ ...noWait, status: 503 })),
  ]) {
    const failure = translated(error);
    expect(failure).toMatchObject({ nonRetryable: false });
    expect(failure.nextRetryDelay).toBeUndefined();
    // The workflow still reads what the server said.
    expect(failure.details?.[0]).toMatchObject({ retryAfterMs: 0 });
  }
});

test('a refused request is not retried, and the message says what to fix and where to read more', () => {
  const failure = translated(
    new BadRequestError(
      'POST /v2/ControlPlane/Configurations failed with HTTP 400 (Twilio error 20001): displayName: must be at most 32 characters',
      details({
        retrySafety: 'never',
        status: 400,
        code: 20001,
        moreInfo: 'https://www.twilio.com/docs/errors/20001',
        requestId: 'RQ123',
      }),
    ),
  );
  expect(failure.type).toBe('ApiRefused');
  expect(failure.nonRetryable).toBe(true);
  expect(failure.message).toBe(
    'POST /v2/ControlPlane/Configurations failed with HTTP 400 (Twilio error 20001): displayName: must be at most 32 characters' +
      ' — fix the field named above in the input' +
      ' (more info: https://www.twilio.com/docs/errors/20001; request ID: RQ123)',
  );
  expect(failure.details).toEqual([
    {
      ...request,
      status: 400,
      code: 20001,
      moreInfo: 'https://www.twilio.com/docs/errors/20001',
      requestId: 'RQ123',
      apiError: 'BadRequestError',
    },
  ]);
});

test('failures that may or may not have reached the server stay retryable', () => {
  const notSent = translated(new ConnectionError('connection refused', details({ retrySafety: 'safe' })));
  const maybeApplied = translated(
    new ServerError('HTTP 500', details({ retrySafety: 'if-idempotent', status: 500 })),
  );
  expect(notSent).toMatchObject({ type: 'ApiSafeToRepeat', nonRetryable: false });
  expect(maybeApplied).toMatchObject({ type: 'ApiOutcomeUnknown', nonRetryable: false });
});

test('errors that are not from the API client pass through unchanged', () => {
  const bug = new TypeError('cannot read properties of undefined');
  expect(toApplicationFailure(bug)).toBe(bug);
});

/** A failure as the workflow receives it: through the server's protobuf and back. */
function afterRoundTrip(failure: unknown): ApplicationFailure {
  const converter = new DefaultFailureConverter();
  const error = converter.failureToError(
    converter.errorToFailure(failure, defaultPayloadConverter),
    defaultPayloadConverter,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  return error as ApplicationFailure;
}

test('404 and 409 have types of their own, and a 409 names the conflicting resource', () => {
  const notFound = translated(new NotFoundError('HTTP 404', details({ retrySafety: 'never', status: 404 })));
  expect(notFound).toMatchObject({ type: 'ResourceNotFound', nonRetryable: true });
  const conflict = translated(
    new ConflictError(
      'HTTP 409',
      details({ retrySafety: 'never', status: 409, conflictingResourceId: 'mem_store_01' }),
    ),
  );
  expect(conflict).toMatchObject({ type: 'ResourceConflict', nonRetryable: true });
  expect(conflict.message).toContain('conflicting resource: mem_store_01');
});

test('a response the client cannot use is not retried; a request it refused to send is a refusal', () => {
  const invalid = translated(
    new ResponseValidationError(
      'status: expected one of ...',
      details({ retrySafety: 'never', status: 200 }),
    ),
  );
  expect(invalid).toMatchObject({ type: 'ApiResponseInvalid', nonRetryable: true });
  const refused = translated(
    new InvalidRequestError('malformed Idempotency-Key', details({ retrySafety: 'never' })),
  );
  expect(refused).toMatchObject({ type: 'ApiRefused', nonRetryable: true });
});

test('the type and Retry-After reach the workflow, which decides from them whether to send again', () => {
  const rateLimited = afterRoundTrip(
    toApplicationFailure(
      new RateLimitError(
        'HTTP 429',
        details({ retrySafety: 'after-delay', status: 429, retryAfterMs: 7_000 }),
      ),
    ),
  );
  expect(rateLimited.type).toBe('ApiBusy');
  expect(rateLimited.details?.[0]).toMatchObject({ apiError: 'RateLimitError', retryAfterMs: 7_000 });

  const notSent = afterRoundTrip(
    toApplicationFailure(new ConnectionError('connection refused', details({ retrySafety: 'safe' }))),
  );
  expect(notSent.type).toBe('ApiSafeToRepeat');
  expect(notSent.details).toEqual([{ ...request, apiError: 'ConnectionError' }]);
});
