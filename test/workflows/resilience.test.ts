import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { WorkflowHandle } from '@temporalio/client';
import {
  progressQuery,
  StuckOperationId,
  type ProvisionProgress,
  type ProvisionStep,
} from '../../src/workflows/definitions';
import type { provisionOrchestrator } from '../../src/workflows';
import { provisionInput } from '../support/inputs';
import { provision, succeeded, useTestBed, withRig } from './support';

const bed = useTestBed();

const ONE_OF_EACH = { stores: 1, configurations: 1, conversations: 1, messagesSent: 1 };

test('each retry after a 429 waits the Retry-After the server asked for, not the backoff', async () => {
  const { outcome, summary } = await provision(
    bed,
    {
      faults: [
        {
          kind: 'status',
          status: 429,
          retryAfter: 5,
          times: 6,
          match: { path: '^/v1/ControlPlane/Stores$' },
        },
      ],
    },
    provisionInput(),
  );
  const result = succeeded(outcome);

  expect(summary).toMatchObject(ONE_OF_EACH);
  expect(summary.faultsServed).toEqual({ 429: 6 });
  // Six refusals, each followed by 5 s: 30 s. The backoff alone (1 + 2 + ... + 32 s) would take 63 s.
  expect(result.steps['create-memory-store'].elapsedMs).toBeGreaterThanOrEqual(30_000);
  expect(result.steps['create-memory-store'].elapsedMs).toBeLessThan(35_000);
});

test('a 429 whose Retry-After is 0 is retried after the backoff, and the provisioning completes', async () => {
  const { outcome, summary } = await provision(
    bed,
    {
      faults: [
        {
          kind: 'status',
          status: 429,
          retryAfter: 0,
          times: 2,
          match: { method: 'POST', path: '^/v2/Conversations$' },
        },
      ],
    },
    provisionInput(),
  );
  const result = succeeded(outcome);

  expect(summary).toMatchObject(ONE_OF_EACH);
  expect(summary.faultsServed).toEqual({ 429: 2 });
  expect(summary.requests['POST /v2/Conversations']).toBe(3);
  // No wait asked for: the retry policy's backoff (1 s, then 2 s) spaced the attempts.
  expect(result.steps['create-conversation'].elapsedMs).toBeGreaterThanOrEqual(3_000);
});

test('a 429 storm over every call is ridden out without duplicates', async () => {
  const { outcome, summary } = await provision(
    bed,
    { faults: [{ kind: 'status', status: 429, retryAfter: 1, rate: 0.5, times: 40 }] },
    provisionInput(),
  );
  succeeded(outcome);
  expect(summary).toMatchObject(ONE_OF_EACH);
  // The storm happened: every refused request was answered 429 and asked again. A provisioning
  // makes some twenty calls, so no 429 at all at a rate of 0.5 has a chance of about one in a million.
  const refused = summary.faultsServed['429'] ?? 0;
  expect(refused).toBeGreaterThan(0);
  expect(refused).toBeLessThanOrEqual(40);
  expect(Object.keys(summary.faultsServed)).toEqual(['429']);
});

test('503s with an HTTP-date Retry-After are retried', async () => {
  const { outcome, summary } = await provision(
    bed,
    {
      faults: [{ kind: 'status', status: 503, retryAfter: 'http-date', times: 2, match: { method: 'POST' } }],
    },
    provisionInput(),
  );
  succeeded(outcome);
  expect(summary).toMatchObject(ONE_OF_EACH);
  expect(summary.faultsServed).toEqual({ 503: 2 });
  expect(summary.requests['POST /v1/ControlPlane/Stores']).toBe(3);
});

test('an HTTP-date Retry-After on an operation read spaces the next poll', async () => {
  const { outcome, summary } = await provision(
    bed,
    {
      operationLatency: { polls: 2 },
      faults: [
        { kind: 'retry-after-date', seconds: 40, times: 1, match: { method: 'GET', path: 'Operations' } },
      ],
    },
    provisionInput(),
  );
  const result = succeeded(outcome);
  expect(summary.faultsServed).toEqual({ 'retry-after-date': 1 });
  expect(result.steps['await-memory-store'].polls).toBe(2);
  // An HTTP-date has whole seconds: 40 s ahead is at least 39 s away.
  expect(result.steps['await-memory-store'].elapsedMs).toBeGreaterThanOrEqual(39_000);
});

test('an absurdly large Retry-After is clamped to an hour, and waited in seconds of wall time', async () => {
  const wallStart = Date.now();
  const { outcome, summary } = await provision(
    bed,
    {
      faults: [
        {
          kind: 'status',
          status: 429,
          retryAfter: 10 ** 9,
          times: 1,
          match: { path: '^/v1/ControlPlane/Stores$' },
        },
      ],
    },
    provisionInput(),
  );
  const result = succeeded(outcome);
  const waited = result.steps['create-memory-store'].elapsedMs;
  expect(waited).toBeGreaterThanOrEqual(3_600_000);
  expect(waited).toBeLessThan(3_600_000 + 60_000);
  expect(summary).toMatchObject(ONE_OF_EACH);
  expect(summary.faultsServed).toEqual({ 429: 1 });
  expect(Date.now() - wallStart).toBeLessThan(15_000);
});

test('requests accepted but whose responses are lost create nothing twice and send the message once', async () => {
  const dropped = [
    '^/v1/ControlPlane/Stores$',
    '^/v2/ControlPlane/Configurations$',
    '^/v2/Conversations$',
    '/Actions$',
  ];
  const { outcome, summary } = await provision(
    bed,
    {
      // Settle at once: an Action whose creating response was lost is never read by ID.
      operationLatency: { ms: 0 },
      actionLatency: { ms: 0 },
      faults: dropped.map((path) => ({
        kind: 'accept-then-drop' as const,
        times: 1,
        match: { method: 'POST', path },
      })),
    },
    provisionInput(),
  );
  const result = succeeded(outcome);

  expect(summary).toMatchObject(ONE_OF_EACH);
  expect(summary.faultsServed).toEqual({ 'accept-then-drop': 4 });
  // The store's retry met "display name already exists" and adopted the store; the configuration's
  // retry sent the same Idempotency-Key; the conversation's retry found it by name before creating.
  expect(summary.requests['POST /v1/ControlPlane/Stores']).toBe(2);
  expect(summary.requests['POST /v2/ControlPlane/Configurations']).toBe(2);
  expect(summary.requests['POST /v2/Conversations']).toBe(1);
  expect(summary.requests['GET /v2/Conversations']).toBe(1);
  // The message was found in the conversation instead of being sent again.
  expect(summary.requests['POST /v2/Conversations/{conversationId}/Actions']).toBe(1);
  expect(result.ids.communicationId).toMatch(/^conv_communication_/);
  expect(result.ids.actionId).toBeUndefined();
});

test('a store adopted while still PROVISIONING (a rerun meets its display name) is awaited until ACTIVE', async () => {
  const displayName = `rerun-${randomUUID().slice(0, 8)}`;
  let earlierStoreId = '';
  const { outcome, summary, handle } = await provision(
    bed,
    // The earlier run's store takes 4 minutes of workflow time to become ACTIVE.
    { emulatorClock: 'workflow', operationLatency: { ms: 4 * 60_000 } },
    async (rig) => {
      await rig.followWorkflowTime();
      // An earlier run's create, accepted; its operation still pending.
      await rig.api.memory.createStore({ displayName });
      for await (const storeId of rig.api.memory.listStores()) earlierStoreId = storeId;
      expect((await rig.api.memory.getStore(earlierStoreId)).status).toBe('PROVISIONING');
      rig.emulator.configure({ operationLatency: { polls: 1 } });
      return provisionInput({ memoryStore: { displayName } });
    },
  );
  const result = succeeded(outcome);

  expect(result.ids.memoryStoreId).toBe(earlierStoreId);
  expect(summary).toMatchObject(ONE_OF_EACH);
  expect(summary.requests['POST /v1/ControlPlane/Stores']).toBe(2);
  // Read PROVISIONING more than once, then ACTIVE; about the 4 minutes the operation took.
  const awaited = result.steps['await-memory-store'];
  expect(awaited.polls).toBeGreaterThan(2);
  expect(awaited.elapsedMs).toBeGreaterThanOrEqual(200_000);
  expect(summary.requests['GET /v1/ControlPlane/Stores/{storeId}']).toBeGreaterThanOrEqual(awaited.polls);
  // Past the 3-minute stuck threshold, yet no operation was flagged: a store ID is not one.
  const { events } = await handle.fetchHistory();
  const flags = (events ?? []).filter(
    (event) =>
      event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.[
        StuckOperationId.name
      ],
  );
  expect(flags).toEqual([]);
});

async function waitForStep(
  handle: WorkflowHandle<typeof provisionOrchestrator>,
  step: ProvisionStep,
): Promise<ProvisionProgress> {
  for (;;) {
    const progress = await handle.query<ProvisionProgress>(progressQuery.name);
    if (progress.step === step) return progress;
    await delay(50);
  }
}

test('a worker stopped mid-flight is replaced and the provisioning completes without duplicates', async () => {
  await withRig(bed, { operationLatency: { polls: 3 } }, async (rig) => {
    const handle = await rig.start(provisionInput());
    // Without a workflow cache: the time-skipping test server never moves a task off a stopped
    // worker's sticky queue (a real server does after 5 s).
    const first = await rig.newWorker({ cacheWorkflows: false });
    const midway = await first.runUntil(waitForStep(handle, 'await-configuration'));
    // The progress query mid-run: the store is known, the steps so far are reported, no others.
    expect(midway.ids.memoryStoreId).toMatch(/^mem_store_/);
    expect(midway.ids.configurationId).toBeUndefined();
    expect(Object.keys(midway.steps)).toEqual([
      'create-memory-store',
      'await-memory-store',
      'create-configuration',
      'await-configuration',
    ]);
    expect(midway.steps['await-memory-store']).toMatchObject({ status: 'done', polls: 3 });
    expect(midway.steps['await-configuration']?.status).toBe('running');

    // A new worker knows nothing of the run: it replays the history, then carries on.
    const second = await rig.newWorker();
    const result = await second.runUntil(handle.result());

    expect(result.steps['await-configuration'].polls).toBe(3);
    expect(rig.emulator.summary()).toMatchObject(ONE_OF_EACH);
  });
});
