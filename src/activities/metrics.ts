/**
 * The toolkit's metrics, recorded around each activity through its metric meter (so they carry
 * the activity's namespace, task queue and type): operation polls and wait times, API failures
 * by type, rate-limit waits and messages sent. See ../observability/metrics.ts for their names.
 *
 * Compose it inside `withApiFailures`, where errors are still the API client's typed errors.
 */
import { Context } from '@temporalio/activity';
import type { MetricMeter } from '@temporalio/common';
import { OrchestratorApiError, RateLimitError, ServiceUnavailableError } from '../api/errors';
import { TERMINAL_OPERATION_STATUSES, type Operation } from '../api/types';
import { count, recordMs } from '../observability/metrics';

/** The activities that read a long-running operation, and the API host each polls. */
const OPERATION_POLLS: Readonly<Record<string, 'memory' | 'conversations'>> = {
  getMemoryOperation: 'memory',
  getConfigurationOperation: 'conversations',
  getConversationOperation: 'conversations',
};

/** The activity whose success is a message sent. */
const SEND_MESSAGE = 'sendMessage';

type AsyncFunctions = Record<string, (...args: never[]) => Promise<unknown>>;

export function withMetrics<T extends AsyncFunctions>(activities: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, activity] of Object.entries(activities)) {
    wrapped[name] = async (...args: never[]) => {
      const meter = Context.current().metricMeter;
      try {
        const result = await activity(...args);
        recordSuccess(meter, name, result);
        return result;
      } catch (error) {
        recordFailure(meter, error);
        throw error;
      }
    };
  }
  return wrapped as T;
}

function recordSuccess(meter: MetricMeter, activity: string, result: unknown): void {
  const host = OPERATION_POLLS[activity];
  if (host !== undefined) recordOperationPoll(meter, host, result as Operation);
  if (activity === SEND_MESSAGE) count(meter, 'messagesSent');
}

function recordOperationPoll(meter: MetricMeter, host: string, operation: Operation): void {
  count(meter, 'operationPolls', { host, status: operation.status });
  if (!TERMINAL_OPERATION_STATUSES.includes(operation.status)) return;
  const waitMs = elapsedMs(operation.createdAt, operation.completedAt);
  if (waitMs !== undefined) recordMs(meter, 'operationWait', waitMs, { host, status: operation.status });
}

function recordFailure(meter: MetricMeter, error: unknown): void {
  if (!(error instanceof OrchestratorApiError)) return;
  const status = error.status === undefined ? 'none' : String(error.status);
  count(meter, 'apiFailures', { error_type: error.name, status });
  if (error instanceof RateLimitError || error instanceof ServiceUnavailableError) {
    count(meter, 'rateLimitWaits', { status });
    if (error.retryAfterMs !== undefined)
      recordMs(meter, 'rateLimitRetryAfter', error.retryAfterMs, { status });
  }
}

/** Milliseconds between two ISO timestamps; undefined when either is missing or unreadable. */
function elapsedMs(from: string | undefined, to: string | null | undefined): number | undefined {
  const elapsed = Date.parse(to ?? '') - Date.parse(from ?? '');
  return Number.isFinite(elapsed) ? elapsed : undefined;
}
