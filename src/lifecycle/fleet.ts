/**
 * Fleets from backend code: many tenants under one account, described by one spec, planned
 * against the live state and applied as one durable run.
 *
 *     const spec = await loadFleetSpec('fleet.yaml');
 *     const plan = await planFleet(client, spec);          // per resource and field
 *     const apply = await applyFleet(client, spec, plan);  // refused if the account moved since
 *     const result = await apply.result();                 // per tenant: done, or failed and why
 *     const drift = await fleetDrift(client, spec);        // live fields against what was applied
 *
 * The live state is read by a workflow (`readFleetState`) whose activities hold the credentials:
 * the caller needs only its Temporal client. What the fleet made or adopted, and what it last
 * applied, is kept by the fleet's own workflow (`fleet:<name>`), which also runs one apply at a
 * time. The command line is `npm run orchestrator -- plan|apply|drift` (src/cli/verbs/).
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  WorkflowNotFoundError,
  WithStartWorkflowOperation,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import type { Duration, Priority } from '@temporalio/common';
import { canonicalJson } from '../common/canonical-json';
import { readApiBudget } from '../temporal/task-queue-budget';
import { DEFAULT_TASK_QUEUE, INTERACTIVE_PRIORITY } from '../workflows/definitions';
import { windowForApiRate, type fleetApply } from '../workflows/fleet/apply';
import {
  applyPlanUpdate,
  applyProgressQuery,
  fleetDriftScheduleId,
  fleetStateQuery,
  fleetWorkflowId,
  type ApplyOptions,
  type ApplyProgress,
  type ApplyResult,
  type DriftReport,
  type FleetPlan,
  type FleetSpec,
  type FleetState,
  type LiveState,
} from '../workflows/fleet/definitions';
import { driftOf } from '../workflows/fleet/drift';
import type { FleetInput, fleet as fleetWorkflow } from '../workflows/fleet/fleet';
import { planFleet as diffFleet } from '../workflows/fleet/plan';
import type { readFleetState } from '../workflows/fleet/read-state';

export { loadFleetSpec, parseFleetSpecText, FleetSpecFileError } from './fleet-spec-file';

export interface FleetOptions {
  /** The task queue the workers poll. @default DEFAULT_TASK_QUEUE */
  taskQueue?: string;
}

export interface PlanFleetOptions extends FleetOptions {
  /** Also plan deletions of what this fleet manages and the spec no longer names. @default false */
  prune?: boolean;
}

/** A saved plan (`plan --out`) whose spec or live state moved since: nothing was applied. */
export class StalePlanError extends Error {
  override readonly name = 'StalePlanError';
  constructor(
    readonly fleet: string,
    readonly changes: string[],
  ) {
    super(`the saved plan of fleet ${fleet} no longer holds, nothing was applied: ${changes.join('; ')}`);
  }
}

/** SHA-256 of the spec's canonical JSON: names the spec a plan was made from. */
export function specDigestOf(spec: FleetSpec): string {
  return createHash('sha256').update(canonicalJson(spec)).digest('hex');
}

/** The account's stores and configurations, read by the workers (they hold the credentials). */
export async function readLiveState(client: Client, options: FleetOptions = {}): Promise<LiveState> {
  return client.workflow.execute<typeof readFleetState>('readFleetState', {
    workflowId: `fleet-read:${randomUUID()}`,
    taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
    args: [{}],
    priority: { priorityKey: INTERACTIVE_PRIORITY },
    staticSummary: 'Read the account’s memory stores and configurations for a fleet plan',
  });
}

/** What the fleet manages and last applied; undefined for a fleet never applied. */
export async function getFleetState(client: Client, fleet: string): Promise<FleetState | undefined> {
  try {
    return await client.workflow.getHandle(fleetWorkflowId(fleet)).query(fleetStateQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/** Compares the spec with the live state and what the fleet manages; changes nothing. */
export async function planFleet(
  client: Client,
  spec: FleetSpec,
  options: PlanFleetOptions = {},
): Promise<FleetPlan> {
  return (await planWithState(client, spec, options)).plan;
}

async function planWithState(client: Client, spec: FleetSpec, options: PlanFleetOptions) {
  const [live, state] = await Promise.all([readLiveState(client, options), getFleetState(client, spec.name)]);
  const plan = diffFleet(spec, live, state, {
    prune: options.prune ?? false,
    specDigest: specDigestOf(spec),
  });
  return { plan, state };
}

export interface ApplyFleetOptions extends PlanFleetOptions, ApplyOptions {
  /** The fleet run's priority; its children run at FLEET_PRIORITY, keyed by tenant for fairness. */
  priority?: Priority;
}

/** The apply under way: its run's workflow ID, its progress, and its result. */
export interface FleetApplyHandle {
  fleet: string;
  workflowId: string;
  plan: FleetPlan;
  /** Counts by state, and the tenants that failed and why (needs a worker up). */
  progress(): Promise<ApplyProgress>;
  /** Per store and tenant: done, or failed and why. A failed tenant does not fail the run. */
  result(): Promise<ApplyResult>;
}

/**
 * Applies the spec: with `saved`, exactly that plan, refused (`StalePlanError`, naming each
 * change) when the spec differs from the one it was made from or a fresh plan of the live state
 * differs from it; without, a fresh plan. The fleet's workflow runs the apply (refusing it while
 * another of the same fleet runs, naming that run: `WorkflowUpdateFailedError`), and checks the
 * plan against the live state once more before changing anything.
 */
export async function applyFleet(
  client: Client,
  spec: FleetSpec,
  saved?: FleetPlan,
  options: ApplyFleetOptions = {},
): Promise<FleetApplyHandle> {
  const { plan, state } = await planWithState(client, spec, {
    ...options,
    prune: options.prune ?? hasDeletions(saved),
  });
  if (saved) {
    const changes = planDifferences(saved, plan);
    if (changes.length > 0) throw new StalePlanError(spec.name, changes);
  }
  const taskQueue = options.taskQueue ?? DEFAULT_TASK_QUEUE;
  const start = new WithStartWorkflowOperation<typeof fleetWorkflow>('fleet', {
    workflowId: fleetWorkflowId(spec.name),
    taskQueue,
    args: [{ name: spec.name, ...resumedFrom(state) }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    priority: options.priority ?? { priorityKey: INTERACTIVE_PRIORITY },
    staticSummary: `Fleet ${spec.name}: what it manages, its applies one at a time, its drift`,
  });
  const applyOptions: ApplyOptions = {
    window: options.window ?? (await windowForBudgetOf(client, taskQueue)),
    continueAsNewAfterEvents: options.continueAsNewAfterEvents,
  };
  const { workflowId } = await client.workflow.executeUpdateWithStart(applyPlanUpdate, {
    args: [plan, applyOptions],
    startWorkflowOperation: start,
  });
  const handle: WorkflowHandle<typeof fleetApply> = client.workflow.getHandle(workflowId);
  return {
    fleet: spec.name,
    workflowId,
    plan,
    progress: () => handle.query(applyProgressQuery),
    result: () => handle.result(),
  };
}

/**
 * What a new fleet workflow starts from when the fleet's last one is closed (terminated, say):
 * what that run still answers the state query with, less the apply it was running, and its apply
 * count, so the plan just made from that state holds and no apply's workflow ID is used twice.
 * While the fleet's workflow runs, the start (and this) is ignored.
 */
function resumedFrom(state: FleetState | undefined): Omit<FleetInput, 'name'> {
  if (!state) return {};
  const { applying, ...rest } = state;
  const lastApply = applying?.workflowId ?? state.lastApply?.workflowId ?? '';
  const applies = Number(lastApply.slice(lastApply.lastIndexOf(':') + 1));
  return { state: rest, ...(Number.isSafeInteger(applies) && applies > 0 ? { applies } : {}) };
}

/** The window for the API budget the task queue's workers set on the server (`windowForApiRate`). */
async function windowForBudgetOf(client: Client, taskQueue: string): Promise<number> {
  const limit = await readApiBudget(client.connection, { namespace: client.options.namespace, taskQueue });
  return windowForApiRate(limit?.requestsPerSecond);
}

/** Where the live state differs from what the fleet last applied; changes nothing. */
export async function fleetDrift(
  client: Client,
  spec: FleetSpec,
  options: FleetOptions = {},
): Promise<DriftReport> {
  const [live, state] = await Promise.all([readLiveState(client, options), getFleetState(client, spec.name)]);
  return driftOf(state ?? { name: spec.name, stores: {}, tenants: {} }, live, spec.drift);
}

/**
 * Installs (or replaces) a Temporal Schedule that checks the fleet for drift every `every`
 * (`'15m'`, `'1h'`): each check marks the fleet's workflow with the `FleetDrift` search attribute
 * and details, and sets `reconcile` fields back. A check still running when the next is due is
 * skipped.
 */
export async function scheduleDriftChecks(
  client: Client,
  spec: FleetSpec,
  every: string,
  options: FleetOptions = {},
): Promise<string> {
  const scheduleId = fleetDriftScheduleId(spec.name);
  await client.schedule
    .getHandle(scheduleId)
    .delete()
    .catch((err: unknown) => {
      if (!(err instanceof Error && err.name === 'ScheduleNotFoundError')) throw err;
    });
  await client.schedule.create({
    scheduleId,
    spec: { intervals: [{ every: every as Duration }] },
    action: {
      type: 'startWorkflow',
      workflowType: 'fleetDriftCheck',
      workflowId: `fleet-drift-check:${spec.name}`,
      taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
      args: [{ fleet: spec.name, policies: spec.drift }],
    },
    policies: { overlap: 'SKIP' },
  });
  return scheduleId;
}

function hasDeletions(plan: FleetPlan | undefined): boolean {
  return plan?.items.some((item) => item.action === 'delete') ?? false;
}

/** What moved between a saved plan and a fresh one, one line each. */
export function planDifferences(saved: FleetPlan, fresh: FleetPlan): string[] {
  if (saved.fleet !== fresh.fleet) return [`the plan is of fleet ${saved.fleet}, the spec of ${fresh.fleet}`];
  if (saved.specDigest !== fresh.specDigest) return ['the spec changed since the plan was made'];
  const keyOf = (item: FleetPlan['items'][number]) =>
    item.kind === 'store' ? `store ${item.displayName}` : `tenant ${item.tenantId}`;
  const before = new Map(saved.items.map((item) => [keyOf(item), item]));
  const after = new Map(fresh.items.map((item) => [keyOf(item), item]));
  const changes: string[] = [];
  for (const [key, item] of before) {
    const now = after.get(key);
    if (now === undefined) changes.push(`${key}: planned to ${item.action}, now nothing to do`);
    else if (now.action !== item.action) changes.push(`${key}: planned to ${item.action}, now ${now.action}`);
    else if ('version' in item && 'version' in now && item.version !== now.version) {
      changes.push(`${key}: configuration version ${item.version} → ${now.version}`);
    } else if (canonicalJson(item) !== canonicalJson(now)) changes.push(`${key}: the live fields moved`);
  }
  for (const [key, item] of after) {
    if (!before.has(key)) changes.push(`${key}: now needs ${item.action}, not in the saved plan`);
  }
  return changes;
}
