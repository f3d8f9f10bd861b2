/**
 * Starting and following provisionings from backend code:
 *
 *     const handle = await startProvisioning(client, input);
 *     const progress = await getProgress(handle);   // step, IDs so far, polls and time per step
 *     const result = await awaitProvisioning(handle);
 *
 * The command line is `npm run orchestrator -- provision` (src/cli/verbs/provision.ts).
 */
import { createHash } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Priority, SearchAttributePair } from '@temporalio/common';
import { canonicalJson } from '../common/canonical-json';
import type { provisionOrchestrator } from '../workflows';
import {
  DEFAULT_TASK_QUEUE,
  INTERACTIVE_PRIORITY,
  OrchestratorStoreId,
  progressQuery,
  ProvisioningStep,
  type ProvisionProgress,
  type ProvisionResult,
} from '../workflows/definitions';
import { parseProvisionInput, type Onboarding, type ProvisionInput } from '../workflows/provision-input';
import { provisioningWorkflowId } from '../workflows/workflow-ids';
import { startOrAttach, type StartedRun } from './start-or-attach';

/** A handle to a provisioning run, from `startProvisioning` or `client.workflow.getHandle(id)`. */
export type ProvisioningHandle = WorkflowHandle<typeof provisionOrchestrator>;
/** Also names the run it started or attached to: for logs and Web UI links. */
export type StartedProvisioning = StartedRun<typeof provisionOrchestrator>;

export interface StartProvisioningOptions {
  /** The task queue the workers poll. @default DEFAULT_TASK_QUEUE */
  taskQueue?: string;
  /**
   * Where the run's tasks stand while they wait behind the API budget: its activities inherit it.
   * @default { priorityKey: INTERACTIVE_PRIORITY }, before a fleet's work (FLEET_PRIORITY)
   */
  priority?: Priority;
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
 * Validates the input, then starts its provisioning under the workflow ID its identity gives
 * (`provisioningWorkflowId`), or attaches to the run already there (./start-or-attach.ts: a
 * completed provisioning is not run again, so its first message is never sent twice).
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
  const { handle, runId, memo } = await startOrAttach<typeof provisionOrchestrator>(
    client,
    'provisionOrchestrator',
    {
      workflowId,
      taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
      priority: options.priority ?? { priorityKey: INTERACTIVE_PRIORITY },
      args: [validInput],
      memo: { [INPUT_DIGEST_MEMO_KEY]: digest },
      staticSummary: provisioningSummary(validInput),
      staticDetails: provisioningDetails(validInput),
      typedSearchAttributes: initialSearchAttributes(validInput),
    },
  );
  if (memo?.[INPUT_DIGEST_MEMO_KEY] !== digest) throw new ProvisioningConflictError(workflowId, runId);
  return { ...handle, firstExecutionRunId: runId };
}

/** SHA-256 of the validated input as canonical JSON: equal for equal inputs. */
function inputDigest(input: ProvisionInput): string {
  return createHash('sha256').update(canonicalJson(input)).digest('hex');
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
  const { configuration } = input;
  return [
    `**Memory store:** ${storeLabel(input)}`,
    `**Configuration:** \`${configuration.displayName}\`: ${configuration.description}`,
    ...(input.conversation ? onboardingDetails(input) : ['**Conversation and first message:** none']),
  ].join('\n\n');
}

function onboardingDetails({ conversation, message }: Onboarding): string[] {
  const conversationLine =
    'existingConversationId' in conversation
      ? `existing \`${conversation.existingConversationId}\``
      : `new, with ${conversation.participants?.length ?? 0} participant(s)`;
  const channels = [...new Set([message.from, ...message.to].map((e) => e.channel ?? 'participant'))];
  return [
    `**Conversation:** ${conversationLine}`,
    `**First message:** to ${message.to.length} recipient(s) over ${channels.join(', ')} ` +
      '(addresses and text are in the encrypted input)',
  ];
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
