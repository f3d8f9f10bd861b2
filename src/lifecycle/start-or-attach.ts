/**
 * How every lifecycle run starts: from a workflow ID that names the work, so the same work asked
 * for twice is one run.
 * - a run already under way with that ID is attached to (`USE_EXISTING`), not duplicated;
 * - one that completed is not run again (its handle is returned, its result is the earlier
 *   run's): a provisioning would otherwise send its first message twice;
 * - one that failed, was cancelled or terminated is started afresh.
 */
import {
  WorkflowExecutionAlreadyStartedError,
  type Client,
  type WorkflowHandle,
  type WorkflowStartOptions,
} from '@temporalio/client';
import type { Workflow } from '@temporalio/common';

/** A handle that also names the run it started or attached to: for logs and Web UI links. */
export type StartedRun<T extends Workflow> = WorkflowHandle<T> & { firstExecutionRunId: string };

export interface AttachedRun<T extends Workflow> {
  handle: WorkflowHandle<T>;
  runId: string;
  /** The memo of the run attached to, to tell whether it was started with the same input. */
  memo?: Record<string, unknown>;
}

export async function startOrAttach<T extends Workflow>(
  client: Client,
  workflowType: string,
  options: WorkflowStartOptions<T>,
): Promise<AttachedRun<T>> {
  let handle: WorkflowHandle<T>;
  try {
    handle = await client.workflow.start<T>(workflowType, {
      ...options,
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
    });
  } catch (err) {
    // Only a successfully completed run refuses the ID under ALLOW_DUPLICATE_FAILED_ONLY.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    handle = client.workflow.getHandle<T>(options.workflowId);
  }
  // The start does not say whether it started a run or attached to one: describe() names the run.
  const { runId, memo } = await handle.describe();
  return { handle, runId, memo };
}
