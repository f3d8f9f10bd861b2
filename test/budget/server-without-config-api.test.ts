/**
 * A server without the task-queue config API (servers before 1.29; here the time-skipping test
 * server, which answers UNIMPLEMENTED): a worker given a rate refuses to start, saying why and
 * what to do, instead of running without the budget it was asked for; one given none starts,
 * and its log line calls the limit unknown.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { OrchestratorClient } from '../../src/api';
import { DEFAULT_EMULATOR_CREDENTIALS } from '../../src/emulator';
import {
  ApiBudgetUnavailableError,
  describeApiBudget,
  readApiBudget,
} from '../../src/temporal/task-queue-budget';
import { resolveTemporalBinary } from '../../src/toolchain/temporal-binaries';
import { createWorker } from '../../src/worker';
import { workflowBundleOptions } from '../../src/workflow-bundle-options';
import { useResources } from '../setup/resources';

const resources = useResources();
let testEnv: TestWorkflowEnvironment;
beforeAll(async () => {
  testEnv = await resources.start(
    TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: resolveTemporalBinary('test-server').executable },
    }),
    (env) => env.teardown(),
  );
});

// Never called: no activity runs here.
const api = new OrchestratorClient({
  credentials: DEFAULT_EMULATOR_CREDENTIALS,
  conversationsBaseUrl: 'http://127.0.0.1:9',
  memoryBaseUrl: 'http://127.0.0.1:9',
});
afterAll(() => api.close());

test('a worker given a rate refuses to start, naming the variable, the server answer and what to do', async () => {
  const starting = createWorker({
    connection: testEnv.nativeConnection,
    taskQueue: 'no-config-api',
    api,
    searchAttributes: 'skip',
    apiRate: 5,
  });
  await expect(starting).rejects.toThrow(ApiBudgetUnavailableError);
  await expect(starting).rejects.toThrow(
    /^ORCHESTRATOR_API_RATE \(createWorker's apiRate\) is set, but the Temporal server refused to set the rate limit of task queue no-config-api \(UNIMPLEMENTED.*\)\. The task-queue config API needs Temporal server 1\.29 or later/,
  );
});

test('a worker given none starts; the limit is reported as unknown', async () => {
  const workflowBundle = await bundleWorkflowCode(
    workflowBundleOptions({ logger: new DefaultLogger('ERROR') }),
  );
  const worker = await createWorker({
    connection: testEnv.nativeConnection,
    taskQueue: 'no-config-api',
    api,
    workflowBundle,
    searchAttributes: 'skip',
  });
  await worker.runUntil(Promise.resolve());
  const limit = await readApiBudget(testEnv.connection, { namespace: 'default', taskQueue: 'no-config-api' });
  expect(limit).toBeUndefined();
  expect(describeApiBudget(limit, undefined)).toMatch(
    /^unknown: the server does not report task queue limits/,
  );
});
