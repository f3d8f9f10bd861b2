/**
 * `npm start -- --teardown`: the demo provisions, then removes what it made, so running it again
 * and again never reaches the account's 15-store limit.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, runScript, stopRunningScripts } from './processes';

jest.setTimeout(120_000);

afterEach(stopRunningScripts);

test('--teardown removes the store, configuration and conversation the demo made (the message stays sent)', async () => {
  const run = runScript(
    'src/cli/start.ts',
    ['--teardown', '--keep-running'],
    cleanEnv({ ORCHESTRATOR_STATE_DIR: mkdtempSync(join(tmpdir(), 'npm-start-teardown-')) }),
  );
  await run.stderrContains('Ctrl-C stops it');
  const stderr = run.stderr();
  expect(stderr).toMatch(/Tearing down provision-demo-[\w-]+ \(teardown-provision-demo-[\w-]+\)/);
  expect(stderr).toContain('  await-memory-store-deletion: done (');
  expect(stderr).toMatch(/ {2}memoryStore mem_store_\w+: deleted/);
  expect(stderr).toMatch(/ {2}configuration conv_configuration_\w+: deleted/);
  expect(stderr).toMatch(/ {2}conversation conv_conversation_\w+: deleted/);

  const emulatorUrl = /Emulator: (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)?.[1];
  const state = (await (await fetch(`${emulatorUrl}/__emulator/state`)).json()) as Record<string, number>;
  expect(state).toMatchObject({ stores: 0, configurations: 0, conversations: 0, messagesSent: 1 });

  run.child.kill('SIGINT');
  expect(await run.exited).toBe(0);
});
