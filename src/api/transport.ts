/**
 * HTTP over undici: one connection pool per origin, HTTP Basic auth, JSON bodies, a per-request
 * timeout combined with the caller's signal, and typed errors. It never retries: the caller
 * decides (in this project, Temporal's activity retries).
 */
import { Pool } from 'undici';
import { errorFromNetworkFailure } from './error-from-network';
import { errorFromResponse } from './error-from-response';
import { InvalidRequestError, ResponseValidationError } from './errors';

/** Account SID + Auth Token, or an API key SID + secret (with the account SID). */
export type Credentials =
  { accountSid: string; authToken: string } | { accountSid: string; apiKey: string; apiSecret: string };

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  url: URL;
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
  /** Path and query of the request. */
  path: string;
  url: URL;
  status: number;
  /** Lower-case names; repeated headers keep their first value. */
  headers: Record<string, string>;
  /** Parsed JSON; undefined for an empty body. */
  body: unknown;
}

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  bodyText: string;
}

const USER_AGENT = 'orchestrator-temporal (undici)';

export class HttpTransport {
  /** Keyed by origin, so two hosts on one origin (the emulator) share a pool. */
  private readonly pools = new Map<string, Pool>();
  // ECMAScript-private, so even `util.inspect(client, { depth: null })` cannot show them.
  readonly #authorization: string;
  readonly #secrets: readonly string[];
  private closed = false;

  constructor(
    credentials: Credentials,
    private readonly defaultTimeoutMs: number,
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
    const { method, url } = request;
    const path = `${url.pathname}${url.search}`;
    if (this.closed) {
      throw new InvalidRequestError(`${method} ${path} refused: the client is closed`, {
        method,
        path,
        retrySafety: 'never',
      });
    }
    const raw = await this.exchange(request, path);
    if (raw.status < 200 || raw.status > 299) {
      throw errorFromResponse({ method, path, ...raw, bodyText: this.redact(raw.bodyText) });
    }
    return {
      method,
      path,
      url,
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

  private async exchange(request: HttpRequest, path: string): Promise<RawResponse> {
    const { method, url, signal } = request;
    const timeoutMs = request.timeoutMs ?? this.defaultTimeoutMs;
    if (signal?.aborted) {
      throw errorFromNetworkFailure({
        method,
        path,
        error: signal.reason,
        aborted: { by: 'caller', beforeSending: true },
        redact: this.redact,
      });
    }

    // One controller for both the timeout and the caller's signal: cheaper than AbortSignal.any
    // per request, and the flags below tell the two apart.
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const abortFromCaller = () => controller.abort();
    signal?.addEventListener('abort', abortFromCaller, { once: true });
    try {
      const response = await this.poolFor(url.origin).request({
        method,
        path,
        headers: this.headersFor(request),
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: controller.signal,
      });
      const bodyText = await response.body.text();
      return { status: response.statusCode, headers: flattenHeaders(response.headers), bodyText };
    } catch (error) {
      throw errorFromNetworkFailure({
        method,
        path,
        error,
        aborted: timedOut
          ? { by: 'timeout', timeoutMs }
          : signal?.aborted
            ? { by: 'caller', beforeSending: false }
            : undefined,
        redact: this.redact,
      });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', abortFromCaller);
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

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) flat[name] = first;
  }
  return flat;
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
