/**
 * Fleet applies on the time-skipping test server against the emulator over HTTP, through the
 * fleet's workflow as the library applies: stores and tenants made (onboarding sent once), a
 * failing tenant that stops no other, the same spec applied again changing nothing, a stale
 * plan refused before anything changes, and a run that continues as new duplicating nothing.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import { temporal } from '@temporalio/proto';
import {
  LifecycleOperation,
  OrchestratorConfigurationId,
  OrchestratorStoreId,
  ProvisioningStep,
} from '../../src/workflows/definitions';
import { applyFleet, planFleet } from '../../src/lifecycle/fleet';
import {
  applyProgressQuery,
  fleetApplyWorkflowId,
  fleetTenantWorkflowId,
  type TenantOutcome,
} from '../../src/workflows/fleet/definitions';
import { createConfigurationDirectly, currentDetailsOf, useTestBed, withRig } from '../workflows/support';
import { configurationsByName, FleetDriver, fleetSpec, tenant, tenants } from './fleet-rig';

const bed = useTestBed();
const EventType = temporal.api.enums.v1.EventType;

function byTenant(outcomes: TenantOutcome[]): Record<string, TenantOutcome> {
  return Object.fromEntries(outcomes.map((outcome) => [outcome.tenantId, outcome]));
}

test('makes the stores and tenants, onboarding each tenant that has one once; the same spec again changes nothing', async () => {
  await withRig(bed, {}, async (rig) => {
    const driver = new FleetDriver(bed, rig);
    const spec = fleetSpec(tenants(5, { onboarding: (index) => index < 2 }));
    const worker = await rig.newWorker();
    await worker.runUntil(async () => {
      const plan = await driver.plan(spec);
      expect(plan.summary).toEqual({ create: 7, update: 0, adopt: 0, delete: 0, unchanged: 0 });

      const { result, state } = await driver.apply(plan, { window: 2 });
      expect(result.summary).toEqual({ done: 7, failed: 0, pending: 0, running: 0 });
      // The stores are made at once, so in whichever order they end.
      expect(result.stores.map((store) => [store.store, store.state, store.action]).sort()).toEqual([
        ['eu', 'done', 'create'],
        ['us', 'done', 'create'],
      ]);
      const outcomes = byTenant(result.outcomes);
      expect(Object.keys(outcomes).sort()).toEqual(spec.tenants.map((t) => t.id).sort());
      for (const [index, { id }] of spec.tenants.entries()) {
        expect(outcomes[id]).toMatchObject({ state: 'done', action: 'create', onboarded: index < 2 });
      }
      expect(rig.emulator.summary()).toMatchObject({
        stores: 2,
        configurations: 5,
        conversations: 2,
        messagesSent: 2,
      });

      // The fleet remembers what it made: stores by name, tenants with the configuration as applied.
      const live = await driver.live();
      expect(Object.keys(state.stores).sort()).toEqual(['eu', 'us']);
      for (const store of live.stores) expect(state.stores[store.displayName]).toEqual({ id: store.id });
      for (const [index, { id, configuration }] of spec.tenants.entries()) {
        const managed = state.tenants[id]!;
        const found = live.configurations.find((c) => c.id === managed.configurationId)!;
        expect(found.displayName).toBe(configuration.displayName);
        expect(managed.applied).toEqual(found.fields);
        expect(managed.version).toBe(found.version);
        expect(managed.onboarded).toBe(index < 2);
        expect(managed.conversationId !== undefined).toBe(index < 2);
      }
      expect(state.lastApply).toMatchObject({ summary: result.summary });

      // Each tenant's provisioning started with what is known of it, and wrote its step and IDs
      // to search attributes once, as it ended (a thousand tenants' upserts at every step cost).
      for (const { id } of spec.tenants) {
        const child = driver.client.workflow.getHandle(fleetTenantWorkflowId(spec.name, id, 'create'));
        const attributes = (await child.describe()).typedSearchAttributes;
        expect(attributes.get(LifecycleOperation)).toBe('provision');
        expect(attributes.get(ProvisioningStep)).toBe('completed');
        expect(attributes.get(OrchestratorStoreId)).toBe(
          state.stores[spec.tenants.find((t) => t.id === id)!.store]!.id,
        );
        expect(attributes.get(OrchestratorConfigurationId)).toBe(state.tenants[id]!.configurationId);
        const upserts = ((await child.fetchHistory()).events ?? []).filter(
          (event) => event.eventType === EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
        );
        expect(upserts).toHaveLength(1);
      }

      // The same spec again: nothing to do, and applying that changes nothing.
      const again = await driver.plan(spec, { managed: state });
      expect(again.items).toEqual([]);
      expect(again.summary).toEqual({ create: 0, update: 0, adopt: 0, delete: 0, unchanged: 7 });
      const before = rig.emulator.summary();
      const second = await driver.apply(again);
      expect(second.result.summary).toEqual({ done: 0, failed: 0, pending: 0, running: 0 });
      expect(rig.emulator.summary()).toMatchObject({
        stores: 2,
        configurations: 5,
        conversations: 2,
        messagesSent: 2,
        operations: before.operations,
      });
      expect(second.state.tenants).toEqual(state.tenants);
    });
  });
});

test('a tenant that fails stops no other: the result, the progress and the details name it and why', async () => {
  const failing = { title: 'Provisioning refused', detail: 'Region capacity exhausted', code: 520099 };
  await withRig(
    bed,
    {
      // The first configuration created fails; with a window of one, that is the first tenant's.
      faults: [
        {
          kind: 'operation-fails',
          times: 1,
          match: { method: 'POST', path: '^/v2/ControlPlane/Configurations$' },
          error: failing,
        },
      ],
    },
    async (rig) => {
      const driver = new FleetDriver(bed, rig);
      const spec = fleetSpec(tenants(4));
      const worker = await rig.newWorker();
      await worker.runUntil(async () => {
        const workflowId = await driver.startApply(await driver.plan(spec), { window: 1 });
        const result = await driver.applyHandle(workflowId).result();
        const state = await driver.settled(spec);

        expect(result.summary).toEqual({ done: 5, failed: 1, pending: 0, running: 0 });
        const outcomes = byTenant(result.outcomes);
        expect(outcomes['tenant-1']).toEqual({
          tenantId: 'tenant-1',
          state: 'failed',
          action: 'create',
          failure: expect.stringMatching(
            /^OperationFailed: configuration operation \S+ FAILED: Provisioning refused: Region capacity exhausted/,
          ) as string,
        });
        for (const id of ['tenant-2', 'tenant-3', 'tenant-4'])
          expect(outcomes[id]).toMatchObject({ state: 'done', action: 'create' });
        expect(rig.emulator.summary()).toMatchObject({
          configurations: 3,
          faultsServed: { 'operation-fails': 1 },
        });
        expect(Object.keys(state.tenants).sort()).toEqual(['tenant-2', 'tenant-3', 'tenant-4']);

        const handle = driver.applyHandle(workflowId);
        const progress = await handle.query(applyProgressQuery);
        const { failure } = outcomes['tenant-1'] as Extract<TenantOutcome, { state: 'failed' }>;
        expect(progress).toEqual({
          fleet: spec.name,
          summary: result.summary,
          failed: [{ tenantId: 'tenant-1', failure }],
          failedStores: [],
        });
        const details = await currentDetailsOf(handle);
        expect(details).toContain('**Done:** 5 · **Failed:** 1');
        expect(details).toContain('- tenant `tenant-1`: OperationFailed: configuration operation');
      });
    },
  );
});

test('a stale plan is refused naming each change, before anything changes', async () => {
  await withRig(bed, {}, async (rig) => {
    const driver = new FleetDriver(bed, rig);
    const spec = fleetSpec(tenants(2));
    const worker = await rig.newWorker();
    await worker.runUntil(async () => {
      const { state } = await driver.apply(await driver.plan(spec));

      // Planned: tenant-1's description changes, and tenant-3 is new.
      const changed = { ...spec, tenants: [...spec.tenants, tenant('tenant-3', 'eu')] };
      changed.tenants[0] = {
        ...changed.tenants[0]!,
        configuration: { ...changed.tenants[0]!.configuration, description: 'Night line' },
      };
      const plan = await driver.plan(changed, { managed: state });
      expect(plan.items.map((item) => `${item.action} ${'tenantId' in item ? item.tenantId : ''}`)).toEqual([
        'update tenant-1',
        'create tenant-3',
      ]);

      // Then, before it is applied, someone edits tenant-1 and makes tenant-3's configuration.
      const tenant1 = state.tenants['tenant-1']!;
      const current = await rig.api.configurations.get(tenant1.configurationId);
      const edit = await rig.api.configurations.update(
        tenant1.configurationId,
        { ...tenant1.applied, description: 'Edited elsewhere', version: current.version },
        { idempotencyKey: randomUUID() },
      );
      expect((await rig.api.configurations.getOperation(edit.operationId)).status).toBe('COMPLETED');
      const made3 = await createConfigurationDirectly(rig, state.stores['eu']!.id, 'tenant-3 support');
      const moved = (await rig.api.configurations.get(tenant1.configurationId)).version;
      const before = rig.emulator.summary();

      const workflowId = await driver.startApply(plan);
      const error = await driver
        .applyHandle(workflowId)
        .result()
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(WorkflowFailedError);
      const failure = (error as WorkflowFailedError).cause as ApplicationFailure;
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect(failure.type).toBe('StalePlan');
      expect(failure.nonRetryable).toBe(true);
      expect(failure.message).toBe(
        'the plan no longer matches the account, so nothing was applied: ' +
          `tenant tenant-1: version ${current.version} → ${moved}; tenant tenant-3: exists now (${made3}); plan again`,
      );

      // Nothing was sent but reads.
      const after = rig.emulator.summary();
      expect(after.operations).toEqual(before.operations);
      for (const [request, count] of Object.entries(after.requests))
        if (!request.startsWith('GET '))
          expect([request, count]).toEqual([request, before.requests[request]]);
      expect((await rig.api.configurations.get(tenant1.configurationId)).description).toBe(
        'Edited elsewhere',
      );

      const settled = await driver.settled(spec);
      expect(settled.lastApply).toMatchObject({ workflowId, failure: `StalePlan: ${failure.message}` });
      expect(settled.tenants).toEqual(state.tenants);
    });
  });
});

test('continues as new past its history threshold: each tenant made once, none twice', async () => {
  await withRig(bed, {}, async (rig) => {
    const driver = new FleetDriver(bed, rig);
    const spec = fleetSpec(tenants(8, { onboarding: (index) => index % 3 === 0 }));
    const worker = await rig.newWorker();
    await worker.runUntil(async () => {
      const { workflowId, result, state } = await driver.apply(await driver.plan(spec), {
        window: 2,
        continueAsNewAfterEvents: 60,
      });

      // It continued as new, each run short: walked back from the last run to the first.
      const runs: number[] = [];
      let runId: string | undefined;
      for (let run = 0; run < 20; run++) {
        const history = await driver.client.workflow.getHandle(workflowId, runId).fetchHistory();
        runs.unshift(history.events?.length ?? 0);
        runId =
          history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId ?? undefined;
        if (!runId) break;
      }
      console.log(`continue-as-new: ${runs.length} runs of ${runs.join(', ')} events`);
      expect(runs.length).toBeGreaterThanOrEqual(2);
      // Past 60 events a run starts no tenant and ends once the (at most 2) running ones do; each
      // adds at most 15: its child's 3 events, its read's 3, and up to 3 workflow tasks of 3.
      for (const events of runs) expect(events).toBeLessThanOrEqual(60 + 2 * 15 + 5);

      expect(result.summary).toEqual({ done: 10, failed: 0, pending: 0, running: 0 });
      expect(result.outcomes.map((o) => o.tenantId).sort()).toEqual(spec.tenants.map((t) => t.id).sort());
      expect(result.stores.map((s) => s.store).sort()).toEqual(['eu', 'us']);

      // Audited: one configuration per tenant, one message per onboarding, nothing else.
      const live = await driver.live();
      expect(configurationsByName(live)).toEqual(
        Object.fromEntries(spec.tenants.map((t) => [t.configuration.displayName, 1])),
      );
      expect(rig.emulator.summary()).toMatchObject({
        stores: 2,
        configurations: 8,
        conversations: 3,
        messagesSent: 3,
      });
      expect(Object.keys(state.tenants)).toHaveLength(8);
    });
  });
});

test('with prune, tenants and stores the spec no longer names are removed (onboarding conversation first) and forgotten', async () => {
  await withRig(bed, {}, async (rig) => {
    const driver = new FleetDriver(bed, rig);
    const spec = fleetSpec([
      tenant('tenant-1', 'eu', { onboarding: true }),
      tenant('tenant-2', 'us'),
      tenant('tenant-3', 'eu'),
    ]);
    const worker = await rig.newWorker();
    await worker.runUntil(async () => {
      const { state } = await driver.apply(await driver.plan(spec));
      expect(rig.emulator.summary()).toMatchObject({ stores: 2, configurations: 3, conversations: 1 });

      const smaller = { ...spec, stores: spec.stores.slice(0, 1), tenants: spec.tenants.slice(2) };
      const plan = await driver.plan(smaller, { prune: true, managed: state });
      expect(plan.items.map((item) => [item.kind, item.action])).toEqual([
        ['tenant', 'delete'],
        ['tenant', 'delete'],
        ['store', 'delete'],
      ]);
      const { result, state: after } = await driver.apply(plan);
      expect(result.summary).toEqual({ done: 3, failed: 0, pending: 0, running: 0 });
      expect(result.stores).toEqual([
        { store: 'us', state: 'done', action: 'delete', storeId: state.stores['us']!.id },
      ]);
      expect(rig.emulator.summary()).toMatchObject({ stores: 1, configurations: 1, conversations: 0 });
      expect(after.stores).toEqual({ eu: state.stores['eu'] });
      expect(after.tenants).toEqual({ 'tenant-3': state.tenants['tenant-3'] });
    });
  });
});

test('a fleet whose workflow was terminated applies again from what that run managed: nothing made twice', async () => {
  await withRig(bed, {}, async (rig) => {
    const driver = new FleetDriver(bed, rig);
    const spec = fleetSpec(tenants(2));
    const worker = await rig.newWorker();
    await worker.runUntil(async () => {
      const options = { taskQueue: rig.taskQueue };
      const first = await applyFleet(driver.client, spec, undefined, options);
      expect((await first.result()).summary).toMatchObject({ done: 4, failed: 0 });
      const before = await driver.settled(spec);
      await driver.handle(spec).terminate('reset by a person');

      // One tenant more, on a store the terminated run made: planned from that run's state.
      const grown = { ...spec, tenants: tenants(3) };
      const second = await applyFleet(driver.client, grown, undefined, options);
      expect(second.plan.items.map((item) => [item.kind, item.action])).toEqual([['tenant', 'create']]);
      expect(second.workflowId).toBe(fleetApplyWorkflowId(spec.name, 2));
      expect((await second.result()).summary).toEqual({ done: 1, failed: 0, pending: 0, running: 0 });

      const after = await driver.settled(spec);
      expect(after.stores).toEqual(before.stores);
      expect(Object.keys(after.tenants).sort()).toEqual(['tenant-1', 'tenant-2', 'tenant-3']);
      expect(rig.emulator.summary()).toMatchObject({ stores: 2, configurations: 3 });
      expect((await planFleet(driver.client, grown, options)).items).toEqual([]);
    });
  });
});
