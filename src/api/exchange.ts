/**
 * One HTTP request/response over an undici dispatcher, read into memory up to a cap.
 *
 * Uses `dispatch` with a handler instead of `request()`: no AbortSignal and no body stream per
 * request, which is most of what `request()` costs on a small JSON response (see
 * bench/api-bench.ts). The timeout and the caller's signal abort through the handler's controller.
 *
 * Bounds: the timeout runs from dispatch to the last body byte, so a body that trickles forever
 * ends with it. A 2xx body over `maxBodyBytes` (by `Content-Length` up front, or counted as it
 * arrives) ends the exchange at once with a `BodyTooLargeError`. A non-2xx body is read up to
 * `maxErrorBodyBytes`, or until the timeout, and then cut short: its status alone says what the
 * refusal means, so an enormous or endless error body is still the refusal it stands for. Either
 * way the connection is destroyed (it cannot be reused mid-body).
 */
import type { Dispatcher } from 'undici';

export interface ExchangeRequest {
  method: string;
  /** Path and query. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Largest 2xx body accepted. */
  maxBodyBytes: number;
  /** Longest prefix of a non-2xx body kept; the rest is never read. */
  maxErrorBodyBytes: number;
}

export interface RawResponse {
  status: number;
  /** Lower-case names; repeated headers keep their first value. */
  headers: Record<string, string>;
  bodyText: string;
  /** Set when a non-2xx body was longer than `maxErrorBodyBytes`: `bodyText` is its prefix. */
  bodyCut?: boolean;
}

/** Rejection of an exchange cut short by its timeout or by the caller's signal. */
export class ExchangeAbortedError extends Error {
  constructor(readonly by: 'timeout' | 'caller') {
    super(by === 'timeout' ? 'request timed out' : "aborted by the caller's signal");
    this.name = 'ExchangeAbortedError';
  }
}

/** Rejection of a 2xx response whose body is over `maxBodyBytes`. */
export class BodyTooLargeError extends Error {
  constructor(
    readonly status: number,
    readonly maxBodyBytes: number,
    /** The `Content-Length` the server declared, when it declared one over the cap. */
    readonly declaredBytes?: number,
  ) {
    super(`response body over ${maxBodyBytes} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

export function exchange(dispatcher: Dispatcher, request: ExchangeRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined;
    let abortedBy: Error | undefined;
    let settled = false;
    let status = 0;
    let headers: Record<string, string> = {};
    let limit = request.maxBodyBytes;
    let received = 0;
    let chunks: Buffer[] = [];

    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', abortFromCaller);
      finish();
    };
    /** Stops the exchange: destroys the connection and drops whatever was read. */
    const stop = (reason: Error) => {
      abortedBy = reason;
      chunks = [];
      // Before the request reaches a socket there is no controller yet: onRequestStart aborts it.
      controller?.abort(reason);
    };
    /** Settles first: aborting can call `onResponseError` at once, which must not win. */
    const fail = (error: Error) => {
      settle(() => reject(error));
      stop(error);
    };
    const isError = () => status < 200 || status > 299;
    const tooLarge = (declaredBytes?: number) =>
      fail(new BodyTooLargeError(status, request.maxBodyBytes, declaredBytes));
    /** Resolves with what was read; `bodyCut` when the rest of an error body is left unread. */
    const finish = (bodyCut: boolean) => {
      const bodyText = Buffer.concat(chunks).toString('utf8');
      settle(() => resolve(bodyCut ? { status, headers, bodyText, bodyCut } : { status, headers, bodyText }));
      if (bodyCut) stop(new Error('error body cut short'));
    };
    const abort = (by: 'timeout' | 'caller') => {
      // An error status already received is the answer, even if its body never ends.
      if (by === 'timeout' && status !== 0 && isError()) finish(true);
      else fail(new ExchangeAbortedError(by));
    };
    const abortFromCaller = () => abort('caller');
    const timer = setTimeout(() => abort('timeout'), request.timeoutMs);
    request.signal?.addEventListener('abort', abortFromCaller, { once: true });

    try {
      dispatcher.dispatch(
        { method: request.method, path: request.path, headers: request.headers, body: request.body },
        {
          onRequestStart(started) {
            controller = started;
            if (abortedBy !== undefined) started.abort(abortedBy);
          },
          onResponseStart(_controller, statusCode, responseHeaders) {
            status = statusCode;
            headers = firstValues(responseHeaders);
            if (isError()) {
              limit = request.maxErrorBodyBytes;
              return;
            }
            const declared = Number(headers['content-length']);
            if (declared > limit) tooLarge(declared);
          },
          onResponseData(_controller, chunk) {
            if (settled) return;
            if (received + chunk.length <= limit) {
              received += chunk.length;
              chunks.push(chunk);
              return;
            }
            if (!isError()) return tooLarge();
            chunks.push(chunk.subarray(0, limit - received));
            finish(true);
          },
          onResponseEnd() {
            finish(false);
          },
          onResponseError(_controller, error) {
            settle(() => reject(error));
          },
        },
      );
    } catch (error) {
      // dispatch throws synchronously on invalid options or a closed pool.
      settle(() => reject(error instanceof Error ? error : new Error(String(error))));
    }
  });
}

function firstValues(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) flat[name] = first;
  }
  return flat;
}
