/**
 * `readFleetState` on the time-skipping test server, against the emulator over HTTP: it walks
 * every page of stores and configurations, one activity per API call, and each walk is bounded.
 */
import { randomUUID } from 'node:crypto';
import type { ApplicationFailure } from '@temporalio/common';
import type { Page } from '../../src/api';
import { readFleetState } from '../../src/workflows';
import type { LiveState } from '../../src/workflows/fleet/definitions';
import { MAX_PAGES_PER_LIST, type ReadFleetStateInput } from '../../src/workflows/fleet/read-state';
import {
  applicationFailureOf,
  createConfigurationDirectly,
  createStoreDirectly,
  useTestBed,
  withApiOverrides,
  withRig,
  type Rig,
  type RigOptions,
} from '../workflows/support';

const bed = useTestBed();

type ReadOutcome = { ok: true; result: LiveState } | { ok: false; error: unknown };

/** The failure of a read that must fail. */
function failureOf(outcome: ReadOutcome): ApplicationFailure {
  if (outcome.ok) throw new Error(`expected the read to fail; it returned ${JSON.stringify(outcome.result)}`);
  return applicationFailureOf(outcome.error, 'workflow');
}

/** Runs `readFleetState` to its end; the outcome, and how many times each activity ran. */
async function read(
  rig: Rig,
  input: ReadFleetStateInput,
): Promise<{ outcome: ReadOutcome; activities: Record<string, number> }> {
  const worker = await rig.newWorker();
  const handle = await bed.env.client.workflow.start(readFleetState, {
    taskQueue: rig.taskQueue,
    workflowId: `read-fleet-state-${randomUUID()}`,
    args: [input],
  });
  const outcome = await worker.runUntil(
    handle.result().then(
      (result): ReadOutcome => ({ ok: true, result }),
      (error: unknown): ReadOutcome => ({ ok: false, error }),
    ),
  );
  const activities: Record<string, number> = {};
  for (const event of (await handle.fetchHistory()).events ?? []) {
    const name = event.activityTaskScheduledEventAttributes?.activityType?.name;
    if (name) activities[name] = (activities[name] ?? 0) + 1;
  }
  return { outcome, activities };
}

test('every page of stores and configurations is read, one activity per call; FAILED stores are left out', async () => {
  await withRig(bed, {}, async (rig) => {
    const stores = ['eu', 'us', 'apac'].map((name) => `${name}-${randomUUID().slice(0, 8)}`);
    const storeIds: string[] = [];
    for (const name of stores) storeIds.push(await createStoreDirectly(rig, name));
    // A store whose create FAILED: listed, but it holds nothing and its name is free.
    rig.emulator.addFault({
      kind: 'operation-fails',
      times: 1,
      match: { method: 'POST', path: '^/v1/ControlPlane/Stores$' },
      error: { title: 'Provisioning refused' },
    });
    const { operationId } = await rig.api.memory.createStore({
      displayName: `failed-${randomUUID().slice(0, 8)}`,
    });
    expect((await rig.api.memory.getOperation(operationId)).status).toBe('FAILED');
    const configurations = [];
    for (const [index, storeId] of [
      storeIds[0]!,
      storeIds[0]!,
      storeIds[1]!,
      storeIds[1]!,
      storeIds[2]!,
    ].entries()) {
      const displayName = `tenant ${index}`;
      configurations.push({
        id: await createConfigurationDirectly(rig, storeId, displayName),
        storeId,
        displayName,
      });
    }
    const before = rig.emulator.summary().requests;

    const { outcome, activities } = await read(rig, { pageSize: { stores: 2, configurations: 2 } });

    if (!outcome.ok) throw outcome.error;
    // The API names no order of its lists.
    const byId = <T extends { id: string }>(items: T[]) =>
      [...items].sort((a, b) => a.id.localeCompare(b.id));
    expect({
      stores: byId(outcome.result.stores),
      configurations: byId(outcome.result.configurations),
    }).toEqual({
      stores: byId(stores.map((displayName, index) => ({ id: storeIds[index]!, displayName }))),
      configurations: byId(configurations).map(({ id, storeId, displayName }) => ({
        id,
        storeId,
        displayName,
        version: 1,
        fields: {
          displayName,
          description: 'made outside the workflow',
          conversationGroupingType: 'GROUP_BY_PROFILE',
          memoryStoreId: storeId,
          // What the API shows for a field the create left out.
          memoryExtractionEnabled: false,
        },
      })),
    });
    // 4 stores in pages of 2, 5 configurations in pages of 2; each of the 4 stores read once.
    expect(activities).toEqual({ listStoreIdsPage: 2, listConfigurationsPage: 3, getStoreDetails: 4 });
    const after = rig.emulator.summary().requests;
    const made = (key: string) => (after[key] ?? 0) - (before[key] ?? 0);
    expect(made('GET /v1/ControlPlane/Stores')).toBe(2);
    expect(made('GET /v2/ControlPlane/Configurations')).toBe(3);
    expect(made('GET /v1/ControlPlane/Stores/{storeId}')).toBe(4);
  });
});

/** The rig with store pages answered by `page` (the n-th call's page) instead of the emulator. */
function storePages(page: (call: number) => Page<string>): RigOptions {
  let calls = 0;
  return {
    interceptApi: (api) =>
      withApiOverrides(api, 'memory', { listStoresPage: () => Promise.resolve(page(++calls)) }),
  };
}

const pageOf = (nextToken: string | null): Page<string> => ({
  items: [],
  meta: { key: 'stores', pageSize: 0, nextToken, previousToken: null },
});

test('pages that form a cycle fail the read, non-retryably, naming the list', async () => {
  await withRig(
    bed,
    storePages((call) => pageOf(call % 2 === 0 ? 'a' : 'b')),
    async (rig) => {
      const { outcome, activities } = await read(rig, {});
      const failure = failureOf(outcome);
      expect(failure.type).toBe('ApiResponseInvalid');
      expect(failure.nonRetryable).toBe(true);
      expect(failure.message).toBe(
        "listing memory stores: page 3 named a page already read; the server's pages form a cycle",
      );
      expect(activities.listStoreIdsPage).toBe(3);
    },
  );
});

test(`a list of more than ${MAX_PAGES_PER_LIST} pages fails the read after that many calls`, async () => {
  await withRig(
    bed,
    storePages((call) => pageOf(`page-${call + 1}`)),
    async (rig) => {
      const { outcome, activities } = await read(rig, {});
      const failure = failureOf(outcome);
      expect(failure.message).toBe(
        `listing memory stores: more than ${MAX_PAGES_PER_LIST} pages; no further page was requested`,
      );
      expect(activities.listStoreIdsPage).toBe(MAX_PAGES_PER_LIST);
    },
  );
});

test('a page size past what the API allows is refused before any call, naming the field', async () => {
  await withRig(bed, {}, async (rig) => {
    const { outcome, activities } = await read(rig, { pageSize: { stores: 101, configurations: 0 } });
    const failure = failureOf(outcome);
    expect(failure.type).toBe('InvalidInput');
    expect(failure.message).toBe(
      "Invalid fleet state read input: pageSize.stores: must be at most 100 (the API's maximum); " +
        'pageSize.configurations: must be at least 1',
    );
    expect(activities).toEqual({});
  });
});
