import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EncryptionConfigError, keyRingFromEnv, newKeyFile } from '../../src/codec/key-ring';

const KEY_A = Buffer.alloc(32, 1).toString('base64');
const KEY_B = Buffer.alloc(32, 2).toString('base64');

function configError(env: NodeJS.ProcessEnv): EncryptionConfigError {
  try {
    keyRingFromEnv(env);
  } catch (err) {
    expect(err).toBeInstanceOf(EncryptionConfigError);
    return err as EncryptionConfigError;
  }
  throw new Error('expected an EncryptionConfigError');
}

test('no key configured: no ring, payloads stay unencrypted', () => {
  expect(keyRingFromEnv({})).toBeUndefined();
});

test('a key list: the first key is current unless ORCHESTRATOR_ENCRYPTION_KEY_ID names another', () => {
  const list = `k1:${KEY_A},k2:${KEY_B}`;
  const first = keyRingFromEnv({ ORCHESTRATOR_ENCRYPTION_KEYS: list })!;
  expect(first.currentKeyId).toBe('k1');
  expect([...first.keys.keys()]).toEqual(['k1', 'k2']);
  expect(first.keys.get('k2')).toEqual(Buffer.alloc(32, 2));
  const named = keyRingFromEnv({ ORCHESTRATOR_ENCRYPTION_KEYS: list, ORCHESTRATOR_ENCRYPTION_KEY_ID: 'k2' })!;
  expect(named.currentKeyId).toBe('k2');
});

test('a key file', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'keys-')), 'keys.json');
  writeFileSync(path, JSON.stringify({ currentKeyId: 'k2', keys: { k1: KEY_A, k2: KEY_B } }));
  const ring = keyRingFromEnv({ ORCHESTRATOR_ENCRYPTION_KEY_FILE: path })!;
  expect(ring.currentKeyId).toBe('k2');
  expect(ring.keys.size).toBe(2);
});

test('a fresh key file holds one random 32-byte key, current', () => {
  const file = newKeyFile('local-1');
  expect(file.currentKeyId).toBe('local-1');
  expect(Buffer.from(file.keys['local-1']!, 'base64')).toHaveLength(32);
  expect(newKeyFile('local-1').keys['local-1']).not.toBe(file.keys['local-1']);
});

test.each([
  [
    'bad base64',
    `k1:${KEY_A.slice(0, 20)}!!${KEY_A.slice(22)}`,
    /ORCHESTRATOR_ENCRYPTION_KEYS: key "k1" must be 32 bytes in base64/,
  ],
  ['a 16-byte key', `k1:${Buffer.alloc(16, 7).toString('base64')}`, /key "k1" must be 32 bytes/],
  ['no key ID', KEY_A, /entry 1 must be keyId:base64key/],
  ['a duplicate ID', `k1:${KEY_A},k1:${KEY_B}`, /key ID "k1" appears twice/],
  ['a bad key ID', `k 1:${KEY_A}`, /key ID "k 1" must be 1 to 64 letters/],
])('%s is refused, naming the variable and never printing a key', (_case, list, message) => {
  const err = configError({ ORCHESTRATOR_ENCRYPTION_KEYS: list });
  expect(err.message).toMatch(message);
  expect(err.message).not.toContain(KEY_A.slice(0, 12));
  expect(err.message).not.toContain(KEY_B.slice(0, 12));
});

test('a current key ID missing from the ring, both sources, or an ID alone are refused', () => {
  expect(
    configError({ ORCHESTRATOR_ENCRYPTION_KEYS: `k1:${KEY_A}`, ORCHESTRATOR_ENCRYPTION_KEY_ID: 'k9' })
      .message,
  ).toMatch(/current key ID "k9" is not among the keys \(k1\)/);
  expect(
    configError({ ORCHESTRATOR_ENCRYPTION_KEYS: `k1:${KEY_A}`, ORCHESTRATOR_ENCRYPTION_KEY_FILE: '/x' })
      .message,
  ).toMatch(/set one of ORCHESTRATOR_ENCRYPTION_KEYS and ORCHESTRATOR_ENCRYPTION_KEY_FILE/);
  expect(configError({ ORCHESTRATOR_ENCRYPTION_KEY_ID: 'k1' }).message).toMatch(
    /ORCHESTRATOR_ENCRYPTION_KEY_ID is set but ORCHESTRATOR_ENCRYPTION_KEYS holds no key/,
  );
});

test('a key file that is missing, not JSON, or shaped wrongly is refused, naming the variable', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keys-'));
  const notJson = join(dir, 'not.json');
  writeFileSync(notJson, `{"currentKeyId": "k1", "keys": {"k1": "${KEY_A}"`);
  const wrongShape = join(dir, 'shape.json');
  writeFileSync(wrongShape, JSON.stringify({ current: 'k1', keys: [KEY_A] }));
  const shortKey = join(dir, 'short.json');
  writeFileSync(shortKey, JSON.stringify({ currentKeyId: 'k1', keys: { k1: 'c2hvcnQ=' } }));
  const cases: Array<[string, RegExp]> = [
    [join(dir, 'absent.json'), /ORCHESTRATOR_ENCRYPTION_KEY_FILE: the key file cannot be read/],
    [notJson, /ORCHESTRATOR_ENCRYPTION_KEY_FILE: the key file is not valid JSON/],
    [wrongShape, /the key file must be \{"currentKeyId"/],
    [shortKey, /ORCHESTRATOR_ENCRYPTION_KEY_FILE \(.*short\.json\): key "k1" must be 32 bytes/],
  ];
  for (const [path, message] of cases) {
    const err = configError({ ORCHESTRATOR_ENCRYPTION_KEY_FILE: path });
    expect(err.message).toMatch(message);
    expect(err.message).not.toContain(KEY_A.slice(0, 12));
  }
});
