import { errorFromNetworkFailure } from '../../src/api/error-from-network';
import { errorFromResponse, type ErrorResponse } from '../../src/api/error-from-response';
import {
  ApiResponseError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  ConnectionError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  RequestTimeoutError,
  ServerError,
  ServiceUnavailableError,
  UnprocessableEntityError,
} from '../../src/api/errors';
import { retrySafetyOf } from '../../src/api/retry-safety';

const NOW = Date.parse('2025-11-14T20:29:21Z');

function response(overrides: Partial<ErrorResponse>): ErrorResponse {
  return {
    method: 'POST',
    path: '/v2/ControlPlane/Configurations',
    status: 500,
    headers: {},
    bodyText: '',
    now: NOW,
    ...overrides,
  };
}

function classic(code: number, message: string, status: number): string {
  return JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
}

describe('errorFromResponse', () => {
  it.each([
    [400, BadRequestError, 'never'],
    [401, AuthenticationError, 'never'],
    [403, PermissionDeniedError, 'never'],
    [404, NotFoundError, 'never'],
    [409, ConflictError, 'never'],
    [422, UnprocessableEntityError, 'never'],
    [408, ApiResponseError, 'never'],
    [429, RateLimitError, 'after-delay'],
    [503, ServiceUnavailableError, 'after-delay'],
    [500, ServerError, 'if-idempotent'],
    [502, ServerError, 'if-idempotent'],
  ] as const)('maps HTTP %i on a POST to %p, retry %p', (status, ErrorClass, retrySafety) => {
    const error = errorFromResponse(response({ status }));
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toBeInstanceOf(ApiResponseError);
    expect(error.name).toBe(ErrorClass.name);
    expect(error.status).toBe(status);
    expect(error.retrySafety).toBe(retrySafety);
  });

  it('reads the classic Twilio error body', () => {
    const error = errorFromResponse(
      response({ status: 400, bodyText: classic(520045, 'A store named support already exists', 400) }),
    );
    expect(error.code).toBe(520045);
    expect(error.moreInfo).toBe('https://www.twilio.com/docs/errors/520045');
    expect(error.message).toBe(
      'POST /v2/ControlPlane/Configurations failed with HTTP 400 (Twilio error 520045): A store named support already exists',
    );
  });

  it('reads an RFC 9457 problem body', () => {
    const body = {
      type: 'https://www.twilio.com/docs/errors/20409',
      title: 'Conflict',
      status: 409,
      code: 20409,
      detail: 'Configuration version 3 does not match 4',
      instance: '/v2/ControlPlane/Configurations/conv_configuration_01',
    };
    const error = errorFromResponse(response({ status: 409, bodyText: JSON.stringify(body) }));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.code).toBe(20409);
    expect(error.moreInfo).toBe('https://www.twilio.com/docs/errors/20409');
    expect(error.message).toMatch(
      /HTTP 409 \(Twilio error 20409\): Conflict: Configuration version 3 does not match 4$/,
    );
  });

  it('uses a problem title alone, and ignores a non-URL type', () => {
    const error = errorFromResponse(
      response({
        status: 400,
        bodyText: JSON.stringify({ type: 'about:blank', title: 'Bad Request', status: 400 }),
      }),
    );
    expect(error.message).toMatch(/: Bad Request$/);
    expect(error.moreInfo).toBeUndefined();
    expect(error.code).toBeUndefined();
  });

  it('accepts a numeric-string code and ignores a non-numeric one', () => {
    expect(errorFromResponse(response({ bodyText: '{"code":"20500"}' })).code).toBe(20500);
    expect(errorFromResponse(response({ bodyText: '{"code":"oops"}' })).code).toBeUndefined();
    expect(errorFromResponse(response({ bodyText: '{"code":1.5}' })).code).toBeUndefined();
  });

  it('quotes a short slice of a non-JSON body and survives an empty one', () => {
    const html = `<html>${'x'.repeat(1000)}</html>`;
    const error = errorFromResponse(response({ status: 502, bodyText: html }));
    expect(error.message.length).toBeLessThan(300);
    expect(error.message).toContain('<html>xxx');
    expect(errorFromResponse(response({ status: 502, bodyText: '' })).message).toBe(
      'POST /v2/ControlPlane/Configurations failed with HTTP 502',
    );
    expect(errorFromResponse(response({ status: 502, bodyText: '[1,2]' })).message).toContain(': [1,2]');
  });

  it('carries Retry-After from 429 and 503, as delay-seconds or HTTP-date', () => {
    const rateLimited = errorFromResponse(response({ status: 429, headers: { 'retry-after': '7' } }));
    expect(rateLimited.retryAfterMs).toBe(7_000);
    const unavailable = errorFromResponse(
      response({
        status: 503,
        headers: { 'retry-after': 'Fri, 14 Nov 2025 20:30:21 GMT', date: 'Fri, 14 Nov 2025 20:30:01 GMT' },
      }),
    );
    expect(unavailable.retryAfterMs).toBe(20_000);
    expect(
      errorFromResponse(response({ status: 429, headers: { 'retry-after': 'later' } })).retryAfterMs,
    ).toBeUndefined();
  });

  it('keeps the conflicting resource ID of a 409 and a request ID', () => {
    const error = errorFromResponse(
      response({
        status: 409,
        headers: { 'x-conflicting-resource-id': 'conv_configuration_01', 'twilio-request-id': 'RQ123' },
      }),
    );
    expect(error.conflictingResourceId).toBe('conv_configuration_01');
    expect(error.requestId).toBe('RQ123');
    expect(errorFromResponse(response({ headers: { 'x-request-id': 'abc' } })).requestId).toBe('abc');
  });

  it('makes a 5xx on a read safe to retry', () => {
    expect(errorFromResponse(response({ method: 'GET', status: 500 })).retrySafety).toBe('safe');
    expect(errorFromResponse(response({ method: 'DELETE', status: 500 })).retrySafety).toBe('if-idempotent');
  });
});

describe('retrySafetyOf', () => {
  it('refuses every 4xx other than 429, and unexpected 1xx/3xx', () => {
    for (const status of [400, 401, 403, 404, 405, 409, 410, 413, 422, 301, 304]) {
      expect(retrySafetyOf('GET', { kind: 'status', status })).toBe('never');
    }
  });

  it('calls a failure before sending safe and one after sending safe only for reads', () => {
    expect(retrySafetyOf('POST', { kind: 'not-sent' })).toBe('safe');
    expect(retrySafetyOf('POST', { kind: 'maybe-sent' })).toBe('if-idempotent');
    expect(retrySafetyOf('PUT', { kind: 'maybe-sent' })).toBe('if-idempotent');
    expect(retrySafetyOf('GET', { kind: 'maybe-sent' })).toBe('safe');
    expect(retrySafetyOf('HEAD', { kind: 'maybe-sent' })).toBe('safe');
  });
});

describe('errorFromNetworkFailure', () => {
  const redact = (text: string) => text.replaceAll('s3cret', '[redacted]');
  const failure = (error: unknown, method = 'POST') => ({
    method,
    path: '/v1/ControlPlane/Stores',
    error,
    redact,
  });

  function systemError(code: string, message: string): Error {
    return Object.assign(new Error(message), { code });
  }

  it.each(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT'])(
    'calls %s a failure before sending: safe even for a POST',
    (code) => {
      const error = errorFromNetworkFailure(failure(systemError(code, 'nope')));
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error).not.toBeInstanceOf(RequestTimeoutError);
      expect(error.retrySafety).toBe('safe');
      expect(error.message).toContain(`(${code})`);
      expect(error.status).toBeUndefined();
    },
  );

  it.each(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE', 'SOMETHING_NEW'])(
    'calls %s possibly applied: if-idempotent for a POST, safe for a GET',
    (code) => {
      expect(errorFromNetworkFailure(failure(systemError(code, 'gone'))).retrySafety).toBe('if-idempotent');
      expect(errorFromNetworkFailure(failure(systemError(code, 'gone'), 'GET')).retrySafety).toBe('safe');
    },
  );

  it('finds the code on a wrapped cause and treats a code-less failure as possibly applied', () => {
    const wrapped = new Error('fetch failed', { cause: systemError('ECONNREFUSED', 'refused') });
    expect(errorFromNetworkFailure(failure(wrapped)).retrySafety).toBe('safe');
    const unknown = errorFromNetworkFailure(failure('a string was thrown'));
    expect(unknown.retrySafety).toBe('if-idempotent');
    expect(unknown.message).toBe('POST /v1/ControlPlane/Stores failed: connection failed');
  });

  it('replaces the original with a redacted copy holding only name, message and code', () => {
    const original = Object.assign(systemError('ECONNRESET', 'reset while sending s3cret'), {
      name: 'SocketError',
      requestOptions: { headers: { authorization: 'Basic s3cret' } },
    });
    const error = errorFromNetworkFailure(failure(original));
    const cause = error.cause as Error & { code?: string };
    expect(cause).not.toBe(original);
    expect(cause.message).toBe('reset while sending [redacted]');
    expect(cause.name).toBe('SocketError');
    expect(cause.code).toBe('ECONNRESET');
    expect(Object.keys(cause).sort()).toEqual(['code', 'name']);
  });

  it('reports a timeout as RequestTimeoutError that may have been applied', () => {
    const error = errorFromNetworkFailure({
      ...failure(new Error('aborted')),
      aborted: { by: 'timeout', timeoutMs: 250 },
    });
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect(error.message).toBe('POST /v1/ControlPlane/Stores failed: no response within 250 ms');
    expect(error.retrySafety).toBe('if-idempotent');
  });

  it("reports the caller's abort, safe when nothing was sent yet", () => {
    const before = errorFromNetworkFailure({
      ...failure(undefined),
      aborted: { by: 'caller', beforeSending: true },
    });
    const after = errorFromNetworkFailure({
      ...failure(undefined),
      aborted: { by: 'caller', beforeSending: false },
    });
    expect(before).toBeInstanceOf(RequestTimeoutError);
    expect(before.retrySafety).toBe('safe');
    expect(after.retrySafety).toBe('if-idempotent');
    expect(after.message).toContain("aborted by the caller's signal");
  });
});
