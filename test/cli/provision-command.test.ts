/**
 * `npm run provision` in a child process against a real dev server and worker (the e2e stack):
 * start from flags and follow, show a status, refuse bad input, report a failure.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import type { ProvisionResult } from '../../src/workflows/definitions';
import { startDevStack, type DevStack } from '../support/dev-stack';
import { cleanEnv, lastJsonObject, runScript, stopRunningScripts } from './processes';

jest.setTimeout(90_000);

let stack: DevStack;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  stack = await startDevStack();
  env = cleanEnv({
    TEMPORAL_ADDRESS: stack.testEnv.address,
    TEMPORAL_TASK_QUEUE: stack.taskQueue,
    TEMPORAL_UI_URL: 'http://ui.example:8080/',
  });
});
afterEach(stopRunningScripts);
afterAll(() => stack?.stop());

/** The flags of a valid provisioning; an override of `undefined` leaves a flag out. */
function flags(tag: string, overrides: Record<string, string | undefined> = {}): string[] {
  const values: Record<string, string | undefined> = {
    '--provisioning-id': `cli-${tag}`,
    '--store-name': `cli-store-${tag}`,
    '--config-name': `cli config ${tag}`,
    '--conversation-name': `cli-conversation-${tag}`,
    '--from': '+15550100',
    '--to': '+15550101',
    '--text': 'Hello from the command line',
    ...overrides,
  };
  return Object.entries(values).flatMap(([flag, value]) => (value === undefined ? [] : [flag, value]));
}

test('starts a provisioning from flags, follows it to its result, then shows its status', async () => {
  const tag = `${Date.now()}`;
  const started = runScript('src/cli/provision.ts', flags(tag), env);
  expect(await started.exited).toBe(0);
  const result = lastJsonObject(started.stdout()) as ProvisionResult;
  expect(result.ids.communicationId).toMatch(/^conv_communication_/);
  expect(started.stderr()).toMatch(
    new RegExp(
      `Web UI: http://ui\\.example:8080/namespaces/default/workflows/provision-cli-${tag}/[\\w-]+/history`,
    ),
  );
  expect(started.stderr()).toContain('  await-message: done (');

  const status = runScript('src/cli/provision.ts', ['status', `provision-cli-${tag}`], env);
  expect(await status.exited).toBe(0);
  expect(status.stdout()).toMatch(new RegExp(`provision-cli-${tag} \\(run [\\w-]+\\): COMPLETED`));
  expect(status.stdout()).toMatch(/✓ await-message\s+done/);
  expect(status.stdout()).toContain(result.ids.configurationId);
});

test('bad input exits 2 naming each field, its flag and the rule, before connecting to Temporal', async () => {
  const tag = `${Date.now()}`;
  const argv = flags(tag, { '--config-name': 'x'.repeat(33), '--conversation-name': undefined });
  // An address nothing listens on: reaching it would fail differently.
  const run = runScript('src/cli/provision.ts', argv, { ...env, TEMPORAL_ADDRESS: '127.0.0.1:9' });

  expect(await run.exited).toBe(2);
  expect(run.stderr()).toContain('configuration.displayName (--config-name): must be at most 32 characters');
  expect(run.stderr()).toContain('conversation.name (--conversation-name): is required');
  await expect(stack.client.workflow.getHandle(`provision-cli-${tag}`).describe()).rejects.toBeInstanceOf(
    WorkflowNotFoundError,
  );
});

test('a provisioning that fails exits 1 with one line giving the cause; --debug adds the chain', async () => {
  const run = runScript('src/cli/provision.ts', flags(`${Date.now()}`, { '--to': '+15555550000' }), env);
  expect(await run.exited).toBe(1);
  const errors = run
    .stderr()
    .split('\n')
    .filter((line) => line.startsWith('error') || /^\s+at /.test(line));
  expect(errors).toEqual([
    expect.stringMatching(/^error: provisioning failed: .*\+15555550000.*run the same provisioning again/),
  ]);
  expect(run.stderr()).not.toContain('WorkflowFailedError');

  const debug = runScript(
    'src/cli/provision.ts',
    [...flags(`${Date.now()}`, { '--to': '+15555550000' }), '--debug'],
    env,
  );
  expect(await debug.exited).toBe(1);
  expect(debug.stderr()).toMatch(/\nWorkflowFailedError: [\s\S]*\+15555550000/);
  expect(debug.stderr()).toMatch(/\n\s+at /);
});
