/**
 * `npm start` encrypts by default: a key made on the first run in its state folder, the SQLite
 * state free of the demo's phone numbers and text, and the Web UI pointed at a codec server that
 * answers the UI's origin without a header and refuses callers without the token.
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_TO } from '../../src/cli/demo-input';
import { LOCAL_KEY_FILE } from '../../src/codec/configured-keys';
import { cleanEnv, runScript, stopRunningScripts } from '../cli/processes';
import { sqliteText } from './support';

jest.setTimeout(120_000);
afterEach(stopRunningScripts);

const WELCOME = 'Welcome! This conversation was provisioned';

test('first run: a local key, an encrypted history, and a Web UI that decodes through the codec server', async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'npm-start-encryption-'));
  const run = runScript(
    'src/cli/start.ts',
    ['--keep-running'],
    cleanEnv({ ORCHESTRATOR_STATE_DIR: stateDir }),
  );
  await run.stderrContains('Ctrl-C stops it');
  const stderr = run.stderr();

  const keyFile = join(stateDir, LOCAL_KEY_FILE);
  expect(statSync(keyFile).mode & 0o777).toBe(0o600);
  const { currentKeyId } = JSON.parse(readFileSync(keyFile, 'utf8')) as { currentKeyId: string };
  expect(stderr).toContain(`Encryption:   payloads and failures with key ${currentKeyId} (from ${keyFile})`);

  const codecUrl = /decoding through the codec server at (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)?.[1];
  const uiUrl = /Web UI (http:\/\/localhost:\d+)/.exec(stderr)?.[1];
  expect(codecUrl).toBeDefined();
  const settings = (await (await fetch(`${uiUrl}/api/v1/settings`)).json()) as {
    Codec: { Endpoint: string };
  };
  const endpoint = settings.Codec.Endpoint;
  expect(endpoint.startsWith(`${codecUrl}/`)).toBe(true);
  // What the Web UI's page sends: its origin, X-Namespace, no Authorization header.
  const request = (url: string) =>
    fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: uiUrl!, 'X-Namespace': 'default' },
      body: JSON.stringify({ payloads: [{ metadata: { encoding: 'anNvbi9wbGFpbg==' }, data: 'MQ==' }] }),
    });
  const encoded = await request(`${endpoint}/encode`);
  expect(encoded.status).toBe(200);
  expect(encoded.headers.get('access-control-allow-origin')).toBe(uiUrl);
  expect((await request(`${codecUrl}/encode`)).status).toBe(401);

  run.child.kill('SIGINT');
  expect(await run.exited).toBe(0);
  const stored = sqliteText(join(stateDir, 'temporal.db'));
  expect(stored).toContain('provision-demo-');
  expect(stored).not.toContain(DEMO_TO);
  expect(stored).not.toContain(WELCOME);
});

test('a bad key in the environment: exit 2 naming the variable, nothing started', async () => {
  const run = runScript(
    'src/cli/start.ts',
    [],
    cleanEnv({
      ORCHESTRATOR_STATE_DIR: mkdtempSync(join(tmpdir(), 'npm-start-encryption-')),
      ORCHESTRATOR_ENCRYPTION_KEYS: 'k1:c2hvcnQ=',
    }),
  );
  expect(await run.exited).toBe(2);
  expect(run.stderr()).toMatch(/ORCHESTRATOR_ENCRYPTION_KEYS: key "k1" must be 32 bytes in base64/);
  expect(run.stderr()).not.toContain('c2hvcnQ=');
  expect(run.stderr()).not.toContain('Temporal:');
});
