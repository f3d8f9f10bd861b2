/**
 * `npm start` as a person runs it on a fresh clone: no Temporal or Twilio settings, so the
 * embedded dev server (state in a fresh directory), the in-process emulator and a worker.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProvisionResult } from '../../src/workflows/definitions';
import { cleanEnv, lastJsonObject, runScript, stopRunningScripts } from './processes';

jest.setTimeout(120_000);

const WEB_UI_LINK =
  /Web UI: (http:\/\/localhost:\d+)\/namespaces\/default\/workflows\/(provision-demo-[\w-]+)\/([\w-]+)\/history/;

afterEach(stopRunningScripts);

function freshStateDir(): string {
  return mkdtempSync(join(tmpdir(), 'npm-start-'));
}

test('runs one provisioning end to end, prints the result as JSON and the Web UI link, exits 0', async () => {
  const stateDir = freshStateDir();
  const run = runScript('src/cli/start.ts', [], cleanEnv({ ORCHESTRATOR_STATE_DIR: stateDir }));

  expect(await run.exited).toBe(0);
  const result = lastJsonObject(run.stdout()) as ProvisionResult;
  expect(result.ids.memoryStoreId).toMatch(/^mem_store_/);
  expect(result.ids.communicationId).toMatch(/^conv_communication_/);
  expect(Object.values(result.steps).every((step) => step.status === 'done')).toBe(true);

  const stderr = run.stderr();
  expect(stderr).toContain('Orchestrator: emulator at http://127.0.0.1:');
  expect(stderr).toMatch(WEB_UI_LINK);
  // Not a terminal here: one line per step change instead of the live redraw.
  expect(stderr).toContain('  await-message: done (');
  expect(stderr).not.toContain('\x1b[');
  expect(existsSync(join(stateDir, 'temporal.db'))).toBe(true);
});

test('--keep-running keeps the Web UI and the emulator up until Ctrl-C, then stops cleanly', async () => {
  const run = runScript(
    'src/cli/start.ts',
    ['--keep-running'],
    cleanEnv({ ORCHESTRATOR_STATE_DIR: freshStateDir() }),
  );
  await run.stderrContains('Ctrl-C stops it');
  const [, uiUrl, workflowId, runId] = WEB_UI_LINK.exec(run.stderr()) ?? [];
  const emulatorUrl = /Emulator: (http:\/\/127\.0\.0\.1:\d+)/.exec(run.stderr())?.[1];

  expect((await fetch(`${uiUrl}/namespaces/default/workflows/${workflowId}/${runId}/history`)).status).toBe(
    200,
  );
  const state = (await (await fetch(`${emulatorUrl}/__emulator/state`)).json()) as { messagesSent: number };
  expect(state.messagesSent).toBe(1);

  run.child.kill('SIGINT');
  expect(await run.exited).toBe(0);
  expect(run.stderr()).toContain('Stopped.');
});
