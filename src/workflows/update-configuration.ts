/**
 * `configurationUpdates`: the one long-lived workflow per configuration (workflow ID
 * `configuration-updates:<configurationId>`) that applies every change to it. Each patch arrives
 * as a Workflow Update (`applyPatch`), usually through update-with-start: the first patch starts
 * the workflow, later ones join it. Updates are applied one at a time, in the order accepted, so
 * two changes started at the same moment never overwrite each other; the `version` check of each
 * `PUT` guards against changes made outside this workflow (see ./apply-patch-steps).
 *
 * The same update ID twice is one update (Temporal deduplicates them within a run), so a
 * client's retry attaches to the first instead of applying it again. After `idleTimeoutMs`
 * without updates the workflow ends; it continues as new when its history grows long.
 *
 * Deterministic: no I/O here. Activities make the API calls, the step runner keeps the books.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  currentUpdateInfo,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { applyPatchWithRetries } from './apply-patch-steps';
import {
  applyPatchUpdate,
  UPDATE_STEPS,
  updateStatusQuery,
  type ConfigurationUpdateResult,
  type UpdateStatus,
  type UpdateStep,
} from './definitions';
import { formatDuration } from './format';
import { resolvePollingPolicy } from './polling-policy';
import { StepRunner } from './step-runner';
import { parseUpdateRequest, parseUpdatesInput, type UpdatesInput } from './update-input';
import { validated } from './validated';

/** Updates whose status a run keeps for the `updateStatus` query, the most recent first to stay. */
const STATUSES_KEPT = 100;

/** How many updates this run applied or refused to apply. */
export interface ConfigurationUpdatesSummary {
  configurationId: string;
  completed: number;
  failed: number;
}

export async function configurationUpdates(rawInput: UpdatesInput): Promise<ConfigurationUpdatesSummary> {
  const input = validated(rawInput, parseUpdatesInput);
  const { configurationId } = input;
  const policy = resolvePollingPolicy();
  /** Update IDs accepted and not yet finished, in order: the first one is being applied. */
  const queue: string[] = [];
  const finished = new Map<string, { failed: boolean; run: StepRunner<UpdateStep> }>();
  let running: { updateId: string; run: StepRunner<UpdateStep> } | undefined;
  const summary: ConfigurationUpdatesSummary = { configurationId, completed: 0, failed: 0 };

  setHandler(
    applyPatchUpdate,
    async (rawRequest): Promise<ConfigurationUpdateResult> => {
      const request = parseUpdateRequest(rawRequest);
      const updateId = currentUpdateInfo()!.id;
      queue.push(updateId);
      await condition(() => queue[0] === updateId);
      const run = new StepRunner<UpdateStep>(
        {
          operation: 'update-configuration',
          title: `Updating configuration ${configurationId}: ${Object.keys(request.patch).join(', ')} (update ${updateId})`,
          steps: UPDATE_STEPS,
        },
        policy,
      );
      running = { updateId, run };
      let failed = true;
      try {
        const { value, steps } = await run.run(() => applyPatchWithRetries(request, run));
        failed = false;
        return { ...value, updateId, steps };
      } finally {
        summary[failed ? 'failed' : 'completed'] += 1;
        remember(finished, updateId, { failed, run });
        running = undefined;
        queue.shift();
      }
    },
    {
      // Runs before the update is accepted: a refused patch is never queued, nor written to history.
      validator: (rawRequest) => {
        const request = parseUpdateRequest(rawRequest);
        if (request.configurationId !== configurationId) {
          throw new Error(
            `configurationId: this workflow updates ${configurationId}, not ${request.configurationId}`,
          );
        }
      },
    },
  );

  setHandler(updateStatusQuery, (updateId): UpdateStatus => {
    if (running?.updateId === updateId) return { state: 'running', progress: running.run.snapshot() };
    const done = finished.get(updateId);
    if (done) return { state: done.failed ? 'failed' : 'completed', progress: done.run.snapshot() };
    const position = queue.indexOf(updateId);
    return position === -1 ? { state: 'unknown' } : { state: 'queued', ahead: position };
  });

  for (;;) {
    const idleFor = formatDuration(input.idleTimeoutMs);
    const woken = await condition(() => queue.length > 0, input.idleTimeoutMs, {
      summary: `idle: ends after ${idleFor} without an update`,
    });
    if (!woken) break;
    await condition(() => queue.length === 0);
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof configurationUpdates>(input);
    }
  }
  // An update accepted as the idle wait ended is still applied before the run returns.
  await condition(allHandlersFinished);
  return summary;
}

function remember<V>(statuses: Map<string, V>, updateId: string, status: V): void {
  statuses.set(updateId, status);
  const oldest = statuses.keys().next().value;
  if (statuses.size > STATUSES_KEPT && oldest !== undefined) statuses.delete(oldest);
}
