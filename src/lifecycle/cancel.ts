/**
 * Cancelling a provisioning from backend code (the CLI's `cancel` and the Web UI's Cancel button
 * do the same: they request cancellation of the run):
 *
 *     const handle = await cancelProvisioning(client, 'provision-acme');
 *     await handle.result();   // rejects: WorkflowFailedError caused by a CancelledFailure
 *
 * The run stops at the step it is in (an activity in flight is cancelled, a durable wait ends).
 * With `onFailure: 'rollback'` it then removes what it created, in a non-cancellable scope, and
 * ends cancelled; its `progress` query (`resources`) reports what was removed and what was kept.
 *
 * Idempotent: the server records one cancel request per run however often it is asked, and a
 * run that already ended is left as it is; either way its handle is returned.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { ProvisioningHandle } from './provision';

export type CancelledProvisioning = ProvisioningHandle & {
  firstExecutionRunId: string;
  /** `requested` (also when an earlier call requested it: the server keeps one request), or the status the run already ended with. */
  cancellation: 'requested' | `already-ended:${string}`;
};

/** Thrown when no provisioning has this workflow ID. */
export class ProvisioningNotFoundError extends Error {
  override readonly name = 'ProvisioningNotFoundError';
  constructor(readonly workflowId: string) {
    super(`no provisioning with workflow ID ${workflowId}`);
  }
}

export async function cancelProvisioning(client: Client, workflowId: string): Promise<CancelledProvisioning> {
  const handle: ProvisioningHandle = client.workflow.getHandle(workflowId);
  let description;
  try {
    description = await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new ProvisioningNotFoundError(workflowId);
    throw err;
  }
  const { runId, status } = description;
  if (status.name !== 'RUNNING') {
    return { ...handle, firstExecutionRunId: runId, cancellation: `already-ended:${status.name}` };
  }
  await handle.cancel();
  return { ...handle, firstExecutionRunId: runId, cancellation: 'requested' };
}
