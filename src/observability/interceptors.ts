/**
 * The Temporal side of tracing and metrics, as options for the Client and the Worker:
 * - tracing (when ./tracing.ts set it up): `@temporalio/interceptors-opentelemetry` on the client
 *   (a span for starting a workflow, its context sent in the workflow's headers), in the
 *   workflow sandbox (the run and each activity it schedules; spans leave through the `exporter`
 *   sink) and around each activity, so one provisioning is one trace:
 *   start → workflow run → activity → HTTP call;
 * - metrics: the workflow outcome counter of ./workflow-interceptors.ts (activities record
 *   theirs in ../activities/metrics.ts).
 */
import type { ClientInterceptors } from '@temporalio/client';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { WorkerOptions } from '@temporalio/worker';
import type { Tracing } from './tracing';

const OUTCOME_METRICS_MODULE = require.resolve('./workflow-interceptors');
const OPENTELEMETRY_WORKFLOW_MODULE =
  require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

/**
 * The workflow interceptor modules to bundle: `Worker.create` bundles them from `workflowsPath`;
 * pass them as `workflowInterceptorModules` to `bundleWorkflowCode` for a prebuilt bundle.
 */
export function workflowInterceptorModules(tracing: Tracing | undefined): string[] {
  return tracing ? [OUTCOME_METRICS_MODULE, OPENTELEMETRY_WORKFLOW_MODULE] : [OUTCOME_METRICS_MODULE];
}

/**
 * Interceptors and sinks for `Worker.create`. `bundled`: the workflows come as a prebuilt
 * bundle, whose interceptor modules were fixed when it was built (see above).
 */
export function workerTelemetry(
  tracing: Tracing | undefined,
  bundled: boolean,
): Pick<WorkerOptions, 'interceptors' | 'sinks'> {
  const workflowModules = bundled ? undefined : workflowInterceptorModules(tracing);
  if (!tracing) return { interceptors: { workflowModules } };
  return {
    interceptors: {
      workflowModules,
      activity: [
        (context) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(context),
          outbound: new OpenTelemetryActivityOutboundInterceptor(context),
        }),
      ],
    },
    sinks: { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) },
  };
}

/** `interceptors` for a `Client`: a span per workflow start, signal and query when tracing. */
export function clientInterceptors(tracing: Tracing | undefined): ClientInterceptors | undefined {
  return tracing ? { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } : undefined;
}
