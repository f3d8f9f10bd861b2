/**
 * Workflow interceptor module (bundled into the workflow sandbox: deterministic, no I/O): counts
 * each run's end on `orchestrator_workflow_outcomes`, by outcome and, for a failure, its type.
 * The SDK's workflow metric meter records nothing while a run is replayed, so a run that a
 * worker picks up again is not counted twice.
 */
import {
  ApplicationFailure,
  ContinueAsNew,
  isCancellation,
  metricMeter,
  TemporalFailure,
  type Next,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptorsFactory,
} from '@temporalio/workflow';
import { count } from './metrics';

class OutcomeMetricsInterceptor implements WorkflowInboundCallsInterceptor {
  async execute(
    input: WorkflowExecuteInput,
    next: Next<WorkflowInboundCallsInterceptor, 'execute'>,
  ): Promise<unknown> {
    try {
      const result = await next(input);
      count(metricMeter, 'workflowOutcomes', { outcome: 'completed', failure_type: 'none' });
      return result;
    } catch (error) {
      const tags = outcomeOf(error);
      // Anything else fails the workflow task, which the worker retries: the run goes on.
      if (tags) count(metricMeter, 'workflowOutcomes', tags);
      throw error;
    }
  }
}

function outcomeOf(error: unknown): { outcome: string; failure_type: string } | undefined {
  if (error instanceof ContinueAsNew) return { outcome: 'continued', failure_type: 'none' };
  if (isCancellation(error)) return { outcome: 'cancelled', failure_type: 'none' };
  if (error instanceof TemporalFailure) return { outcome: 'failed', failure_type: failureType(error) };
  return undefined;
}

/** The first `ApplicationFailure`'s type down the cause chain, else the failure's class. */
function failureType(failure: TemporalFailure): string {
  for (let cause: unknown = failure; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof ApplicationFailure && cause.type) return cause.type;
  }
  return failure.name;
}

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [new OutcomeMetricsInterceptor()],
});
