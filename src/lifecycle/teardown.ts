/**
 * Tearing down what a provisioning made, from backend code:
 *
 *     const teardown = await teardownProvisioning(client, 'provision-acme');
 *     const result = await teardown.result();   // resource by resource: deleted, already-gone, kept (why)
 *
 *     await teardownResources(client, { storeId: 'mem_store_...' });   // explicit IDs
 *
 * `teardownProvisioning` learns the IDs and their origins from the provisioning's run before
 * starting: its result when it completed, its `progress` query (`ids` and `resources`) when it
 * failed or was cancelled. Read here, by the caller's client, the workflow needs no Temporal
 * client of its own, and its input shows exactly what it was asked to remove. A provisioning
 * still running is refused: cancel it first (src/lifecycle/cancel.ts).
 *
 * Start is idempotent: the workflow ID comes from the request (`teardown-<provisioning workflow
 * ID>`, or `teardown-ids:` and the IDs, then `:<requestId>` when given), a teardown already
 * running under it is attached to, and one that completed is not run again (its handle and
 * result are returned). A failed one is started afresh, and removes what is left.
 */
import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { Priority } from '@temporalio/common';
import {
  DEFAULT_TASK_QUEUE,
  INTERACTIVE_PRIORITY,
  LifecycleOperation,
  progressQuery,
  ProvisioningStep,
  TEARDOWN_STEPS,
  type ProvisionProgress,
  type ProvisionResult,
  type ResourceOrigin,
} from '../workflows/definitions';
import type { PollingInput } from '../workflows/polling-input';
import type { teardownOrchestrator } from '../workflows/teardown';
import { parseTeardownInput, type TeardownInput } from '../workflows/teardown-input';
import { teardownWorkflowId } from '../workflows/workflow-ids';
import { startOrAttach, type StartedRun } from './start-or-attach';

export type TeardownHandle = WorkflowHandle<typeof teardownOrchestrator>;
/** Also names the run it started or attached to: for logs and Web UI links. */
export type StartedTeardown = StartedRun<typeof teardownOrchestrator>;

export interface TeardownOptions {
  /** The task queue the workers poll. @default DEFAULT_TASK_QUEUE */
  taskQueue?: string;
  /**
   * Where the run's tasks stand while they wait behind the API budget: its activities inherit it.
   * @default { priorityKey: INTERACTIVE_PRIORITY }, before a fleet's work (FLEET_PRIORITY)
   */
  priority?: Priority;
  /** Polling overrides for the delete operations (as a provisioning's `polling`). */
  polling?: PollingInput;
  /**
   * Names the request, as part of the workflow ID: the same request again attaches to (or returns)
   * the first teardown; a new one runs anew, e.g. after a teardown that kept a store for its
   * other configurations, once they are gone. @default none: the IDs alone name the request
   */
  requestId?: string;
}

/** Thrown before anything starts when the provisioning cannot be torn down (yet), saying why. */
export class TeardownRefusedError extends Error {
  override readonly name = 'TeardownRefusedError';
  constructor(
    readonly provisioningWorkflowId: string,
    reason: string,
  ) {
    super(`cannot tear down provisioning ${provisioningWorkflowId}: ${reason}`);
  }
}

export interface ExplicitResources {
  storeId?: string;
  configurationId?: string;
  conversationId?: string;
}

/**
 * Removes what the provisioning made (created or adopted); what it was given stays.
 *
 * @throws TeardownRefusedError when the provisioning does not exist, is still running, or
 *   recorded no resource; its progress is read through a query, so a worker must be up.
 */
export async function teardownProvisioning(
  client: Client,
  provisioningWorkflowId: string,
  options: TeardownOptions = {},
): Promise<StartedTeardown> {
  const resources = await resourcesOfProvisioning(client, provisioningWorkflowId);
  return startTeardown(
    client,
    teardownWorkflowId({ provisioningWorkflowId }, options.requestId),
    { resources, provisioningWorkflowId, polling: options.polling },
    `Tear down what provisioning ${provisioningWorkflowId} made`,
    options,
  );
}

/** Removes the resources named by ID (each one is deleted, whoever made it), children first. */
export async function teardownResources(
  client: Client,
  ids: ExplicitResources,
  options: TeardownOptions = {},
): Promise<StartedTeardown> {
  const named = (id: string | undefined) => (id === undefined ? undefined : { id, origin: 'named' as const });
  const input: TeardownInput = {
    resources: {
      conversation: named(ids.conversationId),
      configuration: named(ids.configurationId),
      memoryStore: named(ids.storeId),
    },
    polling: options.polling,
  };
  return startTeardown(
    client,
    teardownWorkflowId({ ids }, options.requestId),
    input,
    `Tear down ${[ids.conversationId, ids.configurationId, ids.storeId].filter(Boolean).join(', ')}`,
    options,
  );
}

async function startTeardown(
  client: Client,
  workflowId: string,
  input: TeardownInput,
  summary: string,
  options: TeardownOptions,
): Promise<StartedTeardown> {
  const validInput = parseTeardownInput(input);
  const { handle, runId } = await startOrAttach<typeof teardownOrchestrator>(client, 'teardownOrchestrator', {
    workflowId,
    taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
    priority: options.priority ?? { priorityKey: INTERACTIVE_PRIORITY },
    args: [validInput],
    staticSummary: summary,
    staticDetails: teardownDetails(validInput.resources),
    typedSearchAttributes: [
      { key: LifecycleOperation, value: 'teardown' },
      { key: ProvisioningStep, value: TEARDOWN_STEPS[0] },
    ],
  });
  return { ...handle, firstExecutionRunId: runId };
}

/** IDs and origins only: no customer data (the details are stored outside the payload codec's reach). */
function teardownDetails(resources: TeardownInput['resources']): string {
  return Object.entries(resources)
    .flatMap(([name, target]) => (target ? [`**${name}:** \`${target.id}\` (${target.origin})`] : []))
    .join('\n\n');
}

type ProvisionedResources = NonNullable<TeardownInput['resources']>;

/** What the provisioning recorded: from its result, else from its progress query. */
async function resourcesOfProvisioning(client: Client, workflowId: string): Promise<ProvisionedResources> {
  const handle = client.workflow.getHandle(workflowId);
  let status: string;
  try {
    status = (await handle.describe()).status.name;
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    throw new TeardownRefusedError(workflowId, 'no workflow with this ID');
  }
  if (status === 'RUNNING' || status === 'CONTINUED_AS_NEW') {
    throw new TeardownRefusedError(workflowId, 'it is still running; cancel it first (cancelProvisioning)');
  }
  const recorded =
    status === 'COMPLETED'
      ? fromResult((await handle.result()) as ProvisionResult)
      : fromProgress(await handle.query<ProvisionProgress>(progressQuery.name));
  if (Object.keys(recorded).length === 0) {
    throw new TeardownRefusedError(workflowId, `its run (${status}) recorded no resource: nothing to remove`);
  }
  return recorded;
}

function fromResult(result: ProvisionResult): ProvisionedResources {
  const { ids, origins } = result;
  return {
    // Absent from a provisioning without onboarding.
    ...(ids.conversationId &&
      origins.conversation && { conversation: { id: ids.conversationId, origin: origins.conversation } }),
    configuration: { id: ids.configurationId, origin: origins.configuration },
    memoryStore: { id: ids.memoryStoreId, origin: origins.memoryStore },
  };
}

/** A resource counts once the run recorded both its ID and how it came by it. */
function fromProgress({ ids, resources }: ProvisionProgress): ProvisionedResources {
  const recorded: ProvisionedResources = {};
  const pick = (id: string | undefined, origin: ResourceOrigin | undefined) =>
    id !== undefined && origin !== undefined ? { id, origin } : undefined;
  const conversation = pick(ids.conversationId, resources.conversation);
  const configuration = pick(ids.configurationId, resources.configuration);
  const memoryStore = pick(ids.memoryStoreId, resources.memoryStore);
  if (conversation) recorded.conversation = conversation;
  if (configuration) recorded.configuration = configuration;
  if (memoryStore) recorded.memoryStore = memoryStore;
  return recorded;
}
