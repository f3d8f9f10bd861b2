/**
 * Rollback of a provisioning (`onFailure: 'rollback'`): when the run fails or is cancelled, it
 * removes what this run created — never what it adopted or was given — with the teardown's own
 * removal steps (./remove-resources), newest first, in a non-cancellable scope.
 *
 * A compensation is registered before each create is sent, because a create whose response was
 * lost may still have been applied: until the run learns the resource's ID, the compensation
 * holds a look-up by name, and the rollback looks before deciding there is nothing to delete.
 * A create that met a resource which existed before this run (a rerun adopting an earlier run's
 * work) releases its compensation.
 *
 * The report stays in the run: `progress` query `resources` (`<resource>.rollback`: `deleted`,
 * `already-gone`, `kept: why`, `not found`), the current details, and the log. A cancelled or
 * failed run has no result, but its progress query still answers.
 */
import { CancellationScope, isCancellation, log } from '@temporalio/workflow';
import type { RemovableResource, WorkingStep } from './definitions';
import { pollUntilSettled } from './poll-operation';
import { describeRemoval, removeInOrder, type RemovalContext, type RemovalTargets } from './remove-resources';
import type { StepRunner } from './step-runner';

type Run = StepRunner<WorkingStep>;

interface Compensation {
  /** Known once the create's outcome names it. */
  id?: string;
  /** Looks for the resource by name when the ID never came back; undefined if none. */
  find: () => Promise<string | undefined>;
}

/** What this run may have created, by resource; filled in as the setup steps go. */
export class Compensations {
  private readonly entries = new Map<RemovableResource, Compensation>();

  /** Before the create is sent. */
  register(resource: RemovableResource, find: Compensation['find']): void {
    this.entries.set(resource, { find });
  }

  /** The create's resource is known: this run made it. */
  identify(resource: RemovableResource, id: string | undefined): void {
    const entry = this.entries.get(resource);
    if (entry && id) entry.id = id;
  }

  /** The create met a resource that existed before this run: not this run's to remove. */
  release(resource: RemovableResource): void {
    this.entries.delete(resource);
  }

  /** The IDs to remove: known ones, and those a look by name finds. */
  async resolve(): Promise<{ targets: RemovalTargets; notFound: RemovableResource[] }> {
    const targets: RemovalTargets = {};
    const notFound: RemovableResource[] = [];
    for (const [resource, entry] of this.entries) {
      const id = entry.id ?? (await entry.find());
      if (id) targets[resource] = { id };
      else notFound.push(resource);
    }
    return { targets, notFound };
  }
}

/**
 * Runs the rollback to its end even when the run is being cancelled, then returns: the caller
 * rethrows the failure (or cancellation) that caused it, so the run still ends failed or cancelled.
 */
export async function rollBack(compensations: Compensations, run: Run, cause: unknown): Promise<void> {
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
function rollbackContext(run: Run): RemovalContext {
  return {
    stage: (_step, body) => body(),
    skip: () => undefined,
    poll: (wait) => pollUntilSettled({ ...wait, policy: run.policy }),
    record: (resource, state) =>
      run.resource(`${resource}.rollback`, typeof state === 'string' ? state : describeRemoval(state)),
  };
}
