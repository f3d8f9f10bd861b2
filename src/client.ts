/**
 * Starting and following provisionings from backend code:
 *
 *     const handle = await startProvisioning(client, input);
 *     const progress = await getProgress(handle);   // step, IDs so far, polls and time per step
 *     const result = await awaitProvisioning(handle);
 *
 * The command line (`npm run provision -- --help`) is src/cli/provision.ts.
 */
import { createHash } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import type { provisionOrchestrator } from './workflows';
import {
  DEFAULT_TASK_QUEUE,
  OrchestratorStoreId,
  progressQuery,
  resolveMessageOutcomeUpdate,
  type MessageDecision,
  ProvisioningStep,
  type ProvisionProgress,
  type ProvisionResult,
} from './workflows/definitions';
import { parseProvisionInput, type ProvisionInput } from './workflows/provision-input';
import { provisioningWorkflowId } from './workflows/workflow-ids';

/** A handle to a provisioning run, from `startProvisioning` or `client.workflow.getHandle(id)`. */
export type ProvisioningHandle = WorkflowHandle<typeof provisionOrchestrator>;
/** Also names the run it started or attached to: for logs and Web UI links. */
export type StartedProvisioning = ProvisioningHandle & { firstExecutionRunId: string };

export interface StartProvisioningOptions {
  /** The task queue the workers poll. @default DEFAULT_TASK_QUEUE */
  taskQueue?: string;
}

/**
 * Thrown by `startProvisioning` when the workflow ID its input maps to already belongs to a run
 * started with another input: attaching would hand back that other provisioning's progress and
 * result as if they were this one's.
 */
export class ProvisioningConflictError extends Error {
  constructor(
    readonly workflowId: string,
    readonly runId: string,
  ) {
    super(
      `workflow ID ${workflowId} already belongs to a provisioning with different input (run ${runId}); ` +
        'give this one its own provisioningId',
    );
    this.name = 'ProvisioningConflictError';
  }
}

/** The memo field holding `inputDigest` of the input a run was started with. */
const INPUT_DIGEST_MEMO_KEY = 'inputDigest';

/**
 * Validates the input, then starts its provisioning, or attaches to it:
 * - the workflow ID comes from the provisioning's identity (`provisioningWorkflowId`), and a
 *   provisioning already running under it is attached to (`USE_EXISTING`), not duplicated;
 * - one that already completed is not run again (it would send the first message twice): its
 *   handle is returned and its result is the earlier run's;
 * - one that failed, was cancelled or terminated is started afresh.
 *
 * A run is attached to only when it was started with the same input (a digest of it is kept in
 * the run's memo); a run without the digest was not started here, and is not attached to either.
 *
 * @throws InvalidProvisionInputError naming each bad field and its rule, before anything starts.
 * @throws ProvisioningConflictError when the workflow ID's running or completed run has another input.
 */
export async function startProvisioning(
  client: Client,
  input: ProvisionInput,
  options: StartProvisioningOptions = {},
): Promise<StartedProvisioning> {
  const validInput = parseProvisionInput(input);
  const workflowId = provisioningWorkflowId(validInput);
  const digest = inputDigest(validInput);
  let handle: ProvisioningHandle;
  try {
    handle = await client.workflow.start<typeof provisionOrchestrator>('provisionOrchestrator', {
      workflowId,
      taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
      args: [validInput],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      memo: { [INPUT_DIGEST_MEMO_KEY]: digest },
      staticSummary: provisioningSummary(validInput),
      staticDetails: provisioningDetails(validInput),
      typedSearchAttributes: initialSearchAttributes(validInput),
    });
  } catch (err) {
    // Only a successfully completed run refuses the ID under ALLOW_DUPLICATE_FAILED_ONLY.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    handle = client.workflow.getHandle<typeof provisionOrchestrator>(workflowId);
  }
  // The start does not say whether it started a run or attached to one: the memo does.
  const { runId, memo } = await handle.describe();
  if (memo?.[INPUT_DIGEST_MEMO_KEY] !== digest) throw new ProvisioningConflictError(workflowId, runId);
  return { ...handle, firstExecutionRunId: runId };
}

/** SHA-256 of the validated input as JSON with its keys sorted (they are unique): equal for equal inputs. */
function inputDigest(input: ProvisionInput): string {
  return createHash('sha256').update(stableJson(input)).digest('hex');
}

function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, field: unknown) =>
    field !== null && typeof field === 'object' && !Array.isArray(field)
      ? Object.fromEntries(Object.entries(field).sort(([a], [b]) => (a < b ? -1 : 1)))
      : field,
  );
}

/** The provisioning's result; throws `WorkflowFailedError` whose cause chain says what failed. */
export async function awaitProvisioning(handle: ProvisioningHandle): Promise<ProvisionResult> {
  return handle.result();
}

/** The current step, the IDs so far, and polls and elapsed time per step (needs a worker up). */
export async function getProgress(handle: ProvisioningHandle): Promise<ProvisionProgress> {
  return handle.query<ProvisionProgress>(progressQuery.name);
}

/*
 * The summary, details and search attributes below are stored in plain text for the Web UI's
 * list and search, outside what the payload codec encrypts: they name the configuration, the
 * store and counts, never a customer (no address, participant name or message text).
 */

/** One line for the Web UI's workflow list. */
export function provisioningSummary(input: ProvisionInput): string {
  return `Provision configuration "${input.configuration.displayName}" on ${storeLabel(input)}`;
}

/** Markdown for the Web UI's workflow page: what this provisioning will create or reuse. */
export function provisioningDetails(input: ProvisionInput): string {
  const { configuration, conversation, message } = input;
  const conversationLine =
    'existingConversationId' in conversation
      ? `existing \`${conversation.existingConversationId}\``
      : `new, with ${conversation.participants?.length ?? 0} participant(s)`;
  const channels = [...new Set([message.from, ...message.to].map((e) => e.channel ?? 'participant'))];
  return [
    `**Memory store:** ${storeLabel(input)}`,
    `**Configuration:** \`${configuration.displayName}\`: ${configuration.description}`,
    `**Conversation:** ${conversationLine}`,
    `**First message:** to ${message.to.length} recipient(s) over ${channels.join(', ')} ` +
      '(addresses and text are in the encrypted input)',
  ].join('\n\n');
}

function storeLabel(input: ProvisionInput): string {
  return 'existingStoreId' in input.memoryStore
    ? `existing store ${input.memoryStore.existingStoreId}`
    : `new store "${input.memoryStore.displayName}"`;
}

/** Searchable from the first moment: the first step, and the store ID when it is already known. */
function initialSearchAttributes(input: ProvisionInput): SearchAttributePair[] {
  if ('existingStoreId' in input.memoryStore) {
    return [
      { key: ProvisioningStep, value: 'create-configuration' },
      { key: OrchestratorStoreId, value: input.memoryStore.existingStoreId },
    ];
  }
  return [{ key: ProvisioningStep, value: 'create-memory-store' }];
}

/**
 * Delivers a person's decision to a provisioning whose first message's outcome is unknown (it
 * waits, flagged `AwaitingDecision = message-outcome`): `resend` sends it again, `skip`
 * completes without it. Refused (`WorkflowUpdateFailedError`) by a run that is not waiting for one.
 */
export async function resolveMessageOutcome(
  client: Client,
  workflowId: string,
  decision: MessageDecision,
): Promise<MessageDecision> {
  return client.workflow
    .getHandle(workflowId)
    .executeUpdate(resolveMessageOutcomeUpdate, { args: [decision] });
}

export {
  updateConfiguration,
  type ConfigurationUpdateHandle,
  type UpdateConfigurationOptions,
} from './lifecycle/update';

export {
  teardownProvisioning,
  teardownResources,
  TeardownRefusedError,
  type ExplicitResources,
  type StartedTeardown,
  type TeardownHandle,
  type TeardownOptions,
} from './lifecycle/teardown';
export {
  cancelProvisioning,
  ProvisioningNotFoundError,
  type CancelledProvisioning,
} from './lifecycle/cancel';
