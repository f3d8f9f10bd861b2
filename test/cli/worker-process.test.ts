/**
 * `npm run worker` as deployed: configured by environment only, it drains and exits 0 on
 * SIGTERM, and a provisioning it left mid-flight completes once a worker polls again.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { awaitProvisioning, getProgress, startProvisioning } from '../../src/client';
import { STACK_CREDENTIALS, startDevStack, workerEnvOf, type DevStack } from '../support/dev-stack';
import { wallClockInput } from '../support/inputs';
import { runScript, stopRunningScripts } from './processes';

jest.setTimeout(90_000);

let stack: DevStack;
beforeAll(async () => {
  stack = await startDevStack();
});
afterEach(stopRunningScripts);
afterAll(() => stack?.stop());

function startWorker(taskQueue: string) {
  return runScript('src/worker.ts', [], workerEnvOf(stack, taskQueue));
}

test('SIGTERM drains the worker, it exits 0; the provisioning resumes on the next worker', async () => {
  const taskQueue = `worker-process-${randomUUID()}`;
  // Store operations stay pending until the test moves the emulator's clock.
  stack.emulator.configure({ operationLatency: { ms: 3_600_000 } });
  const first = startWorker(taskQueue);
  const handle = await startProvisioning(stack.client, wallClockInput(), { taskQueue });
  for (let i = 0; i < 200; i += 1) {
    const progress = await getProgress(handle).catch(() => undefined);
    if (progress?.steps['await-memory-store']?.polls) break;
    await sleep(100);
  }

  first.child.kill('SIGTERM');
  expect(await first.exited).toBe(0);
  const firstOutput = first.stdout() + first.stderr();
  expect(firstOutput).toContain(`[worker] polling task queue ${taskQueue} on ${stack.testEnv.address}`);
  expect(firstOutput).toContain(`[worker] Orchestrator: ${stack.emulator.url} (auth token)`);
  expect(firstOutput).toContain('[worker] stopped');
  expect(firstOutput).not.toContain(STACK_CREDENTIALS.authToken);
  expect(firstOutput).not.toContain(STACK_CREDENTIALS.accountSid);
  expect((await handle.describe()).status.name).toBe('RUNNING');

  stack.emulator.configure({ operationLatency: { ms: 300 } });
  stack.emulator.advanceClock(3_600_000);
  startWorker(taskQueue); // stopped by stopRunningScripts
  const result = await awaitProvisioning(handle);
  expect(result.ids.communicationId).toMatch(/^conv_communication_/);
  expect(stack.emulator.summary()).toMatchObject({ stores: 1, messagesSent: 1 });
});
