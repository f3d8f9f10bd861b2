/**
 * Names shared by the workflow, the worker and the client: task queue, search attributes, the
 * progress query and the shapes of progress and result. Deterministic, so the workflow bundle
 * can import it.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery } from '@temporalio/workflow';
import type { ProvisionInput } from './provision-input';

/** The task queue the worker polls unless `TEMPORAL_TASK_QUEUE` says otherwise. */
export const DEFAULT_TASK_QUEUE = 'orchestrator-provisioning';

// ---------- Search attributes (KEYWORD; the server must have them registered) ----------

/** The step a provisioning is at, e.g. `await-configuration`, `completed`, `failed`. */
export const ProvisioningStep = defineSearchAttributeKey('ProvisioningStep', SearchAttributeType.KEYWORD);
export const OrchestratorStoreId = defineSearchAttributeKey(
  'OrchestratorStoreId',
  SearchAttributeType.KEYWORD,
);
export const OrchestratorConfigurationId = defineSearchAttributeKey(
  'OrchestratorConfigurationId',
  SearchAttributeType.KEYWORD,
);
/** Set while an operation has stayed PENDING past the stuck threshold: contact support with it. */
export const StuckOperationId = defineSearchAttributeKey('StuckOperationId', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTE_KEYS = [
  ProvisioningStep,
  OrchestratorStoreId,
  OrchestratorConfigurationId,
  StuckOperationId,
];

// ---------- Steps and progress ----------

/** The eight working steps, in the order the workflow runs them. */
export const PROVISION_STEPS = [
  'create-memory-store',
  'await-memory-store',
  'create-configuration',
  'await-configuration',
  'resolve-configuration-id',
  'create-conversation',
  'send-message',
  'await-message',
] as const;

export type WorkingStep = (typeof PROVISION_STEPS)[number];
export type ProvisionStep = WorkingStep | 'completed' | 'failed';

export interface StepReport {
  status: 'running' | 'done' | 'skipped' | 'failed';
  /** Status reads of the step's operation or action (0 for steps that poll nothing). */
  polls: number;
  /** Workflow time (epoch ms) the step started. */
  startedAt: number;
  /** Workflow time spent in the step so far. */
  elapsedMs: number;
}

export interface ProvisionIds {
  memoryStoreId?: string;
  configurationId?: string;
  conversationId?: string;
  actionId?: string;
  messageSid?: string;
  communicationId?: string;
}

/**
 * How a run came by a resource: it `created` it; it `adopted` one found by looking (by name, or
 * a message by its text and recipients), made by an earlier attempt of this run or by an earlier
 * run of the same provisioning; or the input `given` its ID.
 */
export type ResourceOrigin = 'created' | 'adopted' | 'given';

/** The path a run took, resource by resource. The first message is `sent` by this run or `adopted`. */
export interface ResourceOrigins {
  memoryStore: ResourceOrigin;
  configuration: Exclude<ResourceOrigin, 'given'>;
  conversation: ResourceOrigin;
  message: 'sent' | 'adopted';
}

export interface ProvisionProgress {
  step: ProvisionStep;
  ids: ProvisionIds;
  steps: Partial<Record<ProvisionStep, StepReport>>;
  /** How each resource reached so far was obtained (the workflow's query always includes it). */
  origins?: Partial<ResourceOrigins>;
  /** The operation that has been PENDING past the stuck threshold, if any. */
  stuckOperationId?: string;
}

/**
 * Which source gave the configuration ID: the 202/operation `related`, the operation `result`,
 * a list after creating it, or the list before creating (`adopted`: the store pre-existed and
 * already had a configuration of this displayName, so none was created).
 */
export type ConfigurationIdSource = 'related' | 'result' | 'list' | 'adopted';

export interface ProvisionResult {
  /**
   * `actionId` and `messageSid` are absent when the message was adopted, not sent: found in the
   * conversation after an ambiguous send of this run, or before sending in a conversation an
   * earlier run left (the API cannot look Actions up by content); `communicationId` is then the
   * proof that it was sent, once.
   */
  ids: Required<Pick<ProvisionIds, 'memoryStoreId' | 'configurationId' | 'conversationId'>> &
    Pick<ProvisionIds, 'actionId' | 'messageSid' | 'communicationId'>;
  configurationIdResolvedBy: ConfigurationIdSource;
  origins: ResourceOrigins;
  steps: Record<WorkingStep, StepReport>;
  /** Workflow time from start to completion. */
  totalElapsedMs: number;
}

export const progressQuery = defineQuery<ProvisionProgress>('progress');

/**
 * Failure type of a provisioning whose first message may or may not have been delivered: a send
 * failed ambiguously (5xx, reset or timeout after sending, the activity timing out) and the
 * message was not listed in the conversation by the deadline. It is never resent; a person
 * checks the conversation named in the message before running the provisioning again: a rerun
 * looks for the message there and sends it only if it is not listed, and a send whose Action is
 * still PENDING is not listed yet.
 */
export const MESSAGE_OUTCOME_UNKNOWN = 'MessageOutcomeUnknown';

/**
 * Failure type of a provisioning whose first message was turned away unapplied (429/503, no
 * connection) until the deadline: nothing was delivered.
 */
export const MESSAGE_NOT_SENT = 'MessageNotSent';

// ---------- Workflow ID ----------

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * The workflow ID of a provisioning, derived from its identity so that starting the same
 * provisioning twice attaches to the running one instead of duplicating it:
 * - `provision-<provisioningId>` when the input names one;
 * - else `provision:<configuration>--<store>`, from the configuration's displayName and the
 *   store's displayName (or existing store ID), each slugged to `[a-z0-9-]`.
 *
 * No two identities share an ID: a provisioningId never holds a `:`, and a slug never holds
 * `--` (nor starts or ends with `-`), so the two names are told apart wherever they split.
 * Names differing only in case or punctuation do share an ID, on purpose: the API would treat
 * them as near-duplicates a person confuses anyway; `startProvisioning` refuses the second of
 * two such provisionings whose inputs differ.
 */
export function provisioningWorkflowId(input: ProvisionInput): string {
  if (input.provisioningId) return `provision-${input.provisioningId}`;
  const store =
    'existingStoreId' in input.memoryStore
      ? input.memoryStore.existingStoreId
      : input.memoryStore.displayName;
  return `provision:${slug(input.configuration.displayName)}--${slug(store)}`;
}
