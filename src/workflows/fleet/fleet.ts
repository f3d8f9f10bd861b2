/**
 * `fleet`: the long-lived workflow of one fleet (ID `fleet:<name>`), holding what it manages —
 * its stores and tenants as last applied — with no state file and no lock server.
 *
 * - `applyPlan` (a Workflow Update) starts a `fleetApply` child for a plan and answers with its
 *   workflow ID; while one runs, the validator refuses another, naming the run that holds the
 *   fleet. The main loop awaits the child and merges what it did into the state.
 * - `driftObserved` (a signal, from the scheduled drift check) keeps the report, marks the run
 *   with the `FleetDrift` search attribute (`drifted` / `in-sync`), and, for fields whose policy
 *   is `reconcile`, starts an apply that sets them back, once no apply runs.
 * - `fleetState` (a query) answers the state; the current details show it.
 *
 * It continues as new, carrying the state, when the server suggests it and no apply runs.
 * Deterministic: no I/O here.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  setCurrentDetails,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import { FleetDrift } from '../definitions';
import { parseApplyOptions, type fleetApply, type FleetApplyInput } from './apply';
import { fleetPriority, oneLine } from './apply-steps';
import {
  applyPlanUpdate,
  driftObservedSignal,
  fleetApplyWorkflowId,
  fleetStateQuery,
  type ApplyOptions,
  type ApplyResult,
  type DriftReport,
  type FleetPlan,
  type FleetState,
  type PlanItem,
  type TenantConfiguration,
} from './definitions';
import { hasDrift } from './drift';

export interface FleetInput {
  name: string;
  /** A continued run's: the state it carries. */
  state?: FleetState;
  /** A continued run's: applies started so far, which number the next one's workflow ID. */
  applies?: number;
}

/** Drifted tenants listed in the details; the query holds them all. */
const DETAILS_DRIFTED = 20;

export async function fleet(input: FleetInput): Promise<void> {
  const state: FleetState = input.state ?? { name: input.name, stores: {}, tenants: {} };
  let applies = input.applies ?? 0;
  let running: ChildWorkflowHandle<typeof fleetApply> | undefined;
  /** Set by a drift report with fields to set back; started once the fleet is idle. */
  let reconcileDue = false;
  let publishedDrift: string | undefined;

  const render = () => setCurrentDetails(details(state));

  /** Starts an apply child; `state.applying` is set at once, so a second request is refused from now on. */
  const startApply = async (
    items: PlanItem[],
    planDigest: string,
    options: ApplyOptions,
    checkPlan: boolean,
  ): Promise<string> => {
    applies += 1;
    const workflowId = fleetApplyWorkflowId(state.name, applies);
    state.applying = { workflowId, planDigest, startedAt: new Date().toISOString() };
    render();
    const applyInput: FleetApplyInput = {
      fleet: state.name,
      items,
      options,
      managed: managedFor(state, items),
      checkPlan,
    };
    try {
      running = await startChild<typeof fleetApply>('fleetApply', {
        workflowId,
        args: [applyInput],
        priority: fleetPriority(state.name),
        staticSummary: `Fleet ${state.name}: apply ${items.length} change(s) (${planDigest.slice(0, 12)})`,
      });
    } catch (error) {
      state.applying = undefined;
      render();
      throw error;
    }
    return workflowId;
  };

  setHandler(
    applyPlanUpdate,
    async (plan, options = {}) => ({
      workflowId: await startApply(plan.items, plan.specDigest, options, true),
    }),
    {
      validator: (plan: FleetPlan, options: ApplyOptions = {}) => {
        if (state.applying) {
          throw new Error(
            `fleet ${state.name} is being applied by ${state.applying.workflowId} (started ` +
              `${state.applying.startedAt}): wait for it to end, then plan again`,
          );
        }
        if (plan.fleet !== state.name) {
          throw new Error(
            `fleet: this plan is for fleet ${plan.fleet}, and this workflow holds ${state.name}`,
          );
        }
        parseApplyOptions(options);
      },
    },
  );
  setHandler(fleetStateQuery, () => state);
  setHandler(driftObservedSignal, (report) => {
    state.lastDrift = report;
    const drifted = hasDrift(report) ? 'drifted' : 'in-sync';
    if (drifted !== publishedDrift) {
      upsertSearchAttributes([{ key: FleetDrift, value: drifted }]);
      publishedDrift = drifted;
    }
    reconcileDue = reconcileItems(state, report).length > 0;
    render();
  });
  render();

  // Idle: no apply runs, nor is one being started (its update waits for the child's start).
  const idle = () => state.applying === undefined;
  for (;;) {
    await condition(
      () => running !== undefined || (idle() && (reconcileDue || workflowInfo().continueAsNewSuggested)),
    );
    if (running) {
      const { workflowId } = running;
      const ended: { result?: ApplyResult; failure?: string } = await running.result().then(
        (result) => ({ result }),
        (error: unknown) => ({ failure: oneLine(error) }),
      );
      if (ended.result) merge(state, ended.result);
      state.lastApply = {
        workflowId,
        endedAt: new Date().toISOString(),
        summary: ended.result?.summary ?? { done: 0, failed: 0, pending: 0, running: 0 },
        ...(ended.failure === undefined ? {} : { failure: ended.failure }),
      };
      state.applying = undefined;
      running = undefined;
      render();
    } else if (reconcileDue) {
      reconcileDue = false;
      const items = state.lastDrift ? reconcileItems(state, state.lastDrift) : [];
      if (items.length > 0) await startApply(items, 'reconcile', {}, false);
    } else {
      await condition(allHandlersFinished);
      // An update accepted meanwhile started an apply: carry on with it first.
      if (idle()) return continueAsNew<typeof fleet>({ name: state.name, state, applies });
    }
  }
}

/** What the apply's items need of the state: its stores' IDs, and the conversations of tenants it deletes. */
function managedFor(state: FleetState, items: readonly PlanItem[]): NonNullable<FleetApplyInput['managed']> {
  const conversations: Record<string, string> = {};
  for (const item of items) {
    const conversationId = item.kind === 'tenant' ? state.tenants[item.tenantId]?.conversationId : undefined;
    if (item.kind === 'tenant' && item.action === 'delete' && conversationId)
      conversations[item.tenantId] = conversationId;
  }
  const stores = Object.fromEntries(Object.entries(state.stores).map(([name, { id }]) => [name, id]));
  return { stores, conversations };
}

/** What the apply made, took over, changed or removed, into what the fleet manages. */
function merge(state: FleetState, result: ApplyResult): void {
  for (const outcome of result.stores) {
    if (outcome.state !== 'done') continue;
    if (outcome.action === 'delete') delete state.stores[outcome.store];
    else state.stores[outcome.store] = { id: outcome.storeId };
  }
  for (const outcome of result.outcomes) {
    if (outcome.state !== 'done') continue;
    if (outcome.action === 'delete') {
      delete state.tenants[outcome.tenantId];
      continue;
    }
    const before = state.tenants[outcome.tenantId];
    const conversationId = outcome.conversationId ?? before?.conversationId;
    state.tenants[outcome.tenantId] = {
      storeId: outcome.storeId,
      configurationId: outcome.configurationId,
      applied: outcome.applied,
      version: outcome.version,
      // Never twice: once onboarded, a tenant stays so.
      onboarded: outcome.onboarded || (before?.onboarded ?? false),
      ...(conversationId === undefined ? {} : { conversationId }),
    };
  }
}

/**
 * The updates that set `reconcile` fields back to what was last applied. A field that was unset
 * then cannot be unset by an update: it stays reported, not reconciled.
 */
function reconcileItems(state: FleetState, report: DriftReport): PlanItem[] {
  const items: PlanItem[] = [];
  for (const [tenantId, drift] of Object.entries(report.tenants)) {
    const managed = state.tenants[tenantId];
    if (!managed || drift.missing) continue;
    const changes = drift.fields
      .filter(
        (field) => field.policy === 'reconcile' && field.applied !== undefined && field.applied !== null,
      )
      .map(({ field, live, applied }) => ({ field, before: live, after: applied }));
    if (changes.length === 0) continue;
    // As the API read it after the last apply, less its store (a tenant's configuration names none).
    const fields = Object.fromEntries(
      Object.entries(managed.applied).filter(([key]) => key !== 'memoryStoreId'),
    );
    items.push({
      kind: 'tenant',
      action: 'update',
      tenantId,
      storeId: managed.storeId,
      configurationId: managed.configurationId,
      version: managed.version,
      changes,
      configuration: fields as TenantConfiguration,
    });
  }
  return items;
}

function details(state: FleetState): string {
  const lines = [
    `## Fleet ${state.name}`,
    `**Manages:** ${Object.keys(state.stores).length} store(s), ${Object.keys(state.tenants).length} tenant(s)`,
  ];
  if (state.applying)
    lines.push(`**Applying:** \`${state.applying.workflowId}\` since ${state.applying.startedAt}`);
  const last = state.lastApply;
  if (last) {
    const { done, failed } = last.summary;
    lines.push(
      `**Last apply:** \`${last.workflowId}\`, ended ${last.endedAt}: ` +
        (last.failure ? `failed: ${last.failure}` : `${done} done, ${failed} failed`),
    );
  }
  const drift = state.lastDrift;
  if (drift) {
    const drifted = Object.entries(drift.tenants).map(([tenantId, found]) =>
      found.missing
        ? `- \`${tenantId}\`: configuration missing`
        : `- \`${tenantId}\`: ${found.fields.map((field) => `${field.field} (${field.policy})`).join(', ')}`,
    );
    lines.push(
      '',
      `**Drift** (checked ${drift.checkedAt}): ${drifted.length === 0 ? 'in sync' : `${drifted.length} tenant(s)`}`,
      ...drifted.slice(0, DETAILS_DRIFTED),
      ...(drifted.length > DETAILS_DRIFTED ? [`- … and ${drifted.length - DETAILS_DRIFTED} more`] : []),
    );
  }
  return lines.join('\n');
}
