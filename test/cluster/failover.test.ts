/**
 * Failures of the production topology: a worker process SIGKILLed while two share a task queue,
 * and the Temporal server itself SIGKILLed and restarted, each in the middle of a batch. Every
 * provisioning completes, and the emulator's counts show nothing was created or sent twice.
 */
import { awaitProvisioning, startProvisioning, type StartedProvisioning } from '../../src/client';
import type { EmulatorStateSummary } from '../../src/emulator';
import { stopRunningScripts } from '../cli/processes';
import { wallClockInput } from '../support/inputs';
import { eventually, startClusterStack, type ClusterStack } from './support';

let stack: ClusterStack;
/** The batches share one store: the API allows 15 per account. */
let storeId: string;
beforeAll(async () => {
  stack = await startClusterStack();
  const worker = await stack.startWorker();
  const first = await startProvisioning(stack.client, wallClockInput(), { taskQueue: stack.taskQueue });
  storeId = (await awaitProvisioning(first)).ids.memoryStoreId;
  worker.child.kill('SIGTERM');
  await worker.exited;
});
afterAll(async () => {
  await stopRunningScripts();
  await stack?.stop();
});

/** Operations stay PENDING until `releaseOperations`: a batch waits mid-way, wherever its runs are. */
function holdOperations() {
  stack.emulator.configure({ operationLatency: { ms: 3_600_000 } });
}
function releaseOperations() {
  stack.emulator.configure({ operationLatency: { ms: 300 } });
  stack.emulator.advanceClock(3_600_000);
}

/**
 * Starts `count` provisionings and waits until each waits on its configuration operation (the
 * emulator counts a configuration once its operation completes).
 */
async function startBatch(count: number, before: EmulatorStateSummary): Promise<StartedProvisioning[]> {
  const handles = await Promise.all(
    Array.from({ length: count }, () =>
      startProvisioning(
        stack.client,
        { ...wallClockInput(), memoryStore: { existingStoreId: storeId } },
        {
          taskQueue: stack.taskQueue,
        },
      ),
    ),
  );
  await eventually(`${count} configuration operations pending`, 60_000, async () => {
    const { operations } = await stack.emulatorState();
    return operations.pending - before.operations.pending === count || undefined;
  });
  return handles;
}

/** Every run completed, with resources of its own, and the emulator holds exactly one set each. */
async function expectEachDoneOnce(handles: StartedProvisioning[], before: EmulatorStateSummary) {
  const results = await Promise.all(handles.map((handle) => awaitProvisioning(handle)));
  const after = await stack.emulatorState();
  expect({
    stores: after.stores - before.stores,
    configurations: after.configurations - before.configurations,
    conversations: after.conversations - before.conversations,
    messagesSent: after.messagesSent - before.messagesSent,
  }).toEqual({
    stores: 0,
    configurations: handles.length,
    conversations: handles.length,
    messagesSent: handles.length,
  });
  expect(new Set(results.map((r) => r.ids.configurationId)).size).toBe(handles.length);
  expect(new Set(results.map((r) => r.ids.communicationId)).size).toBe(handles.length);
  for (const handle of handles) expect((await handle.describe()).status.name).toBe('COMPLETED');
}

test('two workers, one SIGKILLed mid-batch: all 20 provisionings complete, none duplicated', async () => {
  const before = await stack.emulatorState();
  const [doomed] = await Promise.all([stack.startWorker(), stack.startWorker()]);
  holdOperations();
  const handles = await startBatch(20, before);

  doomed.child.kill('SIGKILL');
  expect(await doomed.exited).toBe('SIGKILL');
  releaseOperations();

  await expectEachDoneOnce(handles, before);
});

test('the server SIGKILLed and restarted mid-batch: all complete from the state in PostgreSQL', async () => {
  const before = await stack.emulatorState();
  await stack.startWorker(); // beside the survivor of the previous test, when it ran first
  holdOperations();
  const handles = await startBatch(10, before);

  await stack.cluster.server.kill('SIGKILL');
  await stack.cluster.server.start();
  releaseOperations();

  await expectEachDoneOnce(handles, before);
});
