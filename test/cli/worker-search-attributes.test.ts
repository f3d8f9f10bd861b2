/**
 * A worker on a namespace without the search attributes the workflows set, as on a plain
 * `temporal server start-dev`, refuses to start, naming them and the command that registers
 * them; the command works as printed; `ORCHESTRATOR_REGISTER_SEARCH_ATTRIBUTES=true` lets the
 * worker register them itself. (Without the check it started, and every workflow task then
 * failed in a loop with BadSearchAttributes.) A dev server started without the attributes, with
 * a namespace per test, and the worker as `npm run worker` runs it, in a child process.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { OrchestratorClient } from '../../src/api';
import { checkSearchAttributes, MissingSearchAttributesError } from '../../src/temporal/search-attributes';
import { resolveTemporalBinary } from '../../src/toolchain/temporal-binaries';
import { createWorker } from '../../src/worker';
import { SEARCH_ATTRIBUTE_KEYS } from '../../src/workflows/definitions';
import { STACK_CREDENTIALS } from '../support/dev-stack';
import { cleanEnv, runScript, stopRunningScripts, type Run } from './processes';

jest.setTimeout(120_000);

const NAMES = SEARCH_ATTRIBUTE_KEYS.map((key) => key.name);
const cli = resolveTemporalBinary('cli').executable;
const NAMESPACES = ['by-hand', 'by-worker', 'partial', 'bad-setting', 'full'];

let devServer: TestWorkflowEnvironment;
beforeAll(async () => {
  devServer = await TestWorkflowEnvironment.createLocal({
    server: { executable: cli, extraArgs: NAMESPACES.flatMap((namespace) => ['--namespace', namespace]) },
  });
});
afterEach(stopRunningScripts);
afterAll(() => devServer?.teardown());

async function customAttributeNames(namespace: string): Promise<string[]> {
  const { customAttributes } = await devServer.connection.operatorService.listSearchAttributes({ namespace });
  return Object.keys(customAttributes);
}

function startWorker(namespace: string, extra: NodeJS.ProcessEnv = {}): Run {
  return runScript(
    'src/worker.ts',
    [],
    cleanEnv({
      TEMPORAL_ADDRESS: devServer.address,
      TEMPORAL_NAMESPACE: namespace,
      TEMPORAL_TASK_QUEUE: `search-attributes-${randomUUID()}`,
      // Never called: no provisioning runs here.
      TWILIO_ORCHESTRATOR_BASE_URL: 'http://127.0.0.1:9',
      TWILIO_ACCOUNT_SID: STACK_CREDENTIALS.accountSid,
      TWILIO_AUTH_TOKEN: STACK_CREDENTIALS.authToken,
      ...extra,
    }),
  );
}

/** Resolves once the worker says it polls (after bundling, a few seconds); fails if it exits first. */
async function polling(run: Run): Promise<void> {
  for (let i = 0; i < 600 && run.child.exitCode === null; i += 1) {
    if (run.stdout().includes('[worker] polling task queue')) return;
    await sleep(100);
  }
  throw new Error(`the worker never polled (exit ${run.child.exitCode}):\n${run.stdout()}${run.stderr()}`);
}

const linesOf = (text: string) => text.split('\n').filter((line) => line.trim() !== '');

test('npm run worker refuses to start: exit 1, one line naming them and the command, which registers them', async () => {
  const refused = startWorker('by-hand');
  expect(await refused.exited).toBe(1);
  expect(refused.stdout()).not.toContain('[worker] polling');
  const lines = linesOf(refused.stderr());
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(`[worker] Namespace by-hand lacks the search attributes ${NAMES.join(', ')} `);
  expect(lines[0]).toContain('ORCHESTRATOR_REGISTER_SEARCH_ATTRIBUTES=true');
  expect(await customAttributeNames('by-hand')).toEqual([]);

  // The command as printed, run by the project's `temporal` with the worker's own settings.
  const command = /`(temporal operator search-attribute create [^`]+)`/.exec(lines[0]!)?.[1];
  expect(command).toBe(
    `temporal operator search-attribute create --namespace by-hand ${NAMES.map((name) => `--name ${name} --type Keyword`).join(' ')}`,
  );
  if (cli.type !== 'existing-path') throw new Error('the toolchain resolves an installed temporal CLI');
  await promisify(execFile)(cli.path, command!.split(' ').slice(1), {
    env: { ...process.env, TEMPORAL_ADDRESS: devServer.address },
    timeout: 30_000,
  });
  expect(await customAttributeNames('by-hand')).toEqual(expect.arrayContaining(NAMES));

  const started = startWorker('by-hand');
  await polling(started);
});

test('ORCHESTRATOR_REGISTER_SEARCH_ATTRIBUTES=true: the worker registers them and starts', async () => {
  expect(await customAttributeNames('by-worker')).toEqual([]);
  const run = startWorker('by-worker', { ORCHESTRATOR_REGISTER_SEARCH_ATTRIBUTES: 'true' });
  await polling(run);
  expect(await customAttributeNames('by-worker')).toEqual(expect.arrayContaining(NAMES));
  expect(run.stderr()).toContain(
    `Registered the search attributes ${NAMES.join(', ')} on namespace by-worker`,
  );
});

test('a setting other than true or false stops the worker before it connects, naming the rule', async () => {
  const run = startWorker('bad-setting', { ORCHESTRATOR_REGISTER_SEARCH_ATTRIBUTES: 'yes' });
  // A ConfigurationError: exit 2, as every bad setting of the worker.
  expect(await run.exited).toBe(2);
  expect(linesOf(run.stderr())).toEqual([
    '[worker] ORCHESTRATOR_REGISTER_SEARCH_ATTRIBUTES must be true or false',
  ]);
  expect(await customAttributeNames('bad-setting')).toEqual([]);
});

test('the library: createWorker refuses a namespace lacking some of them, naming only those', async () => {
  const [present, ...absent] = SEARCH_ATTRIBUTE_KEYS;
  await devServer.connection.operatorService.addSearchAttributes({
    namespace: 'partial',
    searchAttributes: { [present!.name]: encodeSearchAttributeIndexedValueType(present!.type)! },
  });
  const api = new OrchestratorClient({
    credentials: STACK_CREDENTIALS,
    conversationsBaseUrl: 'http://127.0.0.1:9',
  });
  try {
    const refusal = await createWorker({
      connection: devServer.nativeConnection,
      namespace: 'partial',
      api,
    }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refusal).toBeInstanceOf(MissingSearchAttributesError);
    expect(refusal).toMatchObject({ namespace: 'partial', missing: absent.map((key) => key.name) });
    expect((refusal as Error).message).not.toContain(`--name ${present!.name} `);
  } finally {
    await api.close();
  }
});

test('the library: where registering is refused, createWorker says so and names the command', async () => {
  // SQL visibility maps custom attributes to a fixed set of columns, 10 per type on the dev server.
  const others = Array.from({ length: 10 - NAMES.length + 1 }, (_, i) => `Other${i}`);
  await devServer.connection.operatorService.addSearchAttributes({
    namespace: 'full',
    searchAttributes: Object.fromEntries(
      others.map((name) => [name, encodeSearchAttributeIndexedValueType('KEYWORD')!]),
    ),
  });
  const api = new OrchestratorClient({
    credentials: STACK_CREDENTIALS,
    conversationsBaseUrl: 'http://127.0.0.1:9',
  });
  try {
    const refusal = await createWorker({
      connection: devServer.nativeConnection,
      namespace: 'full',
      api,
      searchAttributes: 'register',
    }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refusal).toBeInstanceOf(MissingSearchAttributesError);
    expect(refusal).toMatchObject({
      namespace: 'full',
      missing: NAMES,
      registrationFailure: expect.stringMatching(/cannot have more than 10/) as string,
    });
    expect((refusal as Error).message).toContain('could not be registered');
    expect((refusal as Error).message).not.toContain('ORCHESTRATOR_REGISTER_SEARCH_ATTRIBUTES');
    expect(await customAttributeNames('full')).toEqual(expect.not.arrayContaining([NAMES[0]]));
  } finally {
    await api.close();
  }
});

describe('a server that cannot list search attributes (the time-skipping test server)', () => {
  let testServer: TestWorkflowEnvironment;
  beforeAll(async () => {
    testServer = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: resolveTemporalBinary('test-server').executable },
    });
  });
  afterAll(() => testServer?.teardown());

  test('is not refused for it: the check lets the worker start', async () => {
    await expect(
      checkSearchAttributes(testServer.nativeConnection, testServer.namespace ?? 'default', 'require'),
    ).resolves.toBeUndefined();
  });
});
