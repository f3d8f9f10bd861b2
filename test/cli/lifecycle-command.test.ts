/**
 * `npm run provision -- teardown` and `-- cancel` in a child process against a real dev server
 * and worker (the e2e stack): tear down a provisioning and attach to the same teardown again,
 * tear down by explicit ID, refuse bad usage, cancel a provisioning during a wait and roll back.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProvisioning } from '../../src/client';
import { progressQuery, type ProvisionResult, type TeardownResult } from '../../src/workflows/definitions';
import { startDevStack, type DevStack } from '../support/dev-stack';
import { wallClockInput } from '../support/inputs';
import { cleanEnv, lastJsonObject, runScript, stopRunningScripts } from './processes';

jest.setTimeout(90_000);

let stack: DevStack;
let env: NodeJS.ProcessEnv;
const CLI = 'src/cli/provision.ts';

beforeAll(async () => {
  stack = await startDevStack();
  env = cleanEnv({ TEMPORAL_ADDRESS: stack.testEnv.address, TEMPORAL_TASK_QUEUE: stack.taskQueue });
});
afterEach(stopRunningScripts);
afterAll(() => stack?.stop());

async function provisioned(): Promise<{ workflowId: string; result: ProvisionResult }> {
  const handle = await startProvisioning(stack.client, wallClockInput(), { taskQueue: stack.taskQueue });
  return { workflowId: handle.workflowId, result: await handle.result() };
}

test('teardown WORKFLOW_ID removes what the provisioning made, live; the same command again attaches', async () => {
  const { workflowId, result: made } = await provisioned();
  const storesBefore = stack.emulator.summary().stores;

  const teardown = runScript(CLI, ['teardown', workflowId], env);
  expect(await teardown.exited).toBe(0);
  const report = lastJsonObject(teardown.stdout()) as TeardownResult;
  expect(report.resources).toEqual({
    conversation: { id: made.ids.conversationId, outcome: 'deleted' },
    configuration: { id: made.ids.configurationId, outcome: 'deleted' },
    memoryStore: { id: made.ids.memoryStoreId, outcome: 'deleted' },
  });
  expect(report.messages).toMatch(/cannot be unsent/);
  expect(teardown.stderr()).toContain(`Teardown teardown-${workflowId} (run `);
  expect(teardown.stderr()).toContain('  await-memory-store-deletion: done (');
  expect(stack.emulator.summary().stores).toBe(storesBefore - 1);

  const deletes = () => stack.emulator.summary().requests['DELETE /v1/ControlPlane/Stores/{storeId}'];
  const deletesBefore = deletes();
  const again = runScript(CLI, ['teardown', workflowId], env);
  expect(await again.exited).toBe(0);
  expect((lastJsonObject(again.stdout()) as TeardownResult).resources).toEqual(report.resources);
  expect(deletes()).toBe(deletesBefore);
});

test('teardown --store-id deletes a store named explicitly', async () => {
  const { result: made } = await provisioned();
  const { conversationId, configurationId, memoryStoreId } = made.ids;
  const teardown = runScript(
    CLI,
    [
      'teardown',
      '--conversation-id',
      conversationId!,
      '--configuration-id',
      configurationId,
      '--store-id',
      memoryStoreId,
    ],
    env,
  );
  expect(await teardown.exited).toBe(0);
  const report = lastJsonObject(teardown.stdout()) as TeardownResult;
  expect(Object.values(report.resources).map((removal) => removal?.outcome)).toEqual([
    'deleted',
    'deleted',
    'deleted',
  ]);
});

test('a FAILED delete: exit 1, the chain on stderr and what is left as JSON on stdout', async () => {
  const { workflowId, result: made } = await provisioned();
  stack.emulator.addFault({
    kind: 'operation-fails',
    match: { method: 'DELETE', path: '^/v2/ControlPlane/Configurations/' },
    error: { title: 'Deletion failed', detail: 'backend unavailable' },
    times: 1,
  });
  const teardown = runScript(CLI, ['teardown', workflowId], env);
  expect(await teardown.exited).toBe(1);
  expect(teardown.stderr()).toContain('[TeardownIncomplete]');
  const report = lastJsonObject(teardown.stdout()) as Pick<TeardownResult, 'resources'>;
  expect(report.resources.conversation).toEqual({ id: made.ids.conversationId, outcome: 'deleted' });
  expect(report.resources.configuration).toMatchObject({ id: made.ids.configurationId, outcome: 'kept' });
  expect(report.resources.memoryStore).toMatchObject({ id: made.ids.memoryStoreId, outcome: 'kept' });
});

test.each([
  { args: ['teardown'], message: 'nothing to tear down' },
  { args: ['teardown', 'provision-x', '--store-id', 'mem_store_x'], message: 'not both' },
  {
    args: ['teardown', '--store-id', 'not-a-store'],
    message: 'resources.memoryStore.id: must be an ID like mem_store_',
  },
  { args: ['teardown', 'provision-no-such-run'], message: 'no workflow with this ID' },
  { args: ['cancel'], message: 'cancel takes exactly one workflow ID' },
  {
    args: ['cancel', 'provision-no-such-run'],
    message: 'no provisioning with workflow ID provision-no-such-run',
  },
])('$args: exit 2, naming the problem, nothing started', async ({ args, message }) => {
  const run = runScript(CLI, args, env);
  expect(await run.exited).toBe(2);
  expect(run.stderr()).toContain(message);
});

test('cancel WORKFLOW_ID stops a provisioning in its wait; with rollback it removes its store and ends cancelled', async () => {
  stack.emulator.addFault({
    kind: 'operation-stuck',
    match: { method: 'POST', path: '^/v2/ControlPlane/Configurations$' },
    times: 1,
  });
  const input = { ...wallClockInput(), onFailure: 'rollback' as const };
  const dir = mkdtempSync(join(tmpdir(), 'cancel-'));
  writeFileSync(join(dir, 'input.json'), JSON.stringify(input));
  const started = runScript(CLI, ['--file', join(dir, 'input.json'), '--no-wait'], env);
  expect(await started.exited).toBe(0);
  const { workflowId } = JSON.parse(started.stdout()) as { workflowId: string };
  const handle = stack.client.workflow.getHandle(workflowId);
  for (let tries = 0; (await handle.query(progressQuery)).step !== 'await-configuration'; tries += 1) {
    if (tries > 100) throw new Error('the provisioning never reached await-configuration');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const storesBefore = stack.emulator.summary().stores;

  const cancel = runScript(CLI, ['cancel', workflowId], env);
  expect(await cancel.exited).toBe(0);
  const report = lastJsonObject(cancel.stdout()) as { ending: string; resources: Record<string, string> };
  expect(report.ending).toBe('cancelled');
  expect(report.resources).toMatchObject({ memoryStore: 'created', 'memoryStore.rollback': 'deleted' });
  expect(cancel.stderr()).toContain(`Cancel requested: ${workflowId}`);
  expect((await handle.describe()).status.name).toBe('CANCELLED');
  expect(stack.emulator.summary().stores).toBe(storesBefore - 1);

  const again = runScript(CLI, ['cancel', workflowId], env);
  expect(await again.exited).toBe(0);
  expect(again.stderr()).toContain('Cancel already-ended:CANCELLED');
});
