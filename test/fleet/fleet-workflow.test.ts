/**
 * The fleet's workflow on the time-skipping test server against the emulator over HTTP: it
 * serializes applies (a second one is refused, naming the first), refuses bad options by field,
 * keeps what drift checks find (the `FleetDrift` search attribute, its state and details), and
 * sets `reconcile` fields back.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { FleetDrift } from '../../src/workflows/definitions';
import {
  applyPlanUpdate,
  fleetApplyWorkflowId,
  type ManagedTenant,
} from '../../src/workflows/fleet/definitions';
import { currentDetailsOf, useTestBed, withRig, type Rig } from '../workflows/support';
import { FleetDriver, fleetSpec, tenants } from './fleet-rig';

const bed = useTestBed();

/** The error a promise rejects with (fails the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection; got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

/** The update refused by the fleet's validator, with its message. */
function refusal(error: unknown): string {
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (error as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return (cause as ApplicationFailure).message;
}

/** Changes a managed configuration's description straight through the API, as someone elsewhere would. */
async function editElsewhere(rig: Rig, managed: ManagedTenant, description: string): Promise<void> {
  const { version } = await rig.api.configurations.get(managed.configurationId);
  const edit = await rig.api.configurations.update(
    managed.configurationId,
    { ...managed.applied, description, version },
    { idempotencyKey: randomUUID() },
  );
  expect((await rig.api.configurations.getOperation(edit.operationId)).status).toBe('COMPLETED');
}

test('applies are serialized: a second one while the first runs is refused naming it, and bad options by field', async () => {
  await withRig(bed, {}, async (rig) => {
    const driver = new FleetDriver(bed, rig);
    const spec = fleetSpec(tenants(4));
    const worker = await rig.newWorker();
    await worker.runUntil(async () => {
      const plan = await driver.plan(spec);
      const first = await driver.startApply(plan, { window: 1 });
      expect(first).toBe(fleetApplyWorkflowId(spec.name, 1));
      expect((await driver.state(spec)).applying).toMatchObject({
        workflowId: first,
        planDigest: plan.specDigest,
      });

      const message = refusal(await rejection(driver.startApply(plan)));
      expect(message).toMatch(
        new RegExp(
          `^fleet ${spec.name} is being applied by ${first} \\(started .+\\): wait for it to end, then plan again$`,
        ),
      );

      const result = await driver.applyHandle(first).result();
      expect(result.summary).toMatchObject({ done: 6, failed: 0 });
      const state = await driver.settled(spec);
      expect(state.lastApply).toMatchObject({ workflowId: first, summary: result.summary });
      // One apply ran: one store and one configuration each, nothing from the refused one.
      expect(rig.emulator.summary()).toMatchObject({ stores: 2, configurations: 4 });

      expect(refusal(await rejection(driver.startApply(plan, { window: 0 })))).toBe(
        'Invalid apply options: window: must be at least 1',
      );
      const elsewhere = driver
        .handle(spec)
        .executeUpdate(applyPlanUpdate, { args: [{ ...plan, fleet: 'another' }] });
      expect(refusal(await rejection(elsewhere))).toBe(
        `fleet: this plan is for fleet another, and this workflow holds ${spec.name}`,
      );
      // Once idle, the next apply runs, numbered after the first.
      const again = await driver.plan(spec, { managed: state });
      expect(await driver.startApply(again)).toBe(fleetApplyWorkflowId(spec.name, 2));
      expect((await driver.settled(spec)).lastApply?.workflowId).toBe(fleetApplyWorkflowId(spec.name, 2));
    });
  });
});

test('a drift check reports the field that moved: FleetDrift, the state and the details say so, until it is back', async () => {
  await withRig(bed, {}, async (rig) => {
    const driver = new FleetDriver(bed, rig);
    const spec = fleetSpec(tenants(2));
    const worker = await rig.newWorker();
    await worker.runUntil(async () => {
      const { state } = await driver.apply(await driver.plan(spec));
      const fleetRun = driver.handle(spec);
      const driftOf = async () => (await fleetRun.describe()).typedSearchAttributes.get(FleetDrift);
      const inSync = await driver.checkDrift(spec);
      expect(inSync.tenants).toEqual({});
      await driver.tookIn(spec, inSync);
      expect(await driftOf()).toBe('in-sync');

      const managed = state.tenants['tenant-2']!;
      const { configurationId, applied } = managed;
      await editElsewhere(rig, managed, 'Edited elsewhere');
      const drifted = await driver.checkDrift(spec);
      expect(drifted.tenants).toEqual({
        'tenant-2': {
          fields: [
            { field: 'description', applied: applied.description, live: 'Edited elsewhere', policy: 'alert' },
          ],
        },
      });
      await driver.tookIn(spec, drifted);
      expect(await driftOf()).toBe('drifted');
      expect(await currentDetailsOf(fleetRun)).toContain('- `tenant-2`: description (alert)');
      // Alert only: nothing was set back.
      expect((await rig.api.configurations.get(configurationId)).description).toBe('Edited elsewhere');

      await editElsewhere(rig, managed, applied.description);
      const back = await driver.checkDrift(spec);
      expect(back.tenants).toEqual({});
      await driver.tookIn(spec, back);
      expect(await driftOf()).toBe('in-sync');
    });
  });
});

test('a field whose policy is reconcile is set back by an apply the fleet starts itself', async () => {
  await withRig(bed, {}, async (rig) => {
    const driver = new FleetDriver(bed, rig);
    const spec = fleetSpec(tenants(2), { drift: { description: 'reconcile' } });
    const worker = await rig.newWorker();
    await worker.runUntil(async () => {
      const { state } = await driver.apply(await driver.plan(spec));
      const managed = state.tenants['tenant-1']!;
      const { configurationId, applied } = managed;
      await editElsewhere(rig, managed, 'Edited elsewhere');

      const report = await driver.checkDrift(spec);
      expect(report.tenants['tenant-1']).toEqual({
        fields: [
          {
            field: 'description',
            applied: applied.description,
            live: 'Edited elsewhere',
            policy: 'reconcile',
          },
        ],
      });
      // The fleet starts the apply that sets it back on its own, once the report reaches it.
      const reconcile = fleetApplyWorkflowId(spec.name, 2);
      const after = await driver.until(spec, 'reconciled', (s) => s.lastApply?.workflowId === reconcile);
      const result = await driver.applyHandle(reconcile).result();
      expect(result.outcomes).toEqual([
        expect.objectContaining({ tenantId: 'tenant-1', state: 'done', action: 'update' }),
      ]);
      expect((await rig.api.configurations.get(configurationId)).description).toBe(applied.description);
      expect(after.tenants['tenant-1']!.applied).toEqual(applied);
      expect(after.tenants['tenant-1']!.version).toBeGreaterThan(state.tenants['tenant-1']!.version);
      expect((await driver.checkDrift(spec)).tenants).toEqual({});
    });
  });
});

test('a drift check of a fleet never applied fails, naming it', async () => {
  await withRig(bed, {}, async (rig) => {
    const driver = new FleetDriver(bed, rig);
    const worker = await rig.newWorker();
    const spec = fleetSpec(tenants(1));
    const error = await worker.runUntil(rejection(driver.checkDrift(spec)));
    expect(error).toBeInstanceOf(WorkflowFailedError);
    let cause: unknown = (error as WorkflowFailedError).cause;
    while (cause instanceof Error && !(cause instanceof ApplicationFailure)) cause = cause.cause;
    expect(cause).toMatchObject({
      type: 'FleetNotFound',
      message: `fleet ${spec.name} has no workflow (fleet:${spec.name}): it was never applied`,
    });
  });
});
