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
import { applyPatchUpdate, UPDATE_STEPS, updateStatusQuery, type UpdateStep } from './definitions';
import { formatDuration } from './format';
import { resolvePollingPolicy } from './polling-policy';
import { StepRunner } from './step-runner';
import { parseUpdateRequest, parseUpdatesInput, type UpdatesInput } from './update-input';
import { UpdateQueue } from './update-queue';
import { validated } from './validated';

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
  const updates = new UpdateQueue();

  setHandler(
    applyPatchUpdate,
    async (rawRequest) => {
      const request = parseUpdateRequest(rawRequest);
      const updateId = currentUpdateInfo()!.id;
      const fields = Object.keys(request.patch).join(', ');
      const start = () =>
        new StepRunner<UpdateStep>(
          {
            operation: 'update-configuration',
            title: `Updating configuration ${configurationId}: ${fields} (update ${updateId})`,
            steps: UPDATE_STEPS,
          },
          policy,
        );
      return updates.inTurn(updateId, start, async (run) => {
        const { value, steps } = await run.run(() => applyPatchWithRetries(request, run));
        return { ...value, updateId, steps };
      });
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
  setHandler(updateStatusQuery, (updateId) => updates.status(updateId));

  for (;;) {
    const idleFor = formatDuration(input.idleTimeoutMs);
    const woken = await condition(() => !updates.empty, input.idleTimeoutMs, {
      summary: `idle: ends after ${idleFor} without an update`,
    });
    if (!woken) break;
    await condition(() => updates.empty);
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof configurationUpdates>(input);
    }
  }
  // An update accepted as the idle wait ended is still applied before the run returns.
  await condition(allHandlersFinished);
  return { configurationId, ...updates.counts };
}
