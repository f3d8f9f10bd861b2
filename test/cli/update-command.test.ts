/**
 * `npm run provision -- update` in a child process against a real dev server and worker (the
 * e2e stack): a patch from --set flags followed to its result, a patch that changes nothing, bad
 * input refused before connecting, an update that fails.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { OrchestratorClient } from '../../src/api';
import type { ConfigurationUpdateResult } from '../../src/workflows/definitions';
import { STACK_CREDENTIALS, startDevStack, type DevStack } from '../support/dev-stack';
import { createConfigurationDirectly } from '../workflows/support';
import { cleanEnv, lastJsonObject, runScript, stopRunningScripts } from './processes';

jest.setTimeout(90_000);

let stack: DevStack;
let api: OrchestratorClient;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  stack = await startDevStack();
  api = new OrchestratorClient({
    credentials: STACK_CREDENTIALS,
    conversationsBaseUrl: stack.emulator.url,
    memoryBaseUrl: stack.emulator.url,
  });
  env = cleanEnv({ TEMPORAL_ADDRESS: stack.testEnv.address, TEMPORAL_TASK_QUEUE: stack.taskQueue });
});
afterEach(stopRunningScripts);
afterAll(async () => {
  await api?.close();
  await stack?.stop();
});

/** A store and a configuration made straight through the API (operations settle in 300 ms). */
async function newConfiguration(): Promise<string> {
  const tag = randomUUID().slice(0, 8);
  const { operationId } = await api.memory.createStore({ displayName: `cli-update-${tag}` });
  for (let polls = 0; polls < 50; polls += 1) {
    const operation = await api.memory.getOperation(operationId);
    if (operation.status === 'COMPLETED')
      return createConfigurationDirectly({ api }, operation.result!.id!, `cli ${tag}`);
    await sleep(100);
  }
  throw new Error('set-up: the store was not created');
}

test('update --set follows the update to its result: each changed field, before and after, and the new version', async () => {
  const configurationId = await newConfiguration();
  const run = runScript(
    'src/cli/provision.ts',
    ['update', configurationId, '--set', 'description=Night line', '--set', 'memoryExtractionEnabled=true'],
    env,
  );
  expect(await run.exited).toBe(0);
  const result = lastJsonObject(run.stdout()) as ConfigurationUpdateResult;
  expect(result).toMatchObject({ configurationId, applied: true, previousVersion: 1, version: 2, tries: 1 });
  expect(result.changes).toEqual([
    { field: 'description', before: 'made outside the workflow', after: 'Night line' },
    { field: 'memoryExtractionEnabled', before: false, after: true },
  ]);
  expect(run.stderr()).toContain(`of workflow configuration-updates:${configurationId}`);
  expect(run.stderr()).toContain('  verify-update: done (');
  expect(await api.configurations.get(configurationId)).toMatchObject({
    description: 'Night line',
    version: 2,
  });

  // The same values again, from a file: nothing to change, no PUT.
  const patchFile = join(mkdtempSync(join(tmpdir(), 'update-')), 'patch.json');
  writeFileSync(patchFile, JSON.stringify({ description: 'Night line' }));
  const again = runScript('src/cli/provision.ts', ['update', configurationId, '--file', patchFile], env);
  expect(await again.exited).toBe(0);
  expect(lastJsonObject(again.stdout())).toMatchObject({ applied: false, changes: [], version: 2 });
  expect(again.stderr()).toContain('  send-update: skipped');
});

test('bad input exits 2 naming the field and the rule, before connecting to Temporal', async () => {
  const run = runScript(
    'src/cli/provision.ts',
    ['update', 'conv_configuration_01abc', '--set', 'version=3', '--set', 'colour=blue'],
    { ...env, TEMPORAL_ADDRESS: '127.0.0.1:9' },
  );
  expect(await run.exited).toBe(2);
  expect(run.stderr()).toContain('patch.version: is read-only');
  expect(run.stderr()).toContain('patch.colour: is not a configuration field');

  const usage = runScript('src/cli/provision.ts', ['update', 'conv_configuration_01abc'], env);
  expect(await usage.exited).toBe(2);
  expect(usage.stderr()).toContain('nothing to change: give --set FIELD=VALUE or --file PATH');
});

test('an update that fails exits 1 with the cause: a configuration that does not exist', async () => {
  const run = runScript(
    'src/cli/provision.ts',
    ['update', 'conv_configuration_01nosuchthing', '--set', 'description=Anything'],
    env,
  );
  expect(await run.exited).toBe(1);
  const errors = run
    .stderr()
    .split('\n')
    .filter((line) => line.startsWith('error'));
  expect(errors).toEqual([
    expect.stringMatching(
      /^error: update failed: GET \S+ failed with HTTP 404 .*: No configuration with ID conv_configuration_01nosuchthing \(--debug shows every cause\)$/,
    ),
  ]);
});
