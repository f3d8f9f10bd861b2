/**
 * A fleet apply on the production topology (real Temporal server on PostgreSQL, two `npm run
 * worker` processes) through the worst of it: in the middle of the apply, with tenants in flight
 * and others still waiting, one worker is SIGKILLed and the server is SIGKILLed and restarted.
 * The apply resumes where it was and completes; the account holds exactly one configuration per
 * tenant and each onboarding message once; a second plan (`npm run orchestrator -- plan`) finds
 * nothing to change.
 */
import { join } from 'node:path';
import { applyFleet, getFleetState, loadFleetSpec, readLiveState } from '../../src/client';
import type { FleetSpec } from '../../src/workflows/fleet/definitions';
import { ROOT, runScript, stopRunningScripts } from '../cli/processes';
import { eventually, startClusterStack, type ClusterStack } from './support';

const SPEC_FILE = join(ROOT, 'examples', 'fleet.yaml');
/** Fewer tenants in flight than the spec has: some wait in the apply when it is interrupted. */
const WINDOW = 8;

let stack: ClusterStack;
let spec: FleetSpec;
beforeAll(async () => {
  spec = await loadFleetSpec(SPEC_FILE);
  stack = await startClusterStack();
});
afterAll(async () => {
  await stopRunningScripts();
  await stack?.stop();
});

/** Operations stay PENDING (latency one hour of the emulator's clock) until `advance`d past. */
function holdOperations() {
  stack.emulator.configure({ operationLatency: { ms: 3_600_000 } });
}
function completeHeldOperations() {
  stack.emulator.advanceClock(3_600_000);
}
function releaseOperations() {
  stack.emulator.configure({ operationLatency: { ms: 300 } });
  completeHeldOperations();
}

async function pendingOperations(count: number) {
  await eventually(`${count} operations pending`, 120_000, async () =>
    (await stack.emulatorState()).operations.pending === count ? true : undefined,
  );
}

test('a worker SIGKILLed and the server restarted mid-apply: every tenant once, then no changes', async () => {
  const { taskQueue } = stack;
  const tenants = spec.tenants.length;
  const stores = spec.stores.length;
  const onboardings = spec.tenants.filter((tenant) => tenant.onboarding).length;
  expect(tenants).toBeGreaterThan(WINDOW);
  const [doomed] = await Promise.all([stack.startWorker(), stack.startWorker()]);

  holdOperations();
  const apply = await applyFleet(stack.client, spec, undefined, { taskQueue, window: WINDOW });
  expect(apply.plan.summary).toMatchObject({ create: stores + tenants, update: 0, adopt: 0, delete: 0 });
  // The stores first, all at once; once they are there, a window of tenants waits on its
  // configurations.
  await pendingOperations(stores);
  completeHeldOperations();
  await pendingOperations(WINDOW);
  expect((await apply.progress()).summary).toEqual({
    done: stores,
    failed: 0,
    running: WINDOW,
    pending: tenants - WINDOW,
  });

  doomed.child.kill('SIGKILL');
  expect(await doomed.exited).toBe('SIGKILL');
  await stack.cluster.server.kill('SIGKILL');
  await stack.cluster.server.start();
  releaseOperations();

  const result = await apply.result();
  expect(result.summary).toEqual({ done: stores + tenants, failed: 0, pending: 0, running: 0 });
  expect((await stack.client.workflow.getHandle(apply.workflowId).describe()).status.name).toBe('COMPLETED');

  // Exactly one configuration per tenant, on its store; each onboarding conversation and message once.
  const live = await readLiveState(stack.client, { taskQueue });
  const storeIds = new Map(live.stores.map((store) => [store.displayName, store.id]));
  expect(live.configurations.map(({ storeId, displayName }) => `${storeId}/${displayName}`).sort()).toEqual(
    spec.tenants
      .map(({ store, configuration }) => `${storeIds.get(store)}/${configuration.displayName}`)
      .sort(),
  );
  expect(await stack.emulatorState()).toMatchObject({
    stores,
    configurations: tenants,
    conversations: onboardings,
    messagesSent: onboardings,
  });
  // The fleet took in the apply's outcome: it manages every tenant, each onboarded when asked.
  const state = await eventually('the fleet to take in the apply', 30_000, async () => {
    const current = await getFleetState(stack.client, spec.name);
    return current && !current.applying ? current : undefined;
  });
  expect(Object.keys(state.tenants).sort()).toEqual(spec.tenants.map((tenant) => tenant.id).sort());
  expect(
    Object.entries(state.tenants)
      .filter(([, tenant]) => tenant.onboarded)
      .map(([id]) => id)
      .sort(),
  ).toEqual(
    spec.tenants
      .filter((tenant) => tenant.onboarding)
      .map((tenant) => tenant.id)
      .sort(),
  );

  const plan = runScript('src/cli/orchestrator.ts', ['plan', SPEC_FILE], stack.env);
  const exit = await plan.exited;
  if (exit !== 0) throw new Error(`plan exited ${exit}:\n${plan.stderr()}`);
  expect(plan.stdout()).toContain(`No changes. Fleet ${spec.name} matches its spec`);
});
