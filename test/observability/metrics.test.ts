/**
 * `npm run worker` with `TEMPORAL_METRICS_PROMETHEUS_ADDRESS` serves the Temporal runtime's
 * metrics and the toolkit's own on /metrics. The worker runs in a child process, as deployed:
 * `Runtime.install` (which takes the Prometheus address) can run once per process, and jest's
 * process installed its runtime already.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { awaitProvisioning, startProvisioning } from '../../src/client';
import { runScript, stopRunningScripts } from '../cli/processes';
import { useDevStack, workerEnvOf } from '../support/dev-stack';
import { wallClockInput } from '../support/inputs';
import { freePort, scrapeUntil, sum } from './prometheus';
import { ONE_POLL_RATE_LIMITED, RATE_LIMITED_RETRY_AFTER_SECONDS } from './support';

jest.setTimeout(120_000);

// The worker runs in a child process of its own.
const stack = useDevStack({ emulator: ONE_POLL_RATE_LIMITED, worker: false });
afterEach(stopRunningScripts);

test('after two provisionings, /metrics shows their polls, waits, rate limit, message and outcomes', async () => {
  const taskQueue = `metrics-${randomUUID()}`;
  const address = `127.0.0.1:${await freePort()}`;
  runScript(
    'src/worker.ts',
    [],
    workerEnvOf(stack, taskQueue, { TEMPORAL_METRICS_PROMETHEUS_ADDRESS: address }),
  );
  const handle = await startProvisioning(stack.testEnv.client, wallClockInput(), { taskQueue });
  await awaitProvisioning(handle);
  // A second provisioning fails: its store operation ends FAILED.
  stack.emulator.addFault({
    kind: 'operation-fails',
    times: 1,
    match: { method: 'POST', path: '^/v1/ControlPlane/Stores$' },
  });
  const failing = await startProvisioning(stack.testEnv.client, wallClockInput(), { taskQueue });
  await expect(awaitProvisioning(failing)).rejects.toThrow(WorkflowFailedError);

  // The SDK tags the toolkit's metrics in camelCase (taskQueue, activityType, workflowType), its
  // own in snake_case.
  const ours = { taskQueue };
  // The workflow's outcome reaches the exporter through a sink, after the run's last activation.
  const metrics = await scrapeUntil(`http://${address}/metrics`, (text) => text.includes('outcome="failed"'));

  // One store and one configuration operation, each polled until COMPLETED.
  expect(
    sum(metrics, 'orchestrator_operation_polls_total', { ...ours, host: 'memory', status: 'COMPLETED' }),
  ).toBe(1);
  expect(
    sum(metrics, 'orchestrator_operation_polls_total', {
      ...ours,
      host: 'conversations',
      status: 'COMPLETED',
    }),
  ).toBe(1);
  // createdAt → completedAt: the emulator settles operations in 300 ms (under a minute, surely).
  const completed = { ...ours, status: 'COMPLETED' };
  const waits = sum(metrics, 'orchestrator_operation_wait_count', completed);
  const waitedMs = sum(metrics, 'orchestrator_operation_wait_sum', completed);
  expect(waits).toBe(2);
  expect(waitedMs / waits).toBeGreaterThanOrEqual(300);
  expect(waitedMs / waits).toBeLessThan(60_000);

  // The one 429 is an API failure by type, and a rate-limit wait with its Retry-After.
  expect(
    sum(metrics, 'orchestrator_api_failures_total', { ...ours, error_type: 'RateLimitError', status: '429' }),
  ).toBe(1);
  expect(sum(metrics, 'orchestrator_rate_limit_waits_total', { ...ours, status: '429' })).toBe(1);
  expect(sum(metrics, 'orchestrator_rate_limit_retry_after_sum', ours)).toBe(
    RATE_LIMITED_RETRY_AFTER_SECONDS * 1000,
  );

  expect(sum(metrics, 'orchestrator_messages_sent_total', { ...ours, activityType: 'sendMessage' })).toBe(1);
  expect(
    sum(metrics, 'orchestrator_workflow_outcomes_total', {
      ...ours,
      workflowType: 'provisionOrchestrator',
      outcome: 'completed',
    }),
  ).toBe(1);

  expect(
    sum(metrics, 'orchestrator_workflow_outcomes_total', {
      ...ours,
      outcome: 'failed',
      failure_type: 'OperationFailed',
    }),
  ).toBe(1);
  expect(
    sum(metrics, 'orchestrator_operation_polls_total', { ...ours, host: 'memory', status: 'FAILED' }),
  ).toBe(1);
  expect(sum(metrics, 'orchestrator_operation_wait_count', { ...ours, status: 'FAILED' })).toBe(1);

  // The SDK's own metrics, from the same runtime.
  expect(sum(metrics, 'temporal_workflow_completed_total', { task_queue: taskQueue })).toBe(1);
  expect(sum(metrics, 'temporal_workflow_failed_total', { task_queue: taskQueue })).toBe(1);
  expect(
    sum(metrics, 'temporal_activity_execution_latency_count', { task_queue: taskQueue }),
  ).toBeGreaterThanOrEqual(6);
});
