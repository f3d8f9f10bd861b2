/**
 * One OpenTelemetry span per HTTP request the client sends, named `METHOD /route/{template}`.
 *
 * Attributes follow the OpenTelemetry HTTP client conventions, limited to what is safe to export
 * to a tracing backend: the method, the route template (never the filled path, whose IDs and
 * query a backend would index), the host, the status and the Twilio error code. No body, header,
 * error message or URL: an error body can quote a phone number or message text, and the headers
 * carry the credentials.
 *
 * Without a registered tracer provider (tracing not configured) the span is the API's no-op
 * span and the request is sent as is.
 */
import { SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import { OrchestratorApiError } from './errors';

const tracer = trace.getTracer('orchestrator-temporal/api');

export interface HttpSpanTarget {
  method: string;
  /** The path template, e.g. `/v1/ControlPlane/Stores/{storeId}`. */
  route: string;
  /** e.g. `https://memory.twilio.com`; only its host name is recorded. */
  origin: string;
}

/** Runs `send` inside a CLIENT span describing the request and how it ended. */
export async function traceHttpCall<T extends { status: number }>(
  target: HttpSpanTarget,
  send: () => Promise<T>,
): Promise<T> {
  const span = tracer.startSpan(`${target.method} ${target.route}`, { kind: SpanKind.CLIENT });
  if (!span.isRecording()) return send();
  span.setAttributes({
    'http.request.method': target.method,
    'url.template': target.route,
    'server.address': new URL(target.origin).hostname,
  });
  try {
    const response = await send();
    span.setAttribute('http.response.status_code', response.status);
    return response;
  } catch (error) {
    span.setAttributes(errorAttributes(error));
    // The error's name only: its message may quote the server's body.
    span.setStatus({ code: SpanStatusCode.ERROR, message: errorType(error) });
    throw error;
  } finally {
    span.end();
  }
}

function errorAttributes(error: unknown): Attributes {
  const attributes: Attributes = { 'error.type': errorType(error) };
  if (error instanceof OrchestratorApiError) {
    if (error.status !== undefined) attributes['http.response.status_code'] = error.status;
    if (error.code !== undefined) attributes['twilio.error_code'] = error.code;
    if (error.retryAfterMs !== undefined) attributes['twilio.retry_after_ms'] = error.retryAfterMs;
  }
  return attributes;
}

function errorType(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
