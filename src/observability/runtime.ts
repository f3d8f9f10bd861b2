/**
 * The worker process's Temporal runtime telemetry: its metrics (the SDK's own, such as
 * `temporal_workflow_task_execution_latency`, and the toolkit's, see ./metrics.ts) on a
 * Prometheus endpoint when `TEMPORAL_METRICS_PROMETHEUS_ADDRESS` names one (e.g.
 * `127.0.0.1:9464`, scraped at `/metrics`). `Runtime.install` takes these once per process.
 */
import type { TelemetryOptions } from '@temporalio/worker';
import { ConfigurationError } from '../common/configuration-error';

/** `host:port`, e.g. `127.0.0.1:9464` or `0.0.0.0:9464`. */
const BIND_ADDRESS = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

export function runtimeTelemetryFromEnv(env: NodeJS.ProcessEnv = process.env): TelemetryOptions | undefined {
  const bindAddress = env.TEMPORAL_METRICS_PROMETHEUS_ADDRESS;
  if (!bindAddress) return undefined;
  const port = Number(BIND_ADDRESS.exec(bindAddress)?.[2]);
  if (!(port >= 1 && port <= 65_535)) {
    // The value is not echoed, as no setting's is (ConfigurationError).
    throw new ConfigurationError(
      'TEMPORAL_METRICS_PROMETHEUS_ADDRESS must be host:port with a port from 1 to 65535 (e.g. 127.0.0.1:9464)',
    );
  }
  return { metrics: { prometheus: { bindAddress, countersTotalSuffix: true } } };
}
