/**
 * `npm start` when something goes wrong: a bad setting is named and stops it before anything
 * starts; a failure once the dev server and the worker are up shows the original error and
 * leaves nothing running.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { resolveTemporalBinary } from '../../src/toolchain/temporal-binaries';
import { cleanEnv, processesMentioning, runScript, stopRunningScripts } from './processes';

jest.setTimeout(120_000);

afterEach(stopRunningScripts);

function freshStateDir(): string {
  return mkdtempSync(join(tmpdir(), 'npm-start-failures-'));
}

const SECRET = 'sekret-value-123';

/** A Temporal config file whose TOML is broken on the line holding the API key. */
function brokenTemporalConfigFile(): string {
  const file = join(freshStateDir(), 'temporal.toml');
  writeFileSync(file, `[profile.default]\naddress = "127.0.0.1:1"\napi_key = "${SECRET}\n`);
  return file;
}

test.each([
  {
    problem: 'a base URL with a path',
    env: { TWILIO_ORCHESTRATOR_BASE_URL: 'http://127.0.0.1:1/some/path' },
    named: 'TWILIO_ORCHESTRATOR_BASE_URL',
    rule: 'conversationsBaseUrl: must be an http(s) origin',
    value: '/some/path',
  },
  {
    problem: 'an API key without its secret',
    env: { TWILIO_ORCHESTRATOR_BASE_URL: 'http://127.0.0.1:1', TWILIO_API_KEY: `SK${SECRET}` },
    named: 'TWILIO_ORCHESTRATOR_BASE_URL, TWILIO_API_KEY',
    rule: 'Missing Twilio credentials: TWILIO_API_SECRET',
    value: SECRET,
  },
  {
    problem: 'a broken Temporal config file',
    env: { TEMPORAL_ADDRESS: '127.0.0.1:1', TEMPORAL_CONFIG_FILE: brokenTemporalConfigFile() },
    named: 'TEMPORAL_ADDRESS, TEMPORAL_CONFIG_FILE',
    rule: 'Invalid TOML document',
    value: SECRET,
  },
])('$problem: exit 2 naming the variables, never the value, before anything starts', async (setting) => {
  const stateDir = freshStateDir();
  const run = runScript(
    'src/cli/start.ts',
    [],
    cleanEnv({ ORCHESTRATOR_STATE_DIR: stateDir, ...setting.env }),
  );

  expect(await run.exited).toBe(2);
  expect(run.stderr()).toMatch(/^error: Cannot use the (Orchestrator|Temporal) settings in /);
  expect(run.stderr()).toContain(`settings in ${setting.named}: `);
  expect(run.stderr()).toContain(setting.rule);
  expect(run.stderr() + run.stdout()).not.toContain(setting.value);
  // The dev server never started: no state file, no process naming the state directory.
  expect(existsSync(join(stateDir, 'temporal.db'))).toBe(false);
  expect(processesMentioning(stateDir)).toEqual([]);
});

test('the embedded dev server refuses to start the provisioning: that error, exit 1, nothing left running', async () => {
  const stateDir = freshStateDir();
  // The dev server accepts a worker polling this task queue but refuses a workflow on it: the
  // name is longer than its limit (1000 characters).
  const taskQueue = 'q'.repeat(1001);
  const run = runScript(
    'src/cli/start.ts',
    [],
    cleanEnv({ ORCHESTRATOR_STATE_DIR: stateDir, TEMPORAL_TASK_QUEUE: taskQueue }),
  );

  expect(await run.exited).toBe(1);
  const stderr = run.stderr();
  expect(stderr).toContain(`Worker:       task queue ${taskQueue}`);
  expect(stderr).toMatch(
    /\nerror: Temporal refused the request \(Failed to start Workflow\): .*taskQueue length exceeds limit/,
  );
  // The worker stopped before the connection closed, and the connection before the server.
  expect(stderr).not.toContain('IllegalStateError');
  expect(stderr).not.toContain('warning:');
  expect(existsSync(join(stateDir, 'temporal.db'))).toBe(true);
  expect(processesMentioning(stateDir)).toEqual([]);
});

describe('on a cluster given by TEMPORAL_ADDRESS', () => {
  let cluster: TestWorkflowEnvironment;
  beforeAll(async () => {
    cluster = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: resolveTemporalBinary('cli').executable,
        log: { format: 'pretty', level: 'error' },
        // Payloads above 200 bytes are refused, as a cluster's size limits refuse large ones:
        // the worker polls fine, starting the provisioning (its input) fails. The server checks
        // the error limit only for payloads above the warning limit, so both are lowered.
        extraArgs: [
          '--dynamic-config-value',
          'limit.blobSize.warn=100',
          '--dynamic-config-value',
          'limit.blobSize.error=200',
        ],
      },
    });
  });
  afterAll(() => cluster?.teardown());

  test('the cluster refuses to start the provisioning: that error, not the connection refusing to close', async () => {
    const run = runScript('src/cli/start.ts', [], cleanEnv({ TEMPORAL_ADDRESS: cluster.address }));

    expect(await run.exited).toBe(1);
    const stderr = run.stderr();
    expect(stderr).toContain(`Temporal:     ${cluster.address}, namespace default (plaintext)`);
    expect(stderr).toMatch(
      /\nerror: Temporal refused the request \(Failed to start Workflow\): Blob data size exceeds limit/,
    );
    expect(stderr).not.toContain('IllegalStateError');
    expect(stderr).not.toContain('Cannot close connection');
    expect(stderr).not.toContain('warning:');
  });
});
