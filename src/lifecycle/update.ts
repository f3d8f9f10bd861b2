/**
 * Updating a configuration from backend code:
 *
 *     const update = await updateConfiguration(client, {
 *       configurationId: 'conv_configuration_...',
 *       patch: { description: 'Support line, weekdays' },
 *     });
 *     const status = await update.status();   // queued behind others, or its steps so far
 *     const result = await update.result();   // the fields changed, before and after; the new version
 *
 * Every update of a configuration goes to one workflow (`configuration-updates:<configurationId>`)
 * that applies them one at a time; the first update starts it (update-with-start), later ones
 * join it. The command line is `npm run orchestrator -- update`.
 */
import { createHash } from 'node:crypto';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import type { Priority, SearchAttributePair } from '@temporalio/common';
import { canonicalJson } from '../common/canonical-json';
import {
  applyPatchUpdate,
  DEFAULT_TASK_QUEUE,
  INTERACTIVE_PRIORITY,
  LifecycleOperation,
  OrchestratorConfigurationId,
  updateStatusQuery,
  type ConfigurationUpdateResult,
  type UpdateStatus,
} from '../workflows/definitions';
import type { configurationUpdates } from '../workflows/update-configuration';
import {
  parseUpdateRequest,
  parseUpdatesInput,
  type ParsedUpdateRequest,
  type UpdateRequest,
} from '../workflows/update-input';
import { configurationUpdatesWorkflowId } from '../workflows/workflow-ids';

export interface UpdateConfigurationOptions {
  /** The task queue the workers poll. @default DEFAULT_TASK_QUEUE */
  taskQueue?: string;
  /**
   * Where the run's tasks stand while they wait behind the API budget, when this update starts
   * the updates workflow: one already running keeps the priority it started with.
   * @default { priorityKey: INTERACTIVE_PRIORITY }, before a fleet's work (FLEET_PRIORITY)
   */
  priority?: Priority;
  /**
   * How long the configuration's updates workflow, when this update starts it, waits for another
   * update before it ends. @default 5 minutes
   */
  idleTimeoutMs?: number;
}

/** One update, accepted by the configuration's updates workflow (queued, running or done). */
export interface ConfigurationUpdateHandle {
  workflowId: string;
  /** The same request always has the same ID: it names one update, applied once. */
  updateId: string;
  /** The run that accepted the update. */
  runId?: string;
  /** What changed, field by field, and the new version; throws `WorkflowUpdateFailedError` (its cause says why). */
  result(): Promise<ConfigurationUpdateResult>;
  /** Queued (and behind how many), or its steps so far (needs a worker up). */
  status(): Promise<UpdateStatus>;
}

/**
 * Validates the request, then hands it to the configuration's updates workflow, starting that
 * workflow when none runs. Resolves once the update is accepted (validated by the workflow too).
 *
 * Idempotent: the update ID is `request:<requestId>` when the request names one, else a digest of
 * the configuration ID and the patch; the same request sent again while the workflow runs attaches
 * to the first update and returns its result, instead of applying it twice.
 *
 * @throws InvalidUpdateRequestError naming each bad field and its rule, before anything starts.
 */
export async function updateConfiguration(
  client: Client,
  request: UpdateRequest,
  options: UpdateConfigurationOptions = {},
): Promise<ConfigurationUpdateHandle> {
  const valid = parseUpdateRequest(request);
  const { configurationId } = valid;
  // Checked here too: a bad idle timeout would fail the workflow's start, and the update with it.
  const { idleTimeoutMs } = parseUpdatesInput({ configurationId, idleTimeoutMs: options.idleTimeoutMs });
  const workflowId = configurationUpdatesWorkflowId(configurationId);
  const startWorkflowOperation = new WithStartWorkflowOperation<typeof configurationUpdates>(
    'configurationUpdates',
    {
      workflowId,
      taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
      priority: options.priority ?? { priorityKey: INTERACTIVE_PRIORITY },
      args: [{ configurationId, idleTimeoutMs }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      staticSummary: `Updates of configuration ${configurationId}, applied one at a time`,
      staticDetails:
        `Every change to configuration \`${configurationId}\` goes through this workflow: ` +
        'each patch is a Workflow Update, applied in turn with the version it read, and verified by a read. ' +
        'The current details show the update being applied now.',
      typedSearchAttributes: initialSearchAttributes(configurationId),
    },
  );
  const update = await client.workflow.startUpdateWithStart(applyPatchUpdate, {
    args: [valid],
    updateId: updateIdOf(valid),
    waitForStage: 'ACCEPTED',
    startWorkflowOperation,
  });
  const workflow = client.workflow.getHandle(workflowId);
  return {
    workflowId,
    updateId: update.updateId,
    runId: update.workflowRunId,
    result: () => update.result(),
    status: () => workflow.query(updateStatusQuery, update.updateId),
  };
}

/** `request:<requestId>`, else `patch:` and a SHA-256 of the configuration ID and the patch. */
export function updateIdOf(
  request: Pick<ParsedUpdateRequest, 'configurationId' | 'patch' | 'requestId'>,
): string {
  if (request.requestId !== undefined) return `request:${request.requestId}`;
  const digest = createHash('sha256')
    .update(canonicalJson({ configurationId: request.configurationId, patch: request.patch }))
    .digest('hex');
  return `patch:${digest}`;
}

function initialSearchAttributes(configurationId: string): SearchAttributePair[] {
  return [
    { key: LifecycleOperation, value: 'update-configuration' },
    { key: OrchestratorConfigurationId, value: configurationId },
  ];
}
