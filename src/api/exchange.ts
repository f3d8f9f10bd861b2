/**
 * One HTTP request/response over an undici dispatcher, read whole into memory.
 *
 * Uses `dispatch` with a handler instead of `request()`: no AbortSignal and no body stream per
 * request, which is most of what `request()` costs on a small JSON response (see
 * bench/api-bench.ts). The timeout and the caller's signal abort through the handler's controller.
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
}

export interface RawResponse {
  status: number;
  /** Lower-case names; repeated headers keep their first value. */
  headers: Record<string, string>;
  bodyText: string;
}

/** Rejection of an exchange cut short by its timeout or by the caller's signal. */
export class ExchangeAbortedError extends Error {
  constructor(readonly by: 'timeout' | 'caller') {
    super(by === 'timeout' ? 'request timed out' : "aborted by the caller's signal");
    this.name = 'ExchangeAbortedError';
  }
}

export function exchange(dispatcher: Dispatcher, request: ExchangeRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined;
    let abortedBy: ExchangeAbortedError | undefined;
    let settled = false;
    let status = 0;
    let headers: Record<string, string> = {};
    const chunks: Buffer[] = [];

    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', abortFromCaller);
      finish();
    };
    const abort = (by: 'timeout' | 'caller') => {
      const aborted = new ExchangeAbortedError(by);
      abortedBy = aborted;
      // Before the request reaches a socket there is no controller yet: onRequestStart aborts it.
      controller?.abort(aborted);
      settle(() => reject(aborted));
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
          },
          onResponseData(_controller, chunk) {
            chunks.push(chunk);
          },
          onResponseEnd() {
            settle(() => resolve({ status, headers, bodyText: Buffer.concat(chunks).toString('utf8') }));
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
