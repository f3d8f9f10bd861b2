/**
 * The steps of a fleet apply, one plan item each: a store made (as a provisioning's store step
 * makes one: the store activities and the operation poll, adopting a store of the name an earlier
 * attempt or apply made) or removed, and a tenant made, taken over, changed or removed through
 * the lifecycle's own workflows: a provisioning child, the configuration's updates workflow (an
 * activity hands it the patch), a teardown child.
 *
 * Each tenant's children and activities run at the fleet's priority with the tenant as fairness
 * key, and the children's workflow IDs come from the fleet and the tenant: the same change asked
 * again (a retried apply, a later one) meets the run already under way, or adopts what it left.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  ChildWorkflowFailure,
  executeChild,
  uuid4,
} from '@temporalio/workflow';
import type { Priority } from '@temporalio/common';
import { activities, activitiesWith } from '../activity-calls';
import type { ConfigurationPatch } from '../configuration-input';
import type { FieldChange } from '../configuration-patch';
import {
  FLEET_PRIORITY,
  LifecycleOperation,
  OrchestratorStoreId,
  type RemovableResource,
} from '../definitions';
import { FailureType } from '../failure-types';
import { pollUntilSettled } from '../poll-operation';
import { resolvePollingPolicy } from '../polling-policy';
import type { ProvisionInput } from '../provision-input';
import type { provisionOrchestrator } from '../provision-orchestrator';
import type { teardownOrchestrator } from '../teardown';
import type { TeardownInput } from '../teardown-input';
import { classifyOperation, classifyStore } from '../verdicts';
import {
  fleetStoreWorkflowId,
  fleetTenantWorkflowId,
  type PlanItem,
  type StoreOutcome,
  type TenantOutcome,
} from './definitions';

type StoreItem = Extract<PlanItem, { kind: 'store' }>;
export type TenantItem = Extract<PlanItem, { kind: 'tenant' }>;

/** What a tenant's step needs beyond its item. */
export interface TenantContext {
  fleet: string;
  /** The store's ID by display name: the fleet's, and those this apply made or adopted. */
  storeId(displayName: string): string | undefined;
  /** Why the store of that name was not made, when it failed in this apply. */
  storeFailure(displayName: string): string | undefined;
  /** The onboarding conversation of a tenant the fleet manages, removed with it. */
  conversationOf(tenantId: string): string | undefined;
}

/**
 * Waits for one configuration update: each call waits up to 20 s, so 180 calls are an hour, as
 * long as a provisioning's operation deadline and a half.
 */
const MAX_PATCH_CALLS = 180;

const POLICY = resolvePollingPolicy();

/**
 * Fleet work goes after interactive work; within it, each tenant (or, for the apply's own steps
 * and its stores, the fleet) takes its turn with every other one.
 */
export function fleetPriority(fairnessKey: string): Priority {
  return { priorityKey: FLEET_PRIORITY, fairnessKey };
}

// ---------- Stores ----------

export async function applyStoreItem(item: StoreItem, fleet: string): Promise<StoreOutcome> {
  const { displayName: store, action } = item;
  try {
    switch (item.action) {
      case 'create':
        return { store, state: 'done', action, storeId: await createStore(item) };
      case 'adopt':
        return { store, state: 'done', action, storeId: item.storeId };
      case 'delete':
        await removeAll(fleetStoreWorkflowId(fleet, store), `Fleet ${fleet}: remove store ${store}`, fleet, {
          memoryStore: item.storeId,
        });
        return { store, state: 'done', action, storeId: item.storeId };
    }
  } catch (error) {
    return { store, state: 'failed', action, failure: oneLine(error) };
  }
}

/** Creates the store, or adopts the one holding its name (an earlier attempt's whose response was lost, or an earlier apply's). */
async function createStore({ displayName, description }: Extract<StoreItem, { action: 'create' }>) {
  const creation = await activities.createMemoryStore({
    displayName,
    ...(description === undefined ? {} : { description }),
  });
  if (creation.outcome === 'accepted') {
    const { operationId } = creation;
    const operation = await pollUntilSettled({
      subject: 'memory store operation',
      operationId,
      poll: () => activities.getMemoryOperation(operationId),
      classify: classifyOperation('memory store operation'),
      policy: POLICY,
      firstPoll: 'after-wait',
      retryAfterMs: creation.retryAfterMs,
      // The poll logs a stuck operation; the apply's details show the store as running until it ends.
      onStuckChange: () => undefined,
    });
    const storeId = operation.result?.id;
    if (storeId) return storeId;
    throw ApplicationFailure.nonRetryable(
      `memory store operation ${operationId} COMPLETED without result.id`,
      FailureType.MissingResultId,
    );
  }
  const existing = await activities.findMemoryStore(displayName, creation.conflictingStoreId);
  if (!existing) {
    throw ApplicationFailure.nonRetryable(
      `memory store display name "${displayName}" is taken, but no store of that name was found (deleted meanwhile?)`,
      FailureType.ApiRefused,
    );
  }
  const verdict = classifyStore(existing);
  if (verdict.state === 'failed') throw verdict.failure;
  if (verdict.state === 'pending') {
    await pollUntilSettled({
      subject: 'memory store',
      operationId: existing.id,
      poll: () => activities.getMemoryStore(existing.id),
      classify: classifyStore,
      policy: { ...POLICY, stuckAfterMs: Number.POSITIVE_INFINITY },
      firstPoll: 'after-wait',
      onStuckChange: () => undefined,
    });
  }
  return existing.id;
}

// ---------- Tenants ----------

export async function applyTenantItem(item: TenantItem, context: TenantContext): Promise<TenantOutcome> {
  const { tenantId, action } = item;
  try {
    switch (item.action) {
      case 'create':
        return await createTenant(item, context);
      case 'adopt':
      case 'update':
        return await changeTenant(item);
      case 'delete':
        await removeAll(
          fleetTenantWorkflowId(context.fleet, tenantId, 'delete'),
          `Fleet ${context.fleet}: remove tenant ${tenantId}`,
          tenantId,
          { configuration: item.configurationId, conversation: context.conversationOf(tenantId) },
        );
        return { tenantId, state: 'done', action: 'delete', configurationId: item.configurationId };
    }
  } catch (error) {
    return { tenantId, state: 'failed', action, failure: oneLine(error) };
  }
}

/** A provisioning child on the tenant's store: its configuration, and its onboarding when the item has one. */
async function createTenant(
  item: Extract<TenantItem, { action: 'create' }>,
  context: TenantContext,
): Promise<TenantOutcome> {
  const { tenantId, store, configuration, onboarding } = item;
  const storeId = context.storeId(store);
  if (storeId === undefined) {
    const why = context.storeFailure(store) ?? 'the fleet does not manage it and this apply made none';
    throw ApplicationFailure.nonRetryable(`its store ${store} is not there: ${why}`);
  }
  // Its step goes to search attributes only at its end: a thousand tenants' upserts at every step
  // would be a third of their billable actions. The attributes known now are set with the start.
  const base = {
    memoryStore: { existingStoreId: storeId },
    configuration,
    stepSearchAttributes: 'at-end' as const,
  };
  const input: ProvisionInput = onboarding ? { ...base, ...onboarding } : base;
  const provisioned = await executeChild<typeof provisionOrchestrator>('provisionOrchestrator', {
    workflowId: fleetTenantWorkflowId(context.fleet, tenantId, 'create'),
    args: [input],
    typedSearchAttributes: [
      { key: LifecycleOperation, value: 'provision' },
      { key: OrchestratorStoreId, value: storeId },
    ],
    priority: fleetPriority(tenantId),
    staticSummary:
      `Fleet ${context.fleet}: tenant ${tenantId}, configuration "${configuration.displayName}"` +
      (onboarding ? ' and its onboarding' : ''),
  });
  const { configurationId, conversationId } = provisioned.ids;
  return {
    ...(await readApplied(tenantId, storeId, configurationId, 'create')),
    onboarded: provisioned.origins.message !== undefined,
    ...(conversationId === undefined ? {} : { conversationId }),
  };
}

/** Taken over (`adopt`) or changed (`update`): its changes go to the configuration's updates workflow. */
async function changeTenant(
  item: Extract<TenantItem, { action: 'adopt' | 'update' }>,
): Promise<TenantOutcome> {
  const { tenantId, configurationId, changes } = item;
  if (changes.length > 0) {
    const request = { tenantId, configurationId, patch: patchOf(changes), requestId: `fleet-${uuid4()}` };
    const calls = activitiesWith({ priority: fleetPriority(tenantId) });
    let call = 1;
    while ((await calls.applyConfigurationPatch(request)).state === 'waiting') {
      if (++call > MAX_PATCH_CALLS) {
        throw ApplicationFailure.nonRetryable(
          `the update of configuration ${configurationId} did not end within ${MAX_PATCH_CALLS} waits; it may still be applied`,
        );
      }
    }
  }
  return { ...(await readApplied(tenantId, item.storeId, configurationId, item.action)), onboarded: false };
}

/** The configuration as the API holds it after the change: what the fleet remembers, and compares drift with. */
async function readApplied(
  tenantId: string,
  storeId: string,
  configurationId: string,
  action: 'create' | 'adopt' | 'update',
) {
  const read = await activitiesWith({ priority: fleetPriority(tenantId) }).getConfiguration(configurationId);
  return {
    tenantId,
    state: 'done' as const,
    action,
    storeId,
    configurationId,
    version: read.version ?? 0,
    applied: read.fields,
  };
}

/** The fields the plan changes, set to the spec's values (a plan never unsets a field). */
function patchOf(changes: readonly FieldChange[]): ConfigurationPatch {
  return Object.fromEntries(changes.map(({ field, after }) => [field, after]));
}

// ---------- Removal ----------

/**
 * A teardown child removing what is named, children first; `deleted` and `already-gone` are
 * done, anything kept fails the item with the teardown's reason.
 */
async function removeAll(
  workflowId: string,
  summary: string,
  fairnessKey: string,
  ids: Partial<Record<RemovableResource, string>>,
): Promise<void> {
  const resources: TeardownInput['resources'] = {};
  for (const [name, id] of Object.entries(ids) as [RemovableResource, string | undefined][])
    if (id !== undefined) resources[name] = { id, origin: 'named' };
  const { resources: removals } = await executeChild<typeof teardownOrchestrator>('teardownOrchestrator', {
    workflowId,
    args: [{ resources }],
    priority: fleetPriority(fairnessKey),
    staticSummary: summary,
  });
  const kept = Object.entries(removals).flatMap(([name, removal]) =>
    removal?.outcome === 'kept' ? [`${name} ${removal.id} kept: ${removal.reason}`] : [],
  );
  if (kept.length > 0) throw ApplicationFailure.nonRetryable(kept.join('; '));
}

/**
 * One line about why an item failed: the innermost failure a person can act on, through the
 * child workflow and activity failures that carry it.
 */
export function oneLine(error: unknown): string {
  let failure = error;
  while ((failure instanceof ChildWorkflowFailure || failure instanceof ActivityFailure) && failure.cause)
    failure = failure.cause;
  const type = failure instanceof ApplicationFailure && failure.type ? `${failure.type}: ` : '';
  const message = failure instanceof Error ? failure.message : String(failure);
  return `${type}${message}`.replace(/\s+/g, ' ');
}
