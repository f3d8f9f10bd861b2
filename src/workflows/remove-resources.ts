/**
 * The removal steps shared by the teardown and a provisioning's rollback: delete a conversation,
 * then its configuration, then the store, each DELETE awaited as an operation with the poller.
 *
 * - A 404 is `already-gone`, never a failure.
 * - A store that still holds configurations (other than ones just deleted) is `kept`, naming
 *   them: deleting it would take them with it, or be refused.
 * - A 409 from the API (the emulator's answer to deleting something that still has dependents)
 *   keeps the resource, with the API's reason.
 * - A delete operation that ends FAILED, CANCELLED or past its deadline keeps the resource with
 *   the operation's error, and keeps everything after it in the order too (a configuration is
 *   not deleted from under a conversation that is still there, nor a store from under it): the
 *   removal is then `incomplete`, which the teardown turns into its `TeardownIncomplete` failure.
 */
import { uuid4 } from '@temporalio/workflow';
import type { DeletionStart } from '../activities';
import type { Operation } from '../api/types';
import { activities } from './activity-calls';
import {
  REMOVAL_ORDER,
  type RemovableResource,
  type ResourceRemoval,
  type TeardownStep,
} from './definitions';
import { failureOf, failureTypeOf, FailureType } from './failure-types';
import type { StepWait } from './step-runner';
import { classifyOperation } from './verdicts';

/** One resource to remove; `keep` says why it must stay instead (e.g. it was given, not made). */
export interface RemovalTarget {
  id: string;
  keep?: string;
}

export type RemovalTargets = Partial<Record<RemovableResource, RemovalTarget>>;

/**
 * Where removal reports to. A teardown shows each stage as a step of its own; a rollback runs
 * inside the provisioning's failed step and only records the outcomes.
 */
export interface RemovalContext {
  stage<T>(step: TeardownStep, body: () => Promise<T>): Promise<T>;
  /** Steps a target does not need (no such resource, or nothing to await). */
  skip(...steps: TeardownStep[]): void;
  poll<T>(wait: StepWait<T>): Promise<T>;
  /** `deleting`, then the outcome. */
  record(resource: RemovableResource, state: 'deleting' | ResourceRemoval): void;
}

export interface RemovalReport {
  removals: Partial<Record<RemovableResource, ResourceRemoval>>;
  /** Set when a delete operation failed: the failure's message, for the run's own failure. */
  incomplete?: string;
}

/** How a resource is named in reasons, and its two stages. */
const LABEL: Record<RemovableResource, string> = {
  conversation: 'conversation',
  configuration: 'configuration',
  memoryStore: 'memory store',
};

const STAGES: Record<RemovableResource, readonly [TeardownStep, TeardownStep]> = {
  conversation: ['delete-conversation', 'await-conversation-deletion'],
  configuration: ['delete-configuration', 'await-configuration-deletion'],
  memoryStore: ['delete-memory-store', 'await-memory-store-deletion'],
};

/** Removes the targets in dependency order (conversation → configuration → store). */
export async function removeInOrder(
  targets: RemovalTargets,
  context: RemovalContext,
): Promise<RemovalReport> {
  const report: RemovalReport = { removals: {} };
  for (const resource of REMOVAL_ORDER) {
    const target = targets[resource];
    if (!target) {
      context.skip(...STAGES[resource]);
      continue;
    }
    const reasonToKeep = report.incomplete ? `not attempted: ${report.incomplete}` : target.keep;
    let removal: ResourceRemoval;
    if (reasonToKeep) {
      context.skip(...STAGES[resource]);
      removal = kept(target.id, reasonToKeep);
    } else {
      const outcome = await removeOne(resource, target.id, context);
      removal = outcome.removal;
      if (outcome.failed) {
        report.incomplete = `the deletion of ${LABEL[resource]} ${target.id} failed, and what holds it stays with it`;
      }
    }
    report.removals[resource] = removal;
    context.record(resource, removal);
  }
  return report;
}

/** One line for progress: `deleted`, `already-gone`, `kept: why`. */
export function describeRemoval(removal: ResourceRemoval): string {
  return removal.outcome === 'kept' ? `kept: ${removal.reason}` : removal.outcome;
}

function kept(id: string, reason: string): ResourceRemoval {
  return { id, outcome: 'kept', reason };
}

/** Deletes one resource and awaits its operation; `failed` when the operation did not complete. */
async function removeOne(
  resource: RemovableResource,
  id: string,
  context: RemovalContext,
): Promise<{ removal: ResourceRemoval; failed?: boolean }> {
  const [deleteStep, awaitStep] = STAGES[resource];
  context.record(resource, 'deleting');
  let start: DeletionStart | { outcome: 'kept'; reason: string };
  try {
    start = await context.stage(deleteStep, () => sendDelete(resource, id));
  } catch (error) {
    // 409: the API refuses while something still depends on it.
    if (failureTypeOf(error) !== FailureType.ResourceConflict) throw error;
    start = { outcome: 'kept', reason: `the API refused to delete it: ${failureMessage(error)}` };
  }
  if (start.outcome !== 'accepted') {
    context.skip(awaitStep);
    return { removal: start.outcome === 'kept' ? kept(id, start.reason) : { id, outcome: 'already-gone' } };
  }
  const { operationId, retryAfterMs } = start;
  const subject = `${LABEL[resource]} deletion operation`;
  try {
    await context.stage(awaitStep, () =>
      context.poll<Operation>({
        subject,
        operationId,
        poll: () =>
          resource === 'memoryStore'
            ? activities.getMemoryOperation(operationId)
            : activities.getConversationOperation(operationId),
        classify: classifyOperation(subject),
        firstPoll: 'after-wait',
        retryAfterMs,
      }),
    );
  } catch (error) {
    if (!OPERATION_DID_NOT_COMPLETE.has(failureTypeOf(error) ?? '')) throw error;
    return { removal: kept(id, failureMessage(error)), failed: true };
  }
  return { removal: { id, outcome: 'deleted' } };
}

const OPERATION_DID_NOT_COMPLETE: ReadonlySet<string> = new Set([
  FailureType.OperationFailed,
  FailureType.OperationCancelled,
  FailureType.OperationDeadlineExceeded,
]);

async function sendDelete(
  resource: RemovableResource,
  id: string,
): Promise<DeletionStart | { outcome: 'kept'; reason: string }> {
  switch (resource) {
    case 'conversation':
      // Drawn once and recorded in history: every retry of the activity sends the same key.
      return activities.deleteConversation(id, uuid4());
    case 'configuration':
      return activities.deleteConfiguration(id, uuid4());
    case 'memoryStore': {
      const holds = await activities.listStoreConfigurations(id);
      if (holds.length > 0) {
        return {
          outcome: 'kept',
          reason: `it still holds configuration(s) ${holds.join(', ')}, which this run did not remove`,
        };
      }
      return activities.deleteMemoryStore(id);
    }
  }
}

function failureMessage(error: unknown): string {
  const failure = failureOf(error);
  return failure instanceof Error ? failure.message : String(failure);
}
