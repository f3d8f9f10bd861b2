/**
 * Follows a running lifecycle run (provisioning, teardown) to its end, showing its progress as it
 * goes: the `progress` query every few hundred milliseconds, drawn by a `ProgressView`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Workflow, WorkflowResultType } from '@temporalio/common';
import type { ProvisioningHandle } from '../client';
import {
  progressQuery,
  type ProvisionProgress,
  type ProvisionResult,
  type RunProgress,
} from '../workflows/definitions';
import type { ProgressView } from './progress-view';

export const PROGRESS_POLL_INTERVAL_MS = 400;
/** A query waits for a worker; a slow answer is skipped rather than freezing the display. */
const QUERY_DEADLINE_MS = 3_000;

/** `read()`, or undefined when it cannot be answered right now (first workflow task pending, no worker). */
export async function tryQuery<T>(
  client: Pick<Client, 'withDeadline'>,
  read: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await client.withDeadline(Date.now() + QUERY_DEADLINE_MS, read);
  } catch {
    return undefined;
  }
}

/** The progress, or undefined when it cannot be read right now. */
export async function tryGetProgress<P extends RunProgress<string, object, object> = ProvisionProgress>(
  handle: WorkflowHandle,
): Promise<P | undefined> {
  return tryQuery(handle.client, () => handle.query<P>(progressQuery.name));
}

/**
 * Resolves with the result, or rejects with the workflow's failure, after drawing the final
 * progress (which shows the step that failed).
 */
export async function followProvisioning(
  handle: ProvisioningHandle,
  view: ProgressView,
  intervalMs = PROGRESS_POLL_INTERVAL_MS,
): Promise<ProvisionResult> {
  return followRun(handle, view, intervalMs);
}

/** `followProvisioning` for any lifecycle run: every one answers the `progress` query. */
export async function followRun<W extends Workflow>(
  handle: WorkflowHandle<W>,
  view: ProgressView,
  intervalMs = PROGRESS_POLL_INTERVAL_MS,
): Promise<WorkflowResultType<W>> {
  return follow(
    handle.result(),
    async () => {
      const progress = await tryGetProgress(handle);
      if (progress) view.update(progress);
    },
    intervalMs,
  );
}

/**
 * Calls `show` every `intervalMs` until `outcome` settles, and once more after; resolves or
 * rejects as `outcome` does.
 */
export async function follow<T>(
  outcome: Promise<T>,
  show: () => Promise<void>,
  intervalMs = PROGRESS_POLL_INTERVAL_MS,
): Promise<T> {
  let settled = false;
  // Observed here so a failure is not reported as unhandled while the loop still runs.
  const settledSignal = outcome.then(
    () => (settled = true),
    () => (settled = true),
  );
  while (!settled) {
    await show();
    await Promise.race([sleep(intervalMs), settledSignal]);
  }
  await show();
  return outcome;
}
