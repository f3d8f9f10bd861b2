/**
 * The fleet workflows on the time-skipping test server against the emulator over HTTP: a spec
 * with unique names, its plan from the account as `readFleetState` reads it (as the library
 * plans), applied through the fleet's workflow (update-with-start, as the library applies).
 */
import { createHash, randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, type WorkflowHandle } from '@temporalio/client';
import { canonicalJson } from '../../src/common/canonical-json';
import { fleet, fleetApply, readFleetState } from '../../src/workflows';
import {
  applyPlanUpdate,
  fleetStateQuery,
  fleetWorkflowId,
  type ApplyOptions,
  type FleetPlan,
  type FleetSpec,
  type FleetState,
  type FleetTenantSpec,
  type LiveState,
} from '../../src/workflows/fleet/definitions';
import { planFleet } from '../../src/workflows/fleet/plan';
import { CUSTOMER_ADDRESS, SENDER_ADDRESS } from '../support/inputs';
import type { Rig, TestBed } from '../workflows/support';

/** A tenant on store `store`; with `onboarding`, its conversation and welcome message. */
export function tenant(id: string, store: string, { onboarding = false } = {}): FleetTenantSpec {
  return {
    id,
    store,
    configuration: { displayName: `${id} support`, description: `Support line of ${id}` },
    ...(onboarding
      ? {
          onboarding: {
            conversation: {
              name: `${id}-welcome`,
              participants: [
                { type: 'CUSTOMER', addresses: [{ channel: 'SMS', address: CUSTOMER_ADDRESS }] },
              ],
            },
            message: {
              from: { address: SENDER_ADDRESS, channel: 'SMS' },
              to: [{ address: CUSTOMER_ADDRESS, channel: 'SMS' }],
              text: `Welcome, ${id}`,
            },
          },
        }
      : {}),
  };
}

/** A fleet of its own name (workflow IDs are unique per test server) on stores `eu` and `us`. */
export function fleetSpec(tenants: FleetTenantSpec[], overrides: Partial<FleetSpec> = {}): FleetSpec {
  return {
    name: `fleet-${randomUUID().slice(0, 8)}`,
    stores: [
      { displayName: 'eu', description: 'Tenants in Europe' },
      { displayName: 'us', description: 'Tenants in America' },
    ],
    tenants,
    ...overrides,
  };
}

/** `tenant-1` … `tenant-n`, alternating between the stores. */
export function tenants(count: number, options: { onboarding?: (index: number) => boolean } = {}) {
  return Array.from({ length: count }, (_, index) =>
    tenant(`tenant-${index + 1}`, index % 2 === 0 ? 'eu' : 'us', { onboarding: options.onboarding?.(index) }),
  );
}

export class FleetDriver {
  constructor(
    private readonly bed: TestBed,
    private readonly rig: Rig,
  ) {}

  /** The account as `readFleetState` reads it. */
  async live(): Promise<LiveState> {
    return this.bed.env.client.workflow.execute(readFleetState, {
      taskQueue: this.rig.taskQueue,
      workflowId: `read-fleet-state-${randomUUID()}`,
      args: [{}],
    });
  }

  /** The fleet's workflow; it exists once a plan was applied. */
  handle(spec: Pick<FleetSpec, 'name'>): WorkflowHandle<typeof fleet> {
    return this.bed.env.client.workflow.getHandle(fleetWorkflowId(spec.name));
  }

  async state(spec: Pick<FleetSpec, 'name'>): Promise<FleetState> {
    return this.handle(spec).query(fleetStateQuery);
  }

  /** The plan of `spec` against the account now and what the fleet manages (none before its first apply). */
  async plan(spec: FleetSpec, { prune = false, managed }: { prune?: boolean; managed?: FleetState } = {}) {
    return planFleet(spec, await this.live(), managed, {
      prune,
      specDigest: createHash('sha256').update(canonicalJson(spec)).digest('hex'),
    });
  }

  /** Hands the plan to the fleet's workflow (starting it when none runs); the apply's workflow ID. */
  async startApply(plan: FleetPlan, options?: ApplyOptions): Promise<string> {
    const startWorkflowOperation = new WithStartWorkflowOperation(fleet, {
      workflowId: fleetWorkflowId(plan.fleet),
      taskQueue: this.rig.taskQueue,
      args: [{ name: plan.fleet }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    const { workflowId } = await this.bed.env.client.workflow.executeUpdateWithStart(applyPlanUpdate, {
      args: options === undefined ? [plan] : [plan, options],
      startWorkflowOperation,
    });
    return workflowId;
  }

  applyHandle(workflowId: string): WorkflowHandle<typeof fleetApply> {
    return this.bed.env.client.workflow.getHandle(workflowId);
  }

  /** Applies the plan to its end; the apply's result, and the fleet's state once it took it in. */
  async apply(plan: FleetPlan, options?: ApplyOptions) {
    const workflowId = await this.startApply(plan, options);
    const result = await this.applyHandle(workflowId).result();
    return { workflowId, result, state: await this.settled({ name: plan.fleet }) };
  }

  /** The fleet's state once no apply runs (it takes an ended apply in on its next task). */
  async settled(spec: Pick<FleetSpec, 'name'>): Promise<FleetState> {
    for (let read = 0; read < 100; read++) {
      const state = await this.state(spec);
      if (state.applying === undefined) return state;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`fleet ${spec.name} still applying after 100 reads`);
  }
}

/** The configurations of the account by display name, to tell that none was made twice. */
export function configurationsByName(live: LiveState): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { displayName } of live.configurations) counts[displayName] = (counts[displayName] ?? 0) + 1;
  return counts;
}
