/**
 * The budget is what keeps a fleet apply inside the account's limit. Against an emulator whose
 * account limit is 6 requests per second, `npm run worker` with ORCHESTRATOR_API_RATE=4 (set by
 * the worker on the server) applies a fleet of 12 tenants on 2 stores (two of them onboarded, so
 * their messages are sent too) with no 429 served; without the budget the same apply is
 * throttled (and still completes, each call retried after its Retry-After, nothing made twice).
 *
 * Why 4 and not 5: the server limits when calls are dispatched, and a request follows its
 * dispatch by the worker's latency. After a quiet second the server lets a burst of rate + 1 go
 * at once, as the account's bucket does with its 6, so a budget of 5 would leave no room for any
 * jitter between dispatch and request; at 4, a request may lag the others by up to 250 ms.
 * On a real dev server (server 1.32) with fairness and one task-queue partition.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { applyFleet, startProvisioning } from '../../src/client';
import { runScript, stopRunningScripts, type Run } from '../cli/processes';
import { fleetSpec, tenants } from '../fleet/fleet-rig';
import { useDevStack, workerEnvOf } from '../support/dev-stack';
import { wallClockInput } from '../support/inputs';

jest.setTimeout(240_000);

const TENANTS = 12;
/** The first tenants get an onboarding: a conversation and a message sent. */
const ONBOARDED = 2;
const API_RATE = 4;
const ACCOUNT_PER_SECOND = 6;

const stack = useDevStack({ worker: false, emulator: { accountLimit: { perSecond: ACCOUNT_PER_SECOND } } });
afterEach(stopRunningScripts);
// Each test's stores from a clean account: it holds at most 15.
beforeEach(() => stack.emulator.reset());

/** `npm run worker` on a queue of its own, polling (it bundles the workflows first). */
async function startWorker(taskQueue: string, apiRate?: number): Promise<Run> {
  const worker = runScript(
    'src/worker.ts',
    [],
    workerEnvOf(stack, taskQueue, apiRate === undefined ? {} : { ORCHESTRATOR_API_RATE: String(apiRate) }),
  );
  for (let i = 0; i < 1200 && !worker.stdout().includes('[worker] polling'); i += 1) {
    if (worker.child.exitCode !== null) break;
    await sleep(100);
  }
  if (!worker.stdout().includes('[worker] polling'))
    throw new Error(`the worker never polled:\n${worker.stdout()}${worker.stderr()}`);
  return worker;
}

/**
 * Applies a fleet of its own (the fleet's workflow, `fleet:<name>`, outlives the apply) to its
 * end: every store and tenant done, each tenant's configuration made once, each onboarding sent
 * once. The worker's first calls (its first connections) go out late, bunched with the next
 * ones, so one provisioning warms it first, as a worker that has been running is; then a quiet
 * second, so the apply meets the server's full burst and a full account bucket.
 */
async function applyTheFleet(apiRate?: number): Promise<void> {
  const taskQueue = `account-budget-${randomUUID()}`;
  await startWorker(taskQueue, apiRate);
  await (await startProvisioning(stack.client, wallClockInput(), { taskQueue })).result();
  stack.emulator.reset();
  await sleep(1_100);

  const spec = fleetSpec(tenants(TENANTS, { onboarding: (index) => index < ONBOARDED }));
  const apply = await applyFleet(stack.client, spec, undefined, { taskQueue, window: TENANTS });
  const result = await apply.result();
  // Its stores and tenants are the plan's items.
  expect(result.summary).toEqual({ done: 2 + TENANTS, failed: 0, pending: 0, running: 0 });
  const configurationIds = result.outcomes.flatMap((outcome) =>
    outcome.state === 'done' ? [outcome.configurationId] : [],
  );
  expect(new Set(configurationIds).size).toBe(TENANTS);
  expect(stack.emulator.summary()).toMatchObject({
    stores: 2,
    configurations: TENANTS,
    conversations: ONBOARDED,
    messagesSent: ONBOARDED,
  });
}

/** API requests the emulator received (429s included). */
function requestsServed(): number {
  return Object.values(stack.emulator.summary().requests).reduce((sum, count) => sum + count, 0);
}

test(`with ORCHESTRATOR_API_RATE=${API_RATE} the account (limit ${ACCOUNT_PER_SECOND}/s) serves a fleet apply no 429`, async () => {
  await applyTheFleet(API_RATE);
  expect(stack.emulator.summary().throttled).toBe(0);
  // At least three calls per tenant (create its configuration, poll the operation, read it back):
  // six times the account's burst, and more.
  expect(requestsServed()).toBeGreaterThanOrEqual(TENANTS * 3);
});

test('without the budget the same apply is throttled by the account, and still completes', async () => {
  await applyTheFleet();
  expect(stack.emulator.summary().throttled).toBeGreaterThan(0);
});
