/**
 * Worker tuning from TEMPORAL_MAX_*: defaults, accepted values, and every refusal naming the
 * variable and its rule before the worker connects.
 */
import { ConfigurationError } from '../../src/common/configuration-error';
import { DEFAULT_WORKER_TUNING, describeWorkerTuning, workerTuningFromEnv } from '../../src/worker-tuning';

test('no variable set: the documented defaults', () => {
  expect(workerTuningFromEnv({})).toEqual({
    maxConcurrentActivityTaskExecutions: 100,
    maxConcurrentWorkflowTaskExecutions: 10,
    maxCachedWorkflows: 100,
  });
});

test('each variable sets its worker option; empty or blank keeps the default', () => {
  expect(
    workerTuningFromEnv({
      TEMPORAL_MAX_CONCURRENT_ACTIVITIES: '250',
      TEMPORAL_MAX_CONCURRENT_WORKFLOW_TASKS: ' 20 ',
      TEMPORAL_MAX_CACHED_WORKFLOWS: '1000',
    }),
  ).toEqual({
    maxConcurrentActivityTaskExecutions: 250,
    maxConcurrentWorkflowTaskExecutions: 20,
    maxCachedWorkflows: 1000,
  });
  expect(
    workerTuningFromEnv({ TEMPORAL_MAX_CONCURRENT_ACTIVITIES: '', TEMPORAL_MAX_CACHED_WORKFLOWS: '  ' }),
  ).toEqual(DEFAULT_WORKER_TUNING);
});

test('the bounds themselves are accepted; 0 turns the cache off, and then any slot count goes', () => {
  expect(
    workerTuningFromEnv({
      TEMPORAL_MAX_CONCURRENT_ACTIVITIES: '1',
      TEMPORAL_MAX_CONCURRENT_WORKFLOW_TASKS: '2',
      TEMPORAL_MAX_CACHED_WORKFLOWS: '2',
    }),
  ).toEqual({
    maxConcurrentActivityTaskExecutions: 1,
    maxConcurrentWorkflowTaskExecutions: 2,
    maxCachedWorkflows: 2,
  });
  expect(
    workerTuningFromEnv({
      TEMPORAL_MAX_CONCURRENT_ACTIVITIES: '10000',
      TEMPORAL_MAX_CONCURRENT_WORKFLOW_TASKS: '1000',
      TEMPORAL_MAX_CACHED_WORKFLOWS: '0',
    }),
  ).toEqual({
    maxConcurrentActivityTaskExecutions: 10_000,
    maxConcurrentWorkflowTaskExecutions: 1000,
    maxCachedWorkflows: 0,
  });
});

test.each([
  ['TEMPORAL_MAX_CONCURRENT_ACTIVITIES', '0', 'a whole number from 1 to 10000'],
  ['TEMPORAL_MAX_CONCURRENT_ACTIVITIES', '10001', 'a whole number from 1 to 10000'],
  ['TEMPORAL_MAX_CONCURRENT_ACTIVITIES', '12.5', 'a whole number from 1 to 10000'],
  ['TEMPORAL_MAX_CONCURRENT_ACTIVITIES', '-3', 'a whole number from 1 to 10000'],
  ['TEMPORAL_MAX_CONCURRENT_ACTIVITIES', '1e3', 'a whole number from 1 to 10000'],
  ['TEMPORAL_MAX_CONCURRENT_ACTIVITIES', 'lots', 'a whole number from 1 to 10000'],
  ['TEMPORAL_MAX_CONCURRENT_WORKFLOW_TASKS', '1', 'a whole number from 2 to 1000'],
  ['TEMPORAL_MAX_CONCURRENT_WORKFLOW_TASKS', '0x10', 'a whole number from 2 to 1000'],
  ['TEMPORAL_MAX_CACHED_WORKFLOWS', '1', '0 (no cache) or a whole number from 2 to 100000'],
  [
    'TEMPORAL_MAX_CACHED_WORKFLOWS',
    '99999999999999999999',
    '0 (no cache) or a whole number from 2 to 100000',
  ],
])('%s=%s is refused: must be %s', (name, value, rule) => {
  const parse = () => workerTuningFromEnv({ [name]: value });
  expect(parse).toThrow(ConfigurationError);
  expect(parse).toThrow(`${name} must be ${rule}`);
});

test('every bad variable is named at once, never with its value', () => {
  const parse = () =>
    workerTuningFromEnv({
      TEMPORAL_MAX_CONCURRENT_ACTIVITIES: 'secret-ish',
      TEMPORAL_MAX_CACHED_WORKFLOWS: '1',
    });
  expect(parse).toThrow(
    /TEMPORAL_MAX_CONCURRENT_ACTIVITIES must be .*; TEMPORAL_MAX_CACHED_WORKFLOWS must be/,
  );
  expect(parse).not.toThrow(/secret-ish/);
});

test('more workflow task slots than cached runs is refused, naming both variables', () => {
  expect(() =>
    workerTuningFromEnv({
      TEMPORAL_MAX_CONCURRENT_WORKFLOW_TASKS: '300',
      TEMPORAL_MAX_CACHED_WORKFLOWS: '200',
    }),
  ).toThrow(
    'TEMPORAL_MAX_CONCURRENT_WORKFLOW_TASKS must not exceed TEMPORAL_MAX_CACHED_WORKFLOWS (default 100)',
  );
  expect(() =>
    workerTuningFromEnv({
      TEMPORAL_MAX_CONCURRENT_WORKFLOW_TASKS: '20',
      TEMPORAL_MAX_CACHED_WORKFLOWS: '10',
    }),
  ).toThrow(/must not exceed TEMPORAL_MAX_CACHED_WORKFLOWS/);
  expect(
    workerTuningFromEnv({
      TEMPORAL_MAX_CONCURRENT_WORKFLOW_TASKS: '20',
      TEMPORAL_MAX_CACHED_WORKFLOWS: '20',
    }),
  ).toMatchObject({ maxConcurrentWorkflowTaskExecutions: 20, maxCachedWorkflows: 20 });
});

test('the start-up line names each limit', () => {
  expect(describeWorkerTuning(DEFAULT_WORKER_TUNING)).toBe(
    '100 activities, 10 workflow tasks, 100 cached workflows',
  );
});
