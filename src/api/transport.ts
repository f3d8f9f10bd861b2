/**
 * HTTP over undici: one connection pool per origin, HTTP Basic auth, JSON bodies, a per-request
 * timeout combined with the caller's signal, and typed errors. It never retries: the caller
 * decides (in this project, Temporal's activity retries).
 */
import { Pool } from 'undici';
import { errorFromNetworkFailure, type NetworkFailure } from './error-from-network';
import { errorFromResponse } from './error-from-response';
import { InvalidRequestError, ResponseTooLargeError, ResponseValidationError } from './errors';
import { BodyTooLargeError, exchange, ExchangeAbortedError, type RawResponse } from './exchange';
import { retrySafetyOf } from './retry-safety';

/** Account SID + Auth Token, or an API key SID + secret (with the account SID). */
export type Credentials =
  { accountSid: string; authToken: string } | { accountSid: string; apiKey: string; apiSecret: string };

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  /** e.g. `https://memory.twilio.com`: picks the connection pool. */
  origin: string;
  /** Path and query. */
  path: string;
  /** Sent as JSON. */
  body?: unknown;
  /** Extra headers, e.g. `Idempotency-Key`. */
  headers?: Readonly<Record<string, string>>;
  signal?: AbortSignal;
  /** Overrides the transport's default timeout. */
  timeoutMs?: number;
}

/** A 2xx response. */
export interface HttpResponse {
  method: HttpMethod;
  origin: string;
  /** Path and query of the request. */
  path: string;
  status: number;
  /** Lower-case names; repeated headers keep their first value. */
  headers: Record<string, string>;
  /** Parsed JSON; undefined for an empty body. */
  body: unknown;
}

const USER_AGENT = 'orchestrator-temporal (undici)';

/**
 * Most of an error body read: enough for any JSON error Twilio sends, while a huge one (a 10 MB
 * message) costs nothing. The status alone classifies the error.
 */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;

export interface TransportLimits {
  /** Default per-request timeout, covering the whole body. */
  timeoutMs: number;
  /** Largest 2xx body read. */
  maxResponseBytes: number;
}

export class HttpTransport {
  /** Keyed by origin, so two hosts on one origin (the emulator) share a pool. */
  private readonly pools = new Map<string, Pool>();
  // ECMAScript-private, so even `util.inspect(client, { depth: null })` cannot show them.
  readonly #authorization: string;
  readonly #secrets: readonly string[];
  private closed = false;

  constructor(
    credentials: Credentials,
    private readonly limits: TransportLimits,
  ) {
    const [user, secret] =
      'apiKey' in credentials
        ? [credentials.apiKey, credentials.apiSecret]
        : [credentials.accountSid, credentials.authToken];
    const token = Buffer.from(`${user}:${secret}`).toString('base64');
    this.#authorization = `Basic ${token}`;
    this.#secrets = [secret, token];
  }

  /** Sends one request; resolves with a 2xx response, throws an `OrchestratorApiError` otherwise. */
  async send(request: HttpRequest): Promise<HttpResponse> {
    const { method, origin, path } = request;
    if (this.closed) {
      throw new InvalidRequestError(`${method} ${path} refused: the client is closed`, {
        method,
        path,
        retrySafety: 'never',
      });
    }
    const raw = await this.roundTrip(request);
    if (raw.status < 200 || raw.status > 299) {
      throw errorFromResponse({ method, path, ...raw, bodyText: this.redact(raw.bodyText) });
    }
    return {
      method,
      origin,
      path,
      status: raw.status,
      headers: raw.headers,
      body: parseJson(raw, method, path),
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.pools.values()].map((pool) => pool.close()));
    this.pools.clear();
  }

  /** Replaces every credential in `text`, for text that came from outside (bodies, undici errors). */
  redact = (text: string): string =>
    this.#secrets.reduce((result, secret) => result.split(secret).join('[redacted]'), text);

  /** The response, whatever its status; a failure without one becomes a `ConnectionError`. */
  private async roundTrip(request: HttpRequest): Promise<RawResponse> {
    const { method, origin, path, signal } = request;
    const timeoutMs = request.timeoutMs ?? this.limits.timeoutMs;
    const { maxResponseBytes } = this.limits;
    const failure = (error: unknown, aborted?: NetworkFailure['aborted']) =>
      errorFromNetworkFailure({ method, path, error, aborted, redact: this.redact });
    if (signal?.aborted) throw failure(signal.reason, { by: 'caller', beforeSending: true });

    try {
      return await exchange(this.poolFor(origin), {
        method,
        path,
        headers: this.headersFor(request),
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        timeoutMs,
        signal,
        maxBodyBytes: maxResponseBytes,
        maxErrorBodyBytes: Math.min(maxResponseBytes, MAX_ERROR_BODY_BYTES),
      });
    } catch (error) {
      if (error instanceof BodyTooLargeError) throw tooLarge(error, method, path);
      if (!(error instanceof ExchangeAbortedError)) throw failure(error);
      throw failure(
        error,
        error.by === 'timeout' ? { by: 'timeout', timeoutMs } : { by: 'caller', beforeSending: false },
      );
    }
  }

  private headersFor(request: HttpRequest): Record<string, string> {
    return {
      authorization: this.#authorization,
      accept: 'application/json',
      'user-agent': USER_AGENT,
      ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...request.headers,
    };
  }

  private poolFor(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (pool === undefined) {
      pool = new Pool(origin);
      this.pools.set(origin, pool);
    }
    return pool;
  }
}

function tooLarge(error: BodyTooLargeError, method: HttpMethod, path: string): ResponseTooLargeError {
  const size = error.declaredBytes === undefined ? 'more than' : `${error.declaredBytes} bytes, over`;
  return new ResponseTooLargeError(
    `${method} ${path} (HTTP ${error.status}) returned a body of ${size} the ${error.maxBodyBytes}-byte ` +
      'limit; the rest was not read (raise the client option maxResponseBytes if such bodies are expected)',
    { method, path, status: error.status, retrySafety: retrySafetyOf(method, { kind: 'too-large' }) },
  );
}

function parseJson(raw: RawResponse, method: HttpMethod, path: string): unknown {
  if (raw.bodyText.trim() === '') return undefined;
  try {
    return JSON.parse(raw.bodyText) as unknown;
  } catch {
    throw new ResponseValidationError(
      `${method} ${path} (HTTP ${raw.status}) returned a body that is not JSON`,
      {
        method,
        path,
        status: raw.status,
        retrySafety: 'never',
      },
    );
  }
}
