/**
 * The fleet workflows on the time-skipping test server against the emulator over HTTP: a spec
 * with unique names, its plan from the account as `readFleetState` reads it (as the library
 * plans), applied through the fleet's workflow (update-with-start, as the library applies).
 *
 * In real time: the fleet's workflow is long-lived and sets no timer, so on the test server its
 * only one is the server's default run timeout, ten years on. The test bed's client skips time
 * whenever nothing runs while it awaits a result, and the moment between one awaited run's end
 * and the next call is such a time: the skip lands on that timeout, and the fleet is gone. So
 * the driver's client never skips; the emulator settles operations on their first poll, after
 * the 202's one-second Retry-After.
 */
import { createHash, randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { Client, WithStartWorkflowOperation, type WorkflowHandle } from '@temporalio/client';
import { canonicalJson } from '../../src/common/canonical-json';
import { fleet, fleetApply, fleetDriftCheck, readFleetState } from '../../src/workflows';
import {
  applyPlanUpdate,
  fleetStateQuery,
  fleetWorkflowId,
  type ApplyOptions,
  type DriftReport,
  type FleetPlan,
  type FleetSpec,
  type FleetState,
  type FleetTenantSpec,
  type LiveState,
} from '../../src/workflows/fleet/definitions';
import { planFleet } from '../../src/workflows/fleet/plan';
import { CUSTOMER_ADDRESS, SENDER_ADDRESS } from '../support/inputs';
import type { Rig, TestBed } from '../workflows/support';
import { fleetSpec as specFixture, tenant as specTenant } from './spec-fixtures';

/** A tenant on store `store` (the pure modules' fixture); with `onboarding`, its conversation and welcome message. */
export function tenant(id: string, store: string, { onboarding = false } = {}): FleetTenantSpec {
  if (!onboarding) return specTenant(id, store);
  return specTenant(id, store, {
    onboarding: {
      conversation: {
        name: `${id}-welcome`,
        participants: [{ type: 'CUSTOMER', addresses: [{ channel: 'SMS', address: CUSTOMER_ADDRESS }] }],
      },
      message: {
        from: { address: SENDER_ADDRESS, channel: 'SMS' },
        to: [{ address: CUSTOMER_ADDRESS, channel: 'SMS' }],
        text: `Welcome, ${id}`,
      },
    },
  });
}

/** The fixture's stores `eu` and `us`, with these tenants, under a name of its own (workflow IDs are unique per test server). */
export function fleetSpec(tenants: FleetTenantSpec[], overrides: Partial<FleetSpec> = {}): FleetSpec {
  return specFixture({ name: `fleet-${randomUUID().slice(0, 8)}`, tenants, ...overrides });
}

/** `tenant-1` … `tenant-n`, alternating between the stores. */
export function tenants(count: number, options: { onboarding?: (index: number) => boolean } = {}) {
  return Array.from({ length: count }, (_, index) =>
    tenant(`tenant-${index + 1}`, index % 2 === 0 ? 'eu' : 'us', { onboarding: options.onboarding?.(index) }),
  );
}

export class FleetDriver {
  /** A client of the test server that leaves its time alone (see above). */
  readonly client: Client;

  constructor(
    bed: TestBed,
    private readonly rig: Rig,
  ) {
    this.client = new Client({ connection: bed.env.connection, namespace: bed.env.namespace });
  }

  /** The account as `readFleetState` reads it. */
  async live(): Promise<LiveState> {
    return this.client.workflow.execute(readFleetState, {
      taskQueue: this.rig.taskQueue,
      workflowId: `read-fleet-state-${randomUUID()}`,
      args: [{}],
    });
  }

  /** The fleet's workflow; it exists once a plan was applied. */
  handle(spec: Pick<FleetSpec, 'name'>): WorkflowHandle<typeof fleet> {
    return this.client.workflow.getHandle(fleetWorkflowId(spec.name));
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
    const { workflowId } = await this.client.workflow.executeUpdateWithStart(applyPlanUpdate, {
      args: options === undefined ? [plan] : [plan, options],
      startWorkflowOperation,
    });
    return workflowId;
  }

  /** A drift check of the fleet, as its Schedule starts one; its report. */
  async checkDrift(spec: FleetSpec) {
    return this.client.workflow.execute(fleetDriftCheck, {
      taskQueue: this.rig.taskQueue,
      workflowId: `fleet-drift-check-${randomUUID()}`,
      args: [{ fleet: spec.name, policies: spec.drift }],
    });
  }

  applyHandle(workflowId: string): WorkflowHandle<typeof fleetApply> {
    return this.client.workflow.getHandle(workflowId);
  }

  /** Applies the plan to its end; the apply's result, and the fleet's state once it took it in. */
  async apply(plan: FleetPlan, options?: ApplyOptions) {
    const workflowId = await this.startApply(plan, options);
    const result = await this.applyHandle(workflowId).result();
    return { workflowId, result, state: await this.settled({ name: plan.fleet }) };
  }

  /** The fleet's state once no apply runs (it takes an ended apply in on its next task). */
  async settled(spec: Pick<FleetSpec, 'name'>): Promise<FleetState> {
    return this.until(spec, 'no apply runs', (state) => state.applying === undefined);
  }

  /** The fleet's state once the drift check's signal reached it (the check ends once the signal is sent). */
  async tookIn(spec: Pick<FleetSpec, 'name'>, report: DriftReport): Promise<FleetState> {
    return this.until(spec, 'the drift report taken in', (state) =>
      isDeepStrictEqual(state.lastDrift, report),
    );
  }

  /** The fleet's state once `holds` is true of it: read every 100 ms, at most 300 times. */
  async until(
    spec: Pick<FleetSpec, 'name'>,
    what: string,
    holds: (state: FleetState) => boolean,
  ): Promise<FleetState> {
    for (let read = 0; read < 300; read++) {
      const state = await this.state(spec);
      if (holds(state)) return state;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`fleet ${spec.name}: still not "${what}" after 300 reads`);
  }
}

/** The configurations of the account by display name, to tell that none was made twice. */
export function configurationsByName(live: LiveState): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { displayName } of live.configurations) counts[displayName] = (counts[displayName] ?? 0) + 1;
  return counts;
}
