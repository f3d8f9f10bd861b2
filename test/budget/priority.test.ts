/**
 * Interactive work before fleet work: behind a low API budget, a provisioning a person starts
 * (INTERACTIVE_PRIORITY) completes before the fleet's provisionings queued ahead of it
 * (FLEET_PRIORITY, one fairnessKey per tenant), instead of waiting its turn behind them. And the
 * lifecycle's starts — provisioning, update, teardown — carry the interactive priority.
 * On a real dev server (server 1.32) with fairness on; one worker with ORCHESTRATOR_API_RATE=4.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { OrchestratorClient } from '../../src/api';
import { getProgress, startProvisioning, teardownProvisioning, updateConfiguration } from '../../src/client';
import { createWorker } from '../../src/worker';
import { workflowBundleOptions } from '../../src/workflow-bundle-options';
import { FLEET_PRIORITY, INTERACTIVE_PRIORITY } from '../../src/workflows/definitions';
import { useResources } from '../setup/resources';
import { STACK_CREDENTIALS, useDevStack } from '../support/dev-stack';
import { wallClockInput } from '../support/inputs';

jest.setTimeout(180_000);

/** Requests per second for the worker: each tenant's next call waits about TENANTS / RATE s. */
const RATE = 4;
const TENANTS = 10;

const resources = useResources();
const stack = useDevStack({ worker: false });
const taskQueue = `priority-${randomUUID()}`;

beforeAll(async () => {
  const workflowBundle = await bundleWorkflowCode(
    workflowBundleOptions({ logger: new DefaultLogger('ERROR') }),
  );
  const api = new OrchestratorClient({
    credentials: STACK_CREDENTIALS,
    conversationsBaseUrl: stack.emulator.url,
    memoryBaseUrl: stack.emulator.url,
  });
  resources.add(() => api.close());
  const worker = await createWorker({
    connection: stack.testEnv.nativeConnection,
    taskQueue,
    api,
    workflowBundle,
    apiRate: RATE,
  });
  resources.run(worker);
});

/** The run's priority as the server keeps it. */
async function priorityOf(handle: WorkflowHandle) {
  const { raw } = await handle.describe();
  return raw.workflowExecutionInfo?.priority;
}

/** When the run closed, on the server's clock. */
async function closedAt(handle: WorkflowHandle): Promise<number> {
  const { closeTime } = await handle.describe();
  if (!closeTime) throw new Error(`${handle.workflowId} has not closed`);
  return closeTime.getTime();
}

test('an interactive provisioning started behind a fleet of queued ones completes before them', async () => {
  const fleet = await Promise.all(
    Array.from({ length: TENANTS }, (_, i) =>
      startProvisioning(stack.client, wallClockInput(), {
        taskQueue,
        priority: { priorityKey: FLEET_PRIORITY, fairnessKey: `tenant-${i}` },
      }),
    ),
  );
  // Every tenant is under way (each has a call queued or running) before the person's starts.
  for (let i = 0; i < 300; i += 1) {
    const progress = await Promise.all(fleet.map((handle) => getProgress(handle).catch(() => undefined)));
    if (progress.every((p) => p?.steps['create-memory-store']?.status === 'done')) break;
    await sleep(100);
  }
  const interactive = await startProvisioning(stack.client, wallClockInput(), { taskQueue });

  await Promise.all([interactive, ...fleet].map((handle) => handle.result()));
  const interactiveClosed = await closedAt(interactive);
  const fleetClosed = await Promise.all(fleet.map(closedAt));
  const finishedBefore = fleetClosed.filter((time) => time < interactiveClosed).length;
  // At the fleet's priority it takes its turn with the tenants: it then finished after all ten.
  expect(finishedBefore).toBeLessThanOrEqual(1);
  expect(await priorityOf(interactive)).toMatchObject({ priorityKey: INTERACTIVE_PRIORITY });
  const fleetPriorities = await Promise.all(fleet.map(priorityOf));
  expect(fleetPriorities.map((p) => [p?.priorityKey, p?.fairnessKey])).toEqual(
    fleet.map((_, i) => [FLEET_PRIORITY, `tenant-${i}`]),
  );
});

test("a configuration's update and a teardown start at the interactive priority", async () => {
  const provisioning = await startProvisioning(stack.client, wallClockInput(), { taskQueue });
  const { ids } = await provisioning.result();

  const update = await updateConfiguration(
    stack.client,
    { configurationId: ids.configurationId, patch: { description: 'priority test' } },
    { taskQueue },
  );
  expect((await update.result()).applied).toBe(true);
  expect(await priorityOf(stack.client.workflow.getHandle(update.workflowId))).toMatchObject({
    priorityKey: INTERACTIVE_PRIORITY,
  });

  const teardown = await teardownProvisioning(stack.client, provisioning.workflowId, { taskQueue });
  await teardown.result();
  expect(await priorityOf(teardown)).toMatchObject({ priorityKey: INTERACTIVE_PRIORITY });
});
