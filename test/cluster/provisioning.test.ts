/**
 * A provisioning on the production topology (real Temporal server on PostgreSQL, `npm run worker`
 * processes, the Web UI server), through the library and through `npm run provision`; the
 * provisioning's search attributes find runs by step in SQL visibility.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { awaitProvisioning, getProgress, startProvisioning } from '../../src/client';
import type { ProvisionResult } from '../../src/workflows/definitions';
import { lastJsonObject, runScript, stopRunningScripts } from '../cli/processes';
import { wallClockInput } from '../support/inputs';
import { eventually, startClusterStack, type ClusterStack } from './support';

let stack: ClusterStack;
beforeAll(async () => {
  stack = await startClusterStack({ ui: true });
  await stack.startWorker();
});
afterAll(async () => {
  await stopRunningScripts();
  await stack?.stop();
});

/** Workflow IDs of the runs a visibility query lists (at most 100). */
async function listIds(query: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const run of stack.client.workflow.list({ query, pageSize: 100 })) {
    ids.push(run.workflowId);
    if (ids.length >= 100) break;
  }
  return ids;
}

test('the library starts a provisioning, follows it and gets its result', async () => {
  const before = await stack.emulatorState();
  const handle = await startProvisioning(stack.client, wallClockInput(), { taskQueue: stack.taskQueue });
  const result = await awaitProvisioning(handle);

  expect(result.ids.communicationId).toMatch(/^conv_communication_/);
  expect(result.origins).toEqual({
    memoryStore: 'created',
    configuration: 'created',
    conversation: 'created',
    message: 'sent',
  });
  expect((await getProgress(handle)).step).toBe('completed');
  const after = await stack.emulatorState();
  expect(after.stores - before.stores).toBe(1);
  expect(after.messagesSent - before.messagesSent).toBe(1);
});

test('npm run provision starts one from a file and follows it to its result', async () => {
  const input = wallClockInput();
  const file = join(tmpdir(), `cluster-input-${input.provisioningId}.json`);
  writeFileSync(file, JSON.stringify(input));

  const cli = runScript('src/cli/provision.ts', ['--file', file], stack.env);
  expect(await cli.exited).toBe(0);
  const result = lastJsonObject(cli.stdout()) as ProvisionResult;
  expect(result.ids.communicationId).toMatch(/^conv_communication_/);

  const { status } = await stack.client.workflow.getHandle(`provision-${input.provisioningId}`).describe();
  expect(status.name).toBe('COMPLETED');
});

test('visibility finds runs by step: one waiting on its memory store, one completed', async () => {
  const done = await startProvisioning(stack.client, wallClockInput(), { taskQueue: stack.taskQueue });
  await awaitProvisioning(done);
  // Store operations stay PENDING from here on: the next run waits at await-memory-store.
  stack.emulator.configure({ operationLatency: { ms: 3_600_000 } });
  const waiting = await startProvisioning(stack.client, wallClockInput(), { taskQueue: stack.taskQueue });
  try {
    const byStep = (step: string, workflowId: string) =>
      eventually(`${workflowId} listed at ${step}`, 30_000, async () => {
        const ids = await listIds(`ProvisioningStep = "${step}" AND WorkflowId = "${workflowId}"`);
        return ids.length === 1 ? ids : undefined;
      });
    await byStep('completed', done.workflowId);
    await byStep('await-memory-store', waiting.workflowId);

    const completed = await listIds(`ProvisioningStep = "completed" AND TaskQueue = "${stack.taskQueue}"`);
    expect(completed).toContain(done.workflowId);
    expect(completed).not.toContain(waiting.workflowId);
  } finally {
    await waiting.terminate('test over');
    stack.emulator.configure({ operationLatency: { ms: 300 } });
  }
});

test('the Web UI server answers for a run with its history', async () => {
  const handle = await startProvisioning(stack.client, wallClockInput(), { taskQueue: stack.taskQueue });
  await awaitProvisioning(handle);
  const api = `${stack.cluster.uiUrl}/api/v1/namespaces/${stack.cluster.namespace}/workflows/${encodeURIComponent(handle.workflowId)}`;

  const response = await fetch(api, { signal: AbortSignal.timeout(10_000) });
  expect(response.status).toBe(200);
  const body = (await response.json()) as {
    workflowExecutionInfo: { execution: { workflowId: string }; status: string; type: { name: string } };
  };
  expect(body.workflowExecutionInfo.execution.workflowId).toBe(handle.workflowId);
  expect(body.workflowExecutionInfo.type.name).toBe('provisionOrchestrator');
  expect(body.workflowExecutionInfo.status).toBe('WORKFLOW_EXECUTION_STATUS_COMPLETED');

  const page = await fetch(`${stack.cluster.uiUrl}/namespaces/default/workflows`, {
    signal: AbortSignal.timeout(10_000),
  });
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<html');
});
