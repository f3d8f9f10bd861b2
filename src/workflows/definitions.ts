/**
 * The contract of the lifecycle workflows, shared by the workflows, the worker and the client:
 * the task queue, the search attributes, the queries and updates, and the shapes of progress and
 * result. The workflow IDs are in ./workflow-ids, the inputs in ./*-input.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { FieldChange } from './configuration-patch';
import type { UpdateRequest } from './update-input';

/** The task queue the worker polls unless `TEMPORAL_TASK_QUEUE` says otherwise. */
export const DEFAULT_TASK_QUEUE = 'orchestrator-provisioning';

/**
 * Priority keys (1 = first … 5, Temporal's default 3) of the runs on the task queue: where
 * tasks wait behind the API budget (src/temporal/task-queue-budget.ts), lower keys are
 * dispatched first, and a run's activities and children inherit its key. Work a person started
 * (a provisioning, an update or a teardown) goes before a fleet's, so one urgent provisioning
 * does not queue behind a thousand tenants; fleet work is spread over tenants by its
 * `fairnessKey` (the tenant ID).
 */
export const INTERACTIVE_PRIORITY = 2;
export const FLEET_PRIORITY = 4;

// ---------- Search attributes (KEYWORD; the server must have them registered) ----------

/**
 * The step a run is at, e.g. `await-configuration`, `completed`, `failed`, `cancelled` (every
 * lifecycle workflow sets it; `LifecycleOperation` says which workflow it is).
 */
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
/** Set while a run waits for a person's decision, e.g. `message-outcome` (see `resolveMessageOutcomeUpdate`). */
export const AwaitingDecision = defineSearchAttributeKey('AwaitingDecision', SearchAttributeType.KEYWORD);
/** Which lifecycle operation a run is: `provision`, `update-configuration` or `teardown`. */
export const LifecycleOperation = defineSearchAttributeKey('LifecycleOperation', SearchAttributeType.KEYWORD);
/** On a fleet's workflow: `drifted` or `in-sync`, as its last drift check found it. */
export const FleetDrift = defineSearchAttributeKey('FleetDrift', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTE_KEYS = [
  LifecycleOperation,
  ProvisioningStep,
  OrchestratorStoreId,
  OrchestratorConfigurationId,
  StuckOperationId,
  AwaitingDecision,
  FleetDrift,
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
/** Where a run ends: the last three values of its `step`. */
export type FinalStep = 'completed' | 'failed' | 'cancelled';
export type ProvisionStep = WorkingStep | FinalStep;

/** The lifecycle workflows, as the `LifecycleOperation` search attribute names them. */
export type LifecycleOperationName = 'provision' | 'update-configuration' | 'teardown';

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

/**
 * The path a run took, resource by resource. The first message is `sent` by this run or
 * `adopted`; the conversation and message are absent from a provisioning without onboarding.
 */
export interface ResourceOrigins {
  memoryStore: ResourceOrigin;
  configuration: Exclude<ResourceOrigin, 'given'>;
  conversation?: ResourceOrigin;
  message?: 'sent' | 'adopted' | 'skipped';
}

/** What the `progress` query of every lifecycle workflow answers. */
export interface RunProgress<
  S extends string = string,
  Ids extends object = Record<string, string>,
  Resources extends object = Record<string, string>,
> {
  operation: LifecycleOperationName;
  /** The run's working steps, in the order it runs them. */
  plan: readonly S[];
  step: S | FinalStep;
  /** The steps reached so far. */
  steps: Partial<Record<S, StepReport>>;
  ids: Ids;
  /** What the run did with each resource so far, e.g. `created`, `adopted`, `deleted`, `kept`. */
  resources: Resources;
  /** The operation that has been PENDING past the stuck threshold, if any. */
  stuckOperationId?: string;
  /** Set while the run waits for a person's decision, e.g. `message-outcome`. */
  awaitingDecision?: string;
}

/**
 * A provisioning's progress: `resources` says how each resource reached so far was obtained and,
 * after a rollback (`onFailure: 'rollback'`), what became of it: `<resource>.rollback` is
 * `deleted`, `already-gone`, `kept: why` or `not found: never created`; `rollback` is set if the
 * rollback itself stopped.
 */
export type ProvisionProgress = RunProgress<
  WorkingStep,
  ProvisionIds,
  Partial<ResourceOrigins> & Partial<Record<`${keyof ResourceOrigins}.rollback` | 'rollback', string>>
>;

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
   * proof that it was sent, once. A provisioning without onboarding has none of the
   * conversation's and message's IDs.
   */
  ids: Required<Pick<ProvisionIds, 'memoryStoreId' | 'configurationId'>> &
    Pick<ProvisionIds, 'conversationId' | 'actionId' | 'messageSid' | 'communicationId'>;
  configurationIdResolvedBy: ConfigurationIdSource;
  origins: ResourceOrigins;
  steps: Record<WorkingStep, StepReport>;
  /** Workflow time from start to completion. */
  totalElapsedMs: number;
}

// ---------- Teardown ----------

/** The teardown's working steps: dependency order, children before their parents. */
export const TEARDOWN_STEPS = [
  'delete-conversation',
  'await-conversation-deletion',
  'delete-configuration',
  'await-configuration-deletion',
  'delete-memory-store',
  'await-memory-store-deletion',
] as const;

export type TeardownStep = (typeof TEARDOWN_STEPS)[number];

/** The resources a teardown or a rollback removes, in the order they are removed. */
export const REMOVAL_ORDER = ['conversation', 'configuration', 'memoryStore'] as const;
export type RemovableResource = (typeof REMOVAL_ORDER)[number];

/**
 * What a teardown or rollback did with one resource: `deleted` (its delete operation COMPLETED),
 * `already-gone` (404: deleted before, or never made), or `kept`, with why.
 */
export type ResourceRemoval =
  { id: string; outcome: 'deleted' | 'already-gone' } | { id: string; outcome: 'kept'; reason: string };

export interface TeardownResult {
  resources: Partial<Record<RemovableResource, ResourceRemoval>>;
  /**
   * Present when a conversation was part of the teardown: what its messages became. Deleting a
   * conversation removes its record, never a message already delivered: a message cannot be unsent.
   */
  messages?: string;
  steps: Partial<Record<TeardownStep, StepReport>>;
  /** Workflow time from start to end. */
  totalElapsedMs: number;
}

/** A teardown's progress: `resources` says, per resource, `deleting`, `deleted`, `already-gone` or `kept: why`. */
export type TeardownProgress = RunProgress<TeardownStep>;

/** The progress of any lifecycle workflow (each narrows it: `ProvisionProgress`, ...). */
export const progressQuery = defineQuery<RunProgress>('progress');

/**
 * A person's answer to a first message whose outcome is unknown: `resend` it (the customer may
 * get it twice) or `skip` it (finish without it: the customer may have none).
 */
export type MessageDecision = 'resend' | 'skip';

/** Delivers a `MessageDecision` to a provisioning that waits for one; refused by a run that does not. */
export const resolveMessageOutcomeUpdate = defineUpdate<MessageDecision, [MessageDecision]>(
  'resolveMessageOutcome',
);

// ---------- Configuration updates ----------

/** The working steps of one configuration update; a version conflict starts again at the read. */
export const UPDATE_STEPS = ['read-configuration', 'send-update', 'await-update', 'verify-update'] as const;

export type UpdateStep = (typeof UPDATE_STEPS)[number];
export type UpdateProgress = RunProgress<UpdateStep>;

/** What one configuration update did. */
export interface ConfigurationUpdateResult {
  configurationId: string;
  /** The Workflow Update's ID: the same request twice has one ID, and is one update. */
  updateId: string;
  /** `false`: the configuration already held every value of the patch, and no `PUT` was sent. */
  applied: boolean;
  /** Field by field, the values before and after (`null`: unset); empty when nothing was applied. */
  changes: FieldChange[];
  /** The version read before the change. */
  previousVersion?: number;
  /** The version after the change (the one read to verify it); the current one when nothing was applied. */
  version?: number;
  /** Reads-and-`PUT`s made: more than 1 when another change got in between (409). */
  tries: number;
  steps: Partial<Record<UpdateStep, StepReport>>;
}

/** Where an update stands: waiting behind others of the same configuration, or its own progress. */
export type UpdateStatus =
  | { state: 'queued'; ahead: number }
  | { state: 'running' | 'completed' | 'failed'; progress: UpdateProgress }
  | { state: 'unknown' };

/** The Workflow Update carrying one patch to the configuration's updates workflow. */
export const applyPatchUpdate = defineUpdate<ConfigurationUpdateResult, [UpdateRequest]>('applyPatch');
/** One update's status, by its update ID (the `progress` query shows the update running now). */
export const updateStatusQuery = defineQuery<UpdateStatus, [updateId: string]>('updateStatus');
