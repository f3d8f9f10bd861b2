/**
 * ORCHESTRATOR_API_RATE from the environment: what it accepts, every refusal naming the variable
 * and its rule (never the value), the worker's log line; and fairness set alike on the dev
 * servers the project starts and in the cluster's dynamic config.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ConfigurationError } from '../../src/common/configuration-error';
import {
  apiRateFromEnv,
  applyApiBudget,
  describeApiBudget,
  FAIRNESS_SERVER_ARGS,
} from '../../src/temporal/task-queue-budget';

const RULE = 'a number of requests per second from 0.001 to 100000 (e.g. 50 or 0.5), or unlimited';

test('unset, empty or blank: undefined, the queue keeps the limit it has', () => {
  expect(apiRateFromEnv({})).toBeUndefined();
  expect(apiRateFromEnv({ ORCHESTRATOR_API_RATE: '' })).toBeUndefined();
  expect(apiRateFromEnv({ ORCHESTRATOR_API_RATE: '  ' })).toBeUndefined();
});

test.each([
  ['50', 50],
  [' 5 ', 5],
  ['0.5', 0.5],
  ['0.001', 0.001],
  ['100000', 100_000],
  ['unlimited', 'unlimited'],
])('%j is accepted as %j', (text, rate) => {
  expect(apiRateFromEnv({ ORCHESTRATOR_API_RATE: text })).toBe(rate);
});

test.each([
  '0',
  '0.0009',
  '100000.5',
  '-5',
  '1e3',
  'Infinity',
  'NaN',
  '5/s',
  '.5',
  '5.',
  'none',
  'Unlimited',
])('%j is refused, naming the variable and the rule, not the value', (text) => {
  const refusal = (() => {
    try {
      apiRateFromEnv({ ORCHESTRATOR_API_RATE: text });
    } catch (err) {
      return err;
    }
    throw new Error(`${text} was accepted`);
  })();
  expect(refusal).toBeInstanceOf(ConfigurationError);
  expect((refusal as Error).message).toBe(`ORCHESTRATOR_API_RATE must be ${RULE}.`);
});

test("createWorker's apiRate is checked by the same rule before anything reaches the server", async () => {
  // No service at all: a call would fail with a TypeError, not the rule.
  const unreachable = { workflowService: undefined as never };
  for (const rate of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 200_000]) {
    await expect(applyApiBudget(unreachable, { namespace: 'default', taskQueue: 'q' }, rate)).rejects.toThrow(
      new RangeError(`apiRate must be ${RULE}`),
    );
  }
});

test("the worker's log line says what is in force and where it came from", () => {
  expect(describeApiBudget({ requestsPerSecond: 5, setBy: '42@host' }, 5)).toBe(
    '5 requests/s for all workers (from ORCHESTRATOR_API_RATE, set by 42@host)',
  );
  expect(describeApiBudget({ requestsPerSecond: 5, setBy: '42@host' }, undefined)).toBe(
    '5 requests/s for all workers (ORCHESTRATOR_API_RATE unset here, left as it was, set by 42@host)',
  );
  expect(describeApiBudget({}, 'unlimited')).toBe('no limit (from ORCHESTRATOR_API_RATE)');
  expect(describeApiBudget(undefined, undefined)).toBe(
    'unknown: the server does not report task queue limits (ORCHESTRATOR_API_RATE unset here, left as it was)',
  );
});

test("the cluster's dynamic config sets what the dev servers' flags set: fairness, one partition", () => {
  const yamlFile = join(__dirname, '..', '..', 'docker', 'dynamicconfig', 'development-sql.yaml');
  const config = parse(readFileSync(yamlFile, 'utf8')) as Record<string, { value: unknown }[]>;
  const flags = FAIRNESS_SERVER_ARGS.filter((_, i) => i % 2 === 0);
  expect(new Set(flags)).toEqual(new Set(['--dynamic-config-value']));
  const settings = FAIRNESS_SERVER_ARGS.filter((_, i) => i % 2 === 1).map((setting) => setting.split('='));
  expect(Object.fromEntries(settings)).toEqual({
    'matching.enableFairness': 'true',
    'matching.numTaskqueueReadPartitions': '1',
    'matching.numTaskqueueWritePartitions': '1',
  });
  for (const [key, value] of settings) {
    expect(config[key!]).toEqual([{ value: JSON.parse(value!) as unknown, constraints: {} }]);
  }
});
