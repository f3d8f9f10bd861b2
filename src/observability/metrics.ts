/**
 * The toolkit's own metrics, recorded through the Temporal SDK's metric meter so they leave by
 * the same exporter as the runtime's metrics (Prometheus: see ./runtime.ts) with the same tags
 * (`namespace`, `task_queue`, `activity_type` or `workflow_type`).
 *
 * Imported by the workflow interceptor too, so this file holds names and pure functions only.
 */
import type { MetricMeter } from '@temporalio/common';

/** Name, unit and meaning of each metric; the README lists the same. */
export const METRICS = {
  operationPolls: {
    name: 'orchestrator_operation_polls',
    description: 'Reads of a long-running operation, by host and the status read',
  },
  operationWait: {
    name: 'orchestrator_operation_wait',
    unit: 'ms',
    description: "An operation's time from createdAt to completedAt, recorded when a poll sees it finished",
  },
  apiFailures: {
    name: 'orchestrator_api_failures',
    description: 'API calls that failed, by error type (the client error class) and HTTP status',
  },
  rateLimitWaits: {
    name: 'orchestrator_rate_limit_waits',
    description: 'Responses 429 or 503 that asked the worker to wait, by status',
  },
  rateLimitRetryAfter: {
    name: 'orchestrator_rate_limit_retry_after',
    unit: 'ms',
    description: 'The Retry-After of 429 and 503 responses',
  },
  messagesSent: {
    name: 'orchestrator_messages_sent',
    description: 'SEND_MESSAGE actions the API accepted',
  },
  workflowOutcomes: {
    name: 'orchestrator_workflow_outcomes',
    description: 'Workflow runs ended, by outcome (completed, failed, cancelled, continued) and failure type',
  },
} as const;

type MetricName = keyof typeof METRICS;
type Tags = Record<string, string | number>;

/** Adds one to a counter of `METRICS`. */
export function count(meter: MetricMeter, metric: MetricName, tags: Tags = {}): void {
  const { name, description } = METRICS[metric];
  meter.createCounter(name, undefined, description).add(1, tags);
}

/** Records a duration in milliseconds on a histogram of `METRICS`. */
export function recordMs(meter: MetricMeter, metric: MetricName, valueMs: number, tags: Tags = {}): void {
  const { name, description } = METRICS[metric];
  meter.createHistogram(name, 'int', 'ms', description).record(Math.max(0, Math.round(valueMs)), tags);
}
