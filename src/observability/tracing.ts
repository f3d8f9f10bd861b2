/**
 * OpenTelemetry tracing for a process (the worker, the CLI): a tracer provider registered as the
 * global one, so the Temporal interceptors (./interceptors.ts) and the API client's HTTP spans
 * (../api/tracing.ts) all find it, with the async-hooks context manager that makes an HTTP span
 * the child of the activity span it runs in.
 *
 * Tracing is on when `OTEL_EXPORTER_OTLP_ENDPOINT` is set (spans leave over OTLP/HTTP, batched);
 * otherwise nothing is registered and every span is the API's no-op span.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { PrivateSpanProcessor } from './private-spans';

export const DEFAULT_SERVICE_NAME = 'orchestrator-temporal';

export interface Tracing {
  /** Describes this process on every span, including the workflow spans the worker exports. */
  readonly resource: Resource;
  /** Where finished spans go (made private); the worker hands workflow spans to it through a sink. */
  readonly spanProcessor: SpanProcessor;
  /**
   * Sends the spans still buffered and unregisters the provider (spans are no-ops again); call
   * before the process exits.
   */
  shutdown(): Promise<void>;
}

let registered: Tracing | undefined;

/**
 * Registers a global tracer provider sending spans to `spanProcessor`, without their error
 * messages and structured attributes (./private-spans.ts). One at a time: the OpenTelemetry API
 * keeps the first global provider, so a call before the last one's `shutdown()` returns it.
 */
export function startTracing(options: { spanProcessor: SpanProcessor; serviceName?: string }): Tracing {
  if (registered) return registered;
  const resource = new Resource({ 'service.name': options.serviceName ?? DEFAULT_SERVICE_NAME });
  const spanProcessor = new PrivateSpanProcessor(options.spanProcessor);
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();
  const tracing: Tracing = {
    resource,
    spanProcessor,
    async shutdown() {
      if (registered !== tracing) return;
      registered = undefined;
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
  registered = tracing;
  return tracing;
}

/**
 * Tracing as the environment asks: on when `OTEL_EXPORTER_OTLP_ENDPOINT` is set (the exporter
 * reads it and the other `OTEL_EXPORTER_OTLP_*` variables itself), named by `OTEL_SERVICE_NAME`;
 * undefined otherwise.
 */
export function tracingFromEnv(env: NodeJS.ProcessEnv = process.env): Tracing | undefined {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT) return undefined;
  const firstCall = registered === undefined;
  const tracing = startTracing({
    spanProcessor: new BatchSpanProcessor(new OTLPTraceExporter()),
    serviceName: env.OTEL_SERVICE_NAME || DEFAULT_SERVICE_NAME,
  });
  // A short-lived command (the CLI) sends what is still batched when its work is done.
  if (firstCall) process.once('beforeExit', () => void tracing.shutdown());
  return tracing;
}
