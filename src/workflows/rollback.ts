/**
 * Rollback of a provisioning (`onFailure: 'rollback'`): when the run fails or is cancelled, it
 * removes what this run created — never what it adopted or was given — with the teardown's own
 * removal steps (./remove-resources), newest first, in a non-cancellable scope.
 *
 * What to remove is what the setup steps registered as they went (./compensations).
 *
 * The report stays in the run: `progress` query `resources` (`<resource>.rollback`: `deleted`,
 * `already-gone`, `kept: why`, `not found`), the current details, and the log. A cancelled or
 * failed run has no result, but its progress query still answers.
 */
import { CancellationScope, isCancellation, log } from '@temporalio/workflow';
import type { WorkingStep } from './definitions';
import type { ProvisioningContext } from './provisioning-context';
import { describeRemoval, removeInOrder, type RemovalContext } from './remove-resources';
import type { StepRunner } from './step-runner';

/**
 * Runs the rollback to its end even when the run is being cancelled, then returns: the caller
 * rethrows the failure (or cancellation) that caused it, so the run still ends failed or cancelled.
 */
export async function rollBack({ run, compensations }: ProvisioningContext, cause: unknown): Promise<void> {
  const reason = isCancellation(cause) ? 'cancelled' : 'failed';
  const messageMayBeOut = run.currentStep === 'send-message' || run.currentStep === 'await-message';
  log.info(`Provisioning ${reason} at ${run.currentStep}: rolling back what this run created`);
  await CancellationScope.nonCancellable(async () => {
    try {
      const { targets, notFound } = await compensations.resolve();
      for (const resource of notFound) run.resource(`${resource}.rollback`, 'not found: never created');
      const { removals } = await removeInOrder(targets, rollbackContext(run));
      log.info('Rollback finished', { removals, notFound });
    } catch (error) {
      // The run's own failure stays the one reported; this one is recorded beside it.
      const message = error instanceof Error ? error.message : String(error);
      run.resource('rollback', `stopped: ${message}`);
      log.error('Rollback stopped', { error: message });
    }
  });
  if (messageMayBeOut) run.resource('message.rollback', 'kept: a message cannot be unsent');
}

/** Runs inside the failed step: records outcomes, leaves the step reports as they were. */
function rollbackContext(run: StepRunner<WorkingStep>): RemovalContext {
  return {
    stage: (_step, body) => body(),
    skip: () => undefined,
    poll: (wait) => run.poll({ ...wait, countsPolls: false }),
    record: (resource, state) =>
      run.resource(`${resource}.rollback`, typeof state === 'string' ? state : describeRemoval(state)),
  };
}
