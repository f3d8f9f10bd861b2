/**
 * Follows a running lifecycle run (provisioning, teardown) to its end, showing its progress as it
 * goes: the `progress` query every few hundred milliseconds, drawn by a `ProgressView`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkflowHandle } from '@temporalio/client';
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

/** The progress, or undefined when it cannot be read right now (first workflow task pending, no worker). */
export async function tryGetProgress<P extends RunProgress<string, object, object> = ProvisionProgress>(
  handle: WorkflowHandle,
): Promise<P | undefined> {
  try {
    return await handle.client.withDeadline(Date.now() + QUERY_DEADLINE_MS, () =>
      handle.query<P>(progressQuery.name),
    );
  } catch {
    return undefined;
  }
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
  let settled = false;
  const outcome = handle.result().finally(() => {
    settled = true;
  });
  // Observed here so a failure is not reported as unhandled while the loop still runs.
  const settledSignal = outcome.then(
    () => undefined,
    () => undefined,
  );
  while (!settled) {
    const progress = await tryGetProgress(handle);
    if (progress) view.update(progress);
    await Promise.race([sleep(intervalMs), settledSignal]);
  }
  const final = await tryGetProgress(handle);
  if (final) view.update(final);
  return outcome;
}
