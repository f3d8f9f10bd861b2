/** The codec server over a real socket: the protocol's round trip, its token, CORS and limits. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { defaultPayloadConverter } from '@temporalio/common';
import { startCodecServer, type RunningCodecServer } from '../../src/codec/codec-server';
import { EncryptionCodec } from '../../src/codec/encryption-codec';
import { codecServerOptionsFromEnv } from '../../src/codec/main';
import { cleanEnv, runScript, stopRunningScripts, type Run } from '../cli/processes';
import { randomRing } from './support';

const TOKEN = 'codec-test-token-5f1c9a7e';
const UI = 'http://localhost:8233';
const ring = randomRing('k1');
let server: RunningCodecServer;

beforeAll(async () => {
  server = await startCodecServer({
    codec: new EncryptionCodec(ring),
    token: TOKEN,
    allowedOrigins: [UI],
    maxBodyBytes: 64 * 1024,
  });
});
afterAll(() => server?.close());
afterEach(stopRunningScripts);

/** The first group of `pattern` once the process prints it on stdout (polled, at most 30 s). */
async function printed(run: Run, pattern: RegExp): Promise<string> {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    const match = pattern.exec(run.stdout());
    if (match) return match[1]!;
    if (run.child.exitCode !== null) break;
    await sleep(100);
  }
  throw new Error(`never printed ${pattern}:\n${run.stdout()}\n${run.stderr()}`);
}

const plainPayload = () => {
  const { metadata, data } = defaultPayloadConverter.toPayload({ to: '+15551230001' });
  return {
    metadata: Object.fromEntries(
      Object.entries(metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
    ),
    data: Buffer.from(data!).toString('base64'),
  };
};
type JsonPayload = ReturnType<typeof plainPayload>;

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function payloadsOf(response: Response): Promise<JsonPayload[]> {
  expect(response.status).toBe(200);
  return ((await response.json()) as { payloads: JsonPayload[] }).payloads;
}

test('encode then decode returns the payload it was given; encode encrypts it', async () => {
  const payload = plainPayload();
  const [encrypted] = await payloadsOf(await post('/encode', { payloads: [payload] }));
  expect(Buffer.from(encrypted!.metadata.encoding!, 'base64').toString()).toBe('binary/encrypted');
  expect(Buffer.from(encrypted!.data, 'base64').toString('latin1')).not.toContain('+15551230001');
  const [decoded] = await payloadsOf(await post('/decode', { payloads: [encrypted] }));
  expect(decoded).toEqual(payload);
});

test('the token is required: none or a wrong one is refused with 401; the first path segment also carries it', async () => {
  const body = { payloads: [plainPayload()] };
  const none = await post('/encode', body, { Authorization: '' });
  expect(none.status).toBe(401);
  expect(none.headers.get('www-authenticate')).toBe('Bearer');
  expect((await post('/encode', body, { Authorization: 'Bearer not-the-token-at-all' })).status).toBe(401);
  expect((await post('/wrong-token-in-path/encode', body, { Authorization: '' })).status).toBe(401);
  const viaPath = await post(`/${TOKEN}/encode`, body, { Authorization: '' });
  expect(await payloadsOf(viaPath)).toHaveLength(1);
  expect(server.uiEndpoint).toBe(`${server.url}/${TOKEN}`);
  // A token with characters a URL path escapes still matches through the endpoint given to the UI.
  const spaced = await startCodecServer({
    codec: new EncryptionCodec(ring),
    token: 'a token/with spaces+%',
    allowedOrigins: [],
  });
  try {
    const response = await fetch(`${spaced.uiEndpoint}/encode`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
  } finally {
    await spaced.close();
  }
});

test('CORS: the Web UI origin gets its preflight and headers; any other origin is refused', async () => {
  const preflight = await fetch(`${server.url}/decode`, {
    method: 'OPTIONS',
    headers: {
      Origin: UI,
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'content-type,x-namespace',
    },
  });
  expect(preflight.status).toBe(204);
  expect(preflight.headers.get('access-control-allow-origin')).toBe(UI);
  expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
  const allowed = preflight.headers.get('access-control-allow-headers')!.toLowerCase();
  for (const header of ['authorization', 'content-type', 'x-namespace']) expect(allowed).toContain(header);

  const fromUi = await post('/decode', { payloads: [] }, { Origin: UI, 'X-Namespace': 'default' });
  expect(fromUi.status).toBe(200);
  expect(fromUi.headers.get('access-control-allow-origin')).toBe(UI);
  expect(fromUi.headers.get('vary')).toBe('Origin');

  const evil = 'http://evil.example';
  const otherPreflight = await fetch(`${server.url}/decode`, {
    method: 'OPTIONS',
    headers: { Origin: evil },
  });
  expect(otherPreflight.status).toBe(403);
  expect(otherPreflight.headers.get('access-control-allow-origin')).toBeNull();
  expect((await post('/decode', { payloads: [] }, { Origin: evil })).status).toBe(403);
});

test('bad requests are refused with a reason: size, type, JSON, shape, path, method, a missing key', async () => {
  expect((await post('/decode', { payloads: [{ data: 'A'.repeat(70 * 1024) }] })).status).toBe(413);
  expect((await post('/decode', '{}', { 'Content-Type': 'text/plain' })).status).toBe(415);
  expect((await post('/decode', '{"payloads": [')).status).toBe(400);
  expect((await post('/decode', { payloads: [{ data: '***' }] })).status).toBe(400);
  expect((await post('/other', { payloads: [] })).status).toBe(404);
  expect(
    (await fetch(`${server.url}/decode`, { headers: { Authorization: `Bearer ${TOKEN}` } })).status,
  ).toBe(405);

  const otherRing = new EncryptionCodec(randomRing('k-elsewhere'));
  const [foreign] = await otherRing.encode([defaultPayloadConverter.toPayload('x')]);
  const json = {
    metadata: Object.fromEntries(
      Object.entries(foreign!.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
    ),
    data: Buffer.from(foreign!.data!).toString('base64'),
  };
  const missing = await post('/decode', { payloads: [json] });
  expect(missing.status).toBe(400);
  expect(((await missing.json()) as { error: string }).error).toMatch(/encrypted with key "k-elsewhere"/);
});

test('npm run codec-server checks its settings, naming the variable and never a value', () => {
  const keys = `k1:${Buffer.alloc(32, 3).toString('base64')}`;
  const emptyStateDir = mkdtempSync(join(tmpdir(), 'codec-server-'));
  expect(() =>
    codecServerOptionsFromEnv({ ORCHESTRATOR_CODEC_TOKEN: TOKEN, ORCHESTRATOR_STATE_DIR: emptyStateDir }),
  ).toThrow(
    `needs the workers' keys: set ORCHESTRATOR_ENCRYPTION_KEYS or ORCHESTRATOR_ENCRYPTION_KEY_FILE, ` +
      `or have the state folder's key file at ${join(emptyStateDir, 'encryption-keys.json')}`,
  );
  expect(() =>
    codecServerOptionsFromEnv({ ORCHESTRATOR_ENCRYPTION_KEYS: keys, ORCHESTRATOR_CODEC_TOKEN: 'short' }),
  ).toThrow(/ORCHESTRATOR_CODEC_TOKEN must be set, at least 16 characters/);
  expect(() =>
    codecServerOptionsFromEnv({
      ORCHESTRATOR_ENCRYPTION_KEYS: keys,
      ORCHESTRATOR_CODEC_TOKEN: TOKEN,
      ORCHESTRATOR_CODEC_ORIGINS: 'http://localhost:8233/ui',
    }),
  ).toThrow(/ORCHESTRATOR_CODEC_ORIGINS: "http:\/\/localhost:8233\/ui" is not an origin/);
  const options = codecServerOptionsFromEnv({
    ORCHESTRATOR_ENCRYPTION_KEYS: keys,
    ORCHESTRATOR_CODEC_TOKEN: TOKEN,
  });
  expect(options).toMatchObject({
    host: '127.0.0.1',
    port: 8888,
    allowedOrigins: ['http://localhost:8233', 'http://127.0.0.1:8233'],
  });
});

test('npm run codec-server serves the ring of ORCHESTRATOR_ENCRYPTION_KEYS until Ctrl-C', async () => {
  const run = runScript(
    'src/codec/main.ts',
    [],
    cleanEnv({
      ORCHESTRATOR_ENCRYPTION_KEYS: `k1:${ring.keys.get('k1')!.toString('base64')}`,
      ORCHESTRATOR_CODEC_TOKEN: TOKEN,
      ORCHESTRATOR_CODEC_PORT: '0',
    }),
  );
  try {
    const url = await printed(run, /listening on (http:\/\/127\.0\.0\.1:\d+)/);
    expect(run.stdout()).not.toContain(TOKEN);
    // What this test's in-process server encrypts, the separate process decodes: the same ring.
    const [encrypted] = await payloadsOf(await post('/encode', { payloads: [plainPayload()] }));
    const decoded = await fetch(`${url}/decode`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ payloads: [encrypted] }),
    });
    expect(await payloadsOf(decoded)).toEqual([plainPayload()]);
  } finally {
    run.child.kill('SIGINT');
  }
  expect(await run.exited).toBe(0);
});
