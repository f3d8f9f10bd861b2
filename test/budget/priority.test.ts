/**
 * Interactive work before fleet work: behind a low API budget, a provisioning a person starts
 * (INTERACTIVE_PRIORITY) while a fleet apply has all its tenants' provisionings under way
 * (children at FLEET_PRIORITY, one fairnessKey per tenant) completes before them, instead of
 * waiting its turn behind them. And the lifecycle's starts — provisioning, update, teardown —
 * carry the interactive priority.
 * On a real dev server (server 1.32) with fairness on; one worker with ORCHESTRATOR_API_RATE=4.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { OrchestratorClient } from '../../src/api';
import {
  applyFleet,
  getProgress,
  startProvisioning,
  teardownProvisioning,
  updateConfiguration,
  type ProvisioningHandle,
} from '../../src/client';
import { createWorker } from '../../src/worker';
import { workflowBundleOptions } from '../../src/workflow-bundle-options';
import {
  FLEET_PRIORITY,
  INTERACTIVE_PRIORITY,
  type ProvisionProgress,
} from '../../src/workflows/definitions';
import { fleetTenantWorkflowId } from '../../src/workflows/fleet/definitions';
import { fleetSpec, tenants } from '../fleet/fleet-rig';
import { useResources } from '../setup/resources';
import { STACK_CREDENTIALS, useDevStack } from '../support/dev-stack';
import { wallClockInput } from '../support/inputs';

jest.setTimeout(180_000);

/** Requests per second for the worker: each tenant's next call waits about TENANTS / RATE s. */
const RATE = 4;
/** The fleet's tenants, on its two stores, all in flight at once (the apply's window). */
const TENANTS = 18;

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

/**
 * Once every tenant's child is at its configuration step: each has its first call queued or made,
 * and all of its calls after it (the operation's polls and more) still to come. Read every
 * 100 ms, at most 300 times.
 */
async function everyTenantUnderWay(children: ProvisioningHandle[]): Promise<void> {
  const started = (p: ProvisionProgress | undefined) =>
    ['running', 'done'].includes(p?.steps['create-configuration']?.status ?? 'not started');
  for (let read = 0; read < 300; read += 1) {
    const progress = await Promise.all(children.map((child) => getProgress(child).catch(() => undefined)));
    if (progress.every(started)) return;
    await sleep(100);
  }
  throw new Error("the fleet's tenants were still not all under way after 300 reads");
}

test("an interactive provisioning started during a fleet apply completes before the fleet's tenants", async () => {
  const spec = fleetSpec(tenants(TENANTS));
  const apply = await applyFleet(stack.client, spec, undefined, { taskQueue, window: TENANTS });
  const children: ProvisioningHandle[] = spec.tenants.map(({ id }) =>
    stack.client.workflow.getHandle(fleetTenantWorkflowId(spec.name, id, 'create')),
  );
  await everyTenantUnderWay(children);
  const interactive = await startProvisioning(stack.client, wallClockInput(), { taskQueue });

  const [result] = await Promise.all([apply.result(), interactive.result()]);
  expect(result.summary).toEqual({ done: 2 + TENANTS, failed: 0, pending: 0, running: 0 });
  const interactiveClosed = await closedAt(interactive);
  const childrenClosed = await Promise.all(children.map(closedAt));
  const finishedBefore = childrenClosed.filter((time) => time < interactiveClosed).length;
  // At the fleet's priority it would take its turn with the tenants, one call in each round of
  // their keys, and with more calls to make than any of them it then closes after all of them.
  expect(finishedBefore).toBeLessThanOrEqual(2);
  expect(await priorityOf(interactive)).toMatchObject({ priorityKey: INTERACTIVE_PRIORITY });
  const childPriorities = await Promise.all(children.map(priorityOf));
  expect(childPriorities.map((p) => [p?.priorityKey, p?.fairnessKey])).toEqual(
    spec.tenants.map(({ id }) => [FLEET_PRIORITY, id]),
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
