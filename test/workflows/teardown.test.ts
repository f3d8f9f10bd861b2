/**
 * The teardown workflow over the real emulator: removes what a provisioning made in dependency
 * order; what is already gone, a lost DELETE response, a FAILED delete operation, given resources
 * and dependents all end in a report resource by resource.
 */
import { randomUUID } from 'node:crypto';
import { Worker } from '@temporalio/worker';
import type { OrchestratorApi } from '../../src/api';
import { teardownProvisioning, teardownResources, type StartedTeardown } from '../../src/lifecycle/teardown';
import type { ProvisionResult, TeardownResult } from '../../src/workflows/definitions';
import { FailureType } from '../../src/workflows/failure-types';
import type { ProvisionInput } from '../../src/workflows/provision-input';
import { provisionInput } from '../support/inputs';
import {
  applicationFailureOf,
  createConfigurationDirectly,
  createStoreDirectly,
  withRig,
  useTestBed,
  type Rig,
  type RigOptions,
} from './support';

const bed = useTestBed();

type TeardownOutcome = { ok: true; result: TeardownResult } | { ok: false; error: unknown };

async function settle<T>(
  promise: Promise<T>,
): Promise<{ ok: true; result: T } | { ok: false; error: unknown }> {
  return promise.then(
    (result) => ({ ok: true as const, result }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

/**
 * Provisions, lets `between` change the emulator (delete something, add a fault), then tears the
 * provisioning down through the library; `after` runs while the worker still runs. Returns both
 * results and the emulator's state afterwards.
 */
async function provisionThenTearDown(
  options: RigOptions,
  input: ProvisionInput | ((rig: Rig) => Promise<ProvisionInput>),
  between: (rig: Rig, provisioned: ProvisionResult) => Promise<void> | void = () => undefined,
  after: (rig: Rig, teardown: StartedTeardown) => Promise<void> = async () => {},
) {
  return withRig(bed, options, async (rig) => {
    const worker = await rig.newWorker();
    return worker.runUntil(async () => {
      const provisioning = await rig.start(typeof input === 'function' ? await input(rig) : input);
      const provisioned = await provisioning.result();
      await between(rig, provisioned);
      const teardown = await teardownProvisioning(bed.env.client, provisioning.workflowId, {
        taskQueue: rig.taskQueue,
      });
      const outcome = await settle(teardown.result());
      await after(rig, teardown);
      return { provisioned, provisioning, teardown, outcome, summary: rig.emulator.summary() };
    });
  });
}

function tornDown(outcome: TeardownOutcome): TeardownResult {
  if (!outcome.ok) throw outcome.error;
  return outcome.result;
}

/** Deletes straight through the API and waits for the operation (set-up outside the workflow). */
async function deleteDirectly(api: OrchestratorApi, resource: Resource, id: string): Promise<void> {
  const key = { idempotencyKey: randomUUID() };
  const accepted =
    resource === 'conversation'
      ? await api.conversations.delete(id, key)
      : resource === 'configuration'
        ? await api.configurations.delete(id, key)
        : await api.memory.deleteStore(id);
  const read = () =>
    resource === 'memoryStore'
      ? api.memory.getOperation(accepted.operationId)
      : api.configurations.getOperation(accepted.operationId);
  for (let polls = 0; polls < 10; polls += 1) if ((await read()).status === 'COMPLETED') return;
  throw new Error(`set-up: deleting ${resource} ${id} did not complete`);
}

type Resource = 'conversation' | 'configuration' | 'memoryStore';
const ORDER: Resource[] = ['conversation', 'configuration', 'memoryStore'];
const ID_OF = {
  conversation: 'conversationId',
  configuration: 'configurationId',
  memoryStore: 'memoryStoreId',
} as const;
const DELETE_PATH: Record<Resource, string> = {
  conversation: '^/v2/Conversations/',
  configuration: '^/v2/ControlPlane/Configurations/',
  memoryStore: '^/v1/ControlPlane/Stores/',
};
const DELETE_REQUEST: Record<Resource, string> = {
  conversation: 'DELETE /v2/Conversations/{conversationId}',
  configuration: 'DELETE /v2/ControlPlane/Configurations/{configurationId}',
  memoryStore: 'DELETE /v1/ControlPlane/Stores/{storeId}',
};

test('removes conversation, configuration and store in order; the emulator is back to zero; the same request attaches', async () => {
  let again: StartedTeardown | undefined;
  let history: Awaited<ReturnType<StartedTeardown['fetchHistory']>> | undefined;
  const { provisioned, provisioning, teardown, outcome, summary } = await provisionThenTearDown(
    {},
    provisionInput(),
    undefined,
    async (rig, first) => {
      history = await first.fetchHistory();
      again = await teardownProvisioning(bed.env.client, first.workflowId.slice('teardown-'.length), {
        taskQueue: rig.taskQueue,
      });
    },
  );
  const result = tornDown(outcome);
  const { ids } = provisioned;
  expect(result.resources).toEqual({
    conversation: { id: ids.conversationId, outcome: 'deleted' },
    configuration: { id: ids.configurationId, outcome: 'deleted' },
    memoryStore: { id: ids.memoryStoreId, outcome: 'deleted' },
  });
  expect(result.messages).toMatch(/cannot be unsent/);
  expect(Object.values(result.steps).map((step) => step?.status)).toEqual(Array(6).fill('done'));
  expect(summary).toMatchObject({ stores: 0, configurations: 0, conversations: 0 });
  expect(summary.operations.failed).toBe(0);
  for (const resource of ORDER) expect(summary.requests[DELETE_REQUEST[resource]]).toBe(1);
  expect(teardown.workflowId).toBe(`teardown-${provisioning.workflowId}`);
  // Determinism: the recorded history replays against the current workflow code.
  await Worker.runReplayHistory({ workflowBundle: bed.workflowBundle }, history!, teardown.workflowId);
  // The same request once more: the completed teardown is attached to, not run again (one DELETE each above).
  expect(again?.firstExecutionRunId).toBe(teardown.firstExecutionRunId);
});

test.each(ORDER)(
  'a %s already gone (with what it holds) counts as already-gone, not as a failure',
  async (gone) => {
    const { provisioned, outcome, summary } = await provisionThenTearDown(
      {},
      provisionInput(),
      async (rig, made) => {
        for (const resource of ORDER.slice(0, ORDER.indexOf(gone) + 1))
          await deleteDirectly(rig.api, resource, made.ids[ID_OF[resource]]!);
      },
    );
    const result = tornDown(outcome);
    ORDER.forEach((resource, i) => {
      const expected = i <= ORDER.indexOf(gone) ? 'already-gone' : 'deleted';
      expect(result.resources[resource]).toEqual({ id: provisioned.ids[ID_OF[resource]], outcome: expected });
    });
    expect(summary).toMatchObject({ stores: 0, configurations: 0, conversations: 0 });
  },
);

test.each(ORDER)(
  'a lost response to the %s DELETE: the retry finds it deleted, nothing fails',
  async (lost) => {
    const { outcome, summary } = await provisionThenTearDown({}, provisionInput(), (rig) => {
      rig.emulator.addFault({
        kind: 'accept-then-drop',
        match: { method: 'DELETE', path: DELETE_PATH[lost] },
        times: 1,
      });
    });
    const result = tornDown(outcome);
    for (const resource of ORDER) expect(result.resources[resource]?.outcome).toBe('deleted');
    expect(summary).toMatchObject({ stores: 0, configurations: 0, conversations: 0 });
    // The lost one was sent again: replayed by its Idempotency-Key, or (a store) deleted by the second.
    expect(summary.requests[DELETE_REQUEST[lost]]).toBe(2);
  },
);

test('a FAILED delete operation keeps that resource and what holds it, and fails the run with the report', async () => {
  const { provisioned, outcome, summary } = await provisionThenTearDown({}, provisionInput(), (rig) => {
    rig.emulator.addFault({
      kind: 'operation-fails',
      match: { method: 'DELETE', path: DELETE_PATH.configuration },
      error: { title: 'Deletion failed', detail: 'backend unavailable' },
      times: 1,
    });
  });
  expect(outcome.ok).toBe(false);
  const failure = applicationFailureOf(!outcome.ok && outcome.error, 'workflow');
  expect(failure.type).toBe(FailureType.TeardownIncomplete);
  expect(failure.nonRetryable).toBe(true);
  expect(failure.message).toContain(`configuration ${provisioned.ids.configurationId} failed`);
  const [report] = failure.details as [{ resources: TeardownResult['resources'] }];
  expect(report.resources.conversation).toEqual({ id: provisioned.ids.conversationId, outcome: 'deleted' });
  expect(report.resources.configuration).toMatchObject({ outcome: 'kept' });
  expect(report.resources.configuration).toHaveProperty(
    'reason',
    expect.stringMatching(/FAILED: Deletion failed: backend unavailable/),
  );
  expect(report.resources.memoryStore).toMatchObject({ outcome: 'kept' });
  expect(report.resources.memoryStore).toHaveProperty('reason', expect.stringMatching(/^not attempted: /));
  expect(summary).toMatchObject({ stores: 1, configurations: 1, conversations: 0 });
  expect(summary.requests[DELETE_REQUEST.memoryStore]).toBeUndefined();
});

test('a given store is kept, with the reason; named explicitly, it is deleted', async () => {
  let explicit: TeardownOutcome | undefined;
  const { provisioned, outcome, summary } = await provisionThenTearDown(
    {},
    async (rig) =>
      provisionInput({
        memoryStore: { existingStoreId: await createStoreDirectly(rig, `given-${randomUUID().slice(0, 8)}`) },
      }),
    undefined,
    async (rig, teardown) => {
      const store = (await teardown.result()).resources.memoryStore!;
      expect(rig.emulator.summary().stores).toBe(1);
      const named = await teardownResources(
        bed.env.client,
        { storeId: store.id },
        { taskQueue: rig.taskQueue },
      );
      explicit = await settle(named.result());
    },
  );
  const result = tornDown(outcome);
  expect(result.resources.memoryStore).toMatchObject({ id: provisioned.ids.memoryStoreId, outcome: 'kept' });
  expect(result.resources.memoryStore).toHaveProperty(
    'reason',
    expect.stringMatching(/given to the provisioning/),
  );
  expect(result.resources.configuration?.outcome).toBe('deleted');
  expect(tornDown(explicit!).resources).toEqual({
    memoryStore: { id: provisioned.ids.memoryStoreId, outcome: 'deleted' },
  });
  expect(summary.stores).toBe(0);
});

test('a store that still holds a configuration this teardown did not remove is kept, naming it; a new request removes it later', async () => {
  let other = '';
  let sameRequest: TeardownResult | undefined;
  let newRequest: TeardownResult | undefined;
  const { provisioned, outcome, summary } = await provisionThenTearDown(
    {},
    provisionInput(),
    async (rig, made) => {
      other = await createConfigurationDirectly(rig, made.ids.memoryStoreId, 'someone else');
    },
    async (rig, teardown) => {
      expect(rig.emulator.summary()).toMatchObject({ stores: 1, configurations: 1, conversations: 0 });
      await deleteDirectly(rig.api, 'configuration', other);
      const options = { taskQueue: rig.taskQueue };
      const provisioningId = teardown.workflowId.slice('teardown-'.length);
      // The same request returns the completed teardown; one with its own requestId runs anew.
      sameRequest = await (await teardownProvisioning(bed.env.client, provisioningId, options)).result();
      const retry = await teardownProvisioning(bed.env.client, provisioningId, {
        ...options,
        requestId: 'retry',
      });
      expect(retry.workflowId).toBe(`${teardown.workflowId}:retry`);
      newRequest = await retry.result();
    },
  );
  const result = tornDown(outcome);
  expect(result.resources.configuration).toEqual({ id: provisioned.ids.configurationId, outcome: 'deleted' });
  expect(result.resources.memoryStore).toMatchObject({ outcome: 'kept' });
  expect(result.resources.memoryStore).toHaveProperty('reason', expect.stringContaining(other));
  expect(sameRequest?.resources).toEqual(result.resources);
  expect(newRequest?.resources).toEqual({
    conversation: { id: provisioned.ids.conversationId, outcome: 'already-gone' },
    configuration: { id: provisioned.ids.configurationId, outcome: 'already-gone' },
    memoryStore: { id: provisioned.ids.memoryStoreId, outcome: 'deleted' },
  });
  expect(summary).toMatchObject({ stores: 0, configurations: 0, conversations: 0 });
});

test('a configuration with a conversation left in it: the API refuses (409) and it is kept with the API reason', async () => {
  await withRig(bed, {}, async (rig) => {
    const worker = await rig.newWorker();
    await worker.runUntil(async () => {
      const provisioned = await (await rig.start(provisionInput())).result();
      const { configurationId, conversationId } = provisioned.ids;
      const teardown = await teardownResources(
        bed.env.client,
        { configurationId },
        { taskQueue: rig.taskQueue },
      );
      const result = await teardown.result();
      expect(result.resources.configuration).toMatchObject({ id: configurationId, outcome: 'kept' });
      expect(result.resources.configuration).toHaveProperty(
        'reason',
        expect.stringMatching(new RegExp(`refused.*still has conversation\\(s\\) ${conversationId}`)),
      );
      expect(rig.emulator.summary()).toMatchObject({ configurations: 1, conversations: 1 });
    });
  });
});

test('a provisioning still running is refused before anything starts', async () => {
  await withRig(bed, {}, async (rig) => {
    // No worker: the provisioning stays RUNNING.
    const provisioning = await rig.start(provisionInput());
    await expect(
      teardownProvisioning(bed.env.client, provisioning.workflowId, { taskQueue: rig.taskQueue }),
    ).rejects.toThrow(/still running; cancel it first/);
    await provisioning.terminate();
  });
});

test('a failed provisioning is torn down from what its progress query recorded (ids and resources)', async () => {
  await withRig(bed, {}, async (rig) => {
    const worker = await rig.newWorker();
    await worker.runUntil(async () => {
      const input = provisionInput();
      input.message.to = [{ address: '+15555550000', channel: 'SMS' }]; // the message FAILS
      const provisioning = await rig.start(input);
      await expect(provisioning.result()).rejects.toThrow();
      expect(rig.emulator.summary()).toMatchObject({ stores: 1, configurations: 1, conversations: 1 });

      const teardown = await teardownProvisioning(bed.env.client, provisioning.workflowId, {
        taskQueue: rig.taskQueue,
      });
      const result = await teardown.result();
      expect(Object.values(result.resources).map((removal) => removal?.outcome)).toEqual([
        'deleted',
        'deleted',
        'deleted',
      ]);
      expect(rig.emulator.summary()).toMatchObject({ stores: 0, configurations: 0, conversations: 0 });
    });
  });
});
