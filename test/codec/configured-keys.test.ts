/**
 * The one rule every entry point takes its keys by: the environment's ring, else the state
 * folder's key file when it exists, else none; `npm start` alone writes that file.
 */
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPayloadConverter, type Payload, type PayloadCodec } from '@temporalio/common';
import {
  configuredKeys,
  LOCAL_KEY_FILE,
  LOCAL_STATE_DIR,
  stateDirFromEnv,
} from '../../src/codec/configured-keys';
import { dataConverterFromEnv } from '../../src/codec/data-converter';
import { EncryptionConfigError } from '../../src/codec/key-ring';
import { codecServerOptionsFromEnv } from '../../src/codec/main';

const KEY_A = Buffer.alloc(32, 1).toString('base64');
const input = { to: '+15551230001', text: 'Hello Ada' };
const plain = (): Payload => defaultPayloadConverter.toPayload(input);

const freshStateDir = () => mkdtempSync(join(tmpdir(), 'configured-keys-'));

/** A state folder whose key file `npm start` wrote. */
function startedStateDir(): string {
  const stateDir = freshStateDir();
  configuredKeys({ ORCHESTRATOR_STATE_DIR: stateDir }, { createLocalKey: true });
  return stateDir;
}

function codecOf(env: NodeJS.ProcessEnv): PayloadCodec {
  const [codec] = dataConverterFromEnv(env).payloadCodecs ?? [];
  return codec!;
}

test('the state folder is ORCHESTRATOR_STATE_DIR, else .local/ in the checkout', () => {
  expect(stateDirFromEnv({ ORCHESTRATOR_STATE_DIR: '/srv/state' })).toBe('/srv/state');
  expect(stateDirFromEnv({})).toBe(LOCAL_STATE_DIR);
  expect(LOCAL_STATE_DIR).toBe(join(__dirname, '..', '..', '.local'));
});

test('npm start writes a key file readable by its owner only, once, and reuses it', () => {
  const stateDir = join(freshStateDir(), 'not-yet-made');
  const env = { ORCHESTRATOR_STATE_DIR: stateDir };
  const first = configuredKeys(env, { createLocalKey: true });
  const path = join(stateDir, LOCAL_KEY_FILE);
  expect(first.source).toBe(path);
  expect(statSync(path).mode & 0o777).toBe(0o600);
  const written = readFileSync(path, 'utf8');
  const again = configuredKeys(env, { createLocalKey: true });
  expect(readFileSync(path, 'utf8')).toBe(written);
  expect(again.ring.currentKeyId).toBe(first.ring.currentKeyId);
  expect(again.ring.keys.get(again.ring.currentKeyId)).toEqual(first.ring.keys.get(first.ring.currentKeyId));
});

test('every other entry point reads the key file when it exists, and never writes one', () => {
  const stateDir = startedStateDir();
  const fromStart = configuredKeys({ ORCHESTRATOR_STATE_DIR: stateDir }, { createLocalKey: true });
  const fromShell = configuredKeys({ ORCHESTRATOR_STATE_DIR: stateDir })!;
  expect(fromShell.source).toBe(join(stateDir, LOCAL_KEY_FILE));
  expect(fromShell.ring).toEqual(fromStart.ring);

  const empty = freshStateDir();
  expect(configuredKeys({ ORCHESTRATOR_STATE_DIR: empty })).toBeUndefined();
  expect(existsSync(join(empty, LOCAL_KEY_FILE))).toBe(false);
});

test('keys in the environment win over the key file, for npm start too', () => {
  const stateDir = startedStateDir();
  const env = { ORCHESTRATOR_STATE_DIR: stateDir, ORCHESTRATOR_ENCRYPTION_KEYS: `ops:${KEY_A}` };
  for (const keys of [configuredKeys(env)!, configuredKeys(env, { createLocalKey: true })]) {
    expect(keys.source).toBe('the ORCHESTRATOR_ENCRYPTION_* settings');
    expect([...keys.ring.keys.keys()]).toEqual(['ops']);
  }
});

test('a key file that cannot work is refused naming the file, never a key', () => {
  const stateDir = freshStateDir();
  const path = join(stateDir, LOCAL_KEY_FILE);
  writeFileSync(path, JSON.stringify({ currentKeyId: 'local-1', keys: { 'local-1': 'c2hvcnQ=' } }));
  const read = () => configuredKeys({ ORCHESTRATOR_STATE_DIR: stateDir });
  expect(read).toThrow(EncryptionConfigError);
  expect(read).toThrow(`the state folder's key file (${path}): key "local-1" must be 32 bytes in base64`);
  expect(read).not.toThrow(/c2hvcnQ=/);
});

test("a second shell's data converter and codec server read what npm start's wrote", async () => {
  const stateDir = startedStateDir();
  const env = { ORCHESTRATOR_STATE_DIR: stateDir };
  const [encrypted] = await codecOf(env).encode([plain()]);
  expect(Buffer.from(encrypted!.data!).toString('latin1')).not.toContain(input.to);

  const [decoded] = await codecOf(env).decode([encrypted!]);
  expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(input);
  const server = codecServerOptionsFromEnv({ ...env, ORCHESTRATOR_CODEC_TOKEN: 'a-token-of-24-characters' });
  const [viaServer] = await server.codec.decode([encrypted!]);
  expect(defaultPayloadConverter.fromPayload(viaServer!)).toEqual(input);
});

test('without keys: payloads travel as they are, and an encrypted one is refused naming its key', async () => {
  const startDir = startedStateDir();
  const { currentKeyId } = configuredKeys({ ORCHESTRATOR_STATE_DIR: startDir })!.ring;
  const [encrypted] = await codecOf({ ORCHESTRATOR_STATE_DIR: startDir }).encode([plain()]);

  const keyless = codecOf({ ORCHESTRATOR_STATE_DIR: freshStateDir() });
  const [sent] = await keyless.encode([plain()]);
  expect(defaultPayloadConverter.fromPayload(sent!)).toEqual(input);
  const [received] = await keyless.decode([plain()]);
  expect(defaultPayloadConverter.fromPayload(received!)).toEqual(input);
  await expect(keyless.decode([encrypted!])).rejects.toThrow(
    `a payload is encrypted with key "${currentKeyId}", and no encryption key is configured: ` +
      'give this process that key in ORCHESTRATOR_ENCRYPTION_KEYS or ORCHESTRATOR_ENCRYPTION_KEY_FILE, ' +
      `or, with neither set, in the state folder's ${LOCAL_KEY_FILE}`,
  );
});
