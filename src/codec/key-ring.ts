/**
 * The encryption keys of the payload codec, as a key ring: every key has an ID, new payloads are
 * encrypted with the current one, and a payload names the key it was encrypted with, so payloads
 * written before a rotation still decrypt with the older keys kept in the ring.
 *
 * From the environment (first match wins; setting both is an error):
 * - `ORCHESTRATOR_ENCRYPTION_KEYS="id1:base64key,id2:base64key"`, the current key named by
 *   `ORCHESTRATOR_ENCRYPTION_KEY_ID` (default: the first in the list);
 * - `ORCHESTRATOR_ENCRYPTION_KEY_FILE=path` to JSON `{"currentKeyId": "id2", "keys": {"id1": "base64key", ...}}`.
 *
 * A key is 32 random bytes (AES-256) in base64: `openssl rand -base64 32`. Errors name the
 * variable, the key ID and the rule, never a key.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigurationError } from '../common/configuration-error';

export const KEY_BYTES = 32;

export const ENCRYPTION_ENV = {
  keys: 'ORCHESTRATOR_ENCRYPTION_KEYS',
  keyId: 'ORCHESTRATOR_ENCRYPTION_KEY_ID',
  keyFile: 'ORCHESTRATOR_ENCRYPTION_KEY_FILE',
} as const;

/** Key IDs travel in every payload's metadata: short and plain. */
const KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export interface KeyRing {
  /** The key new payloads are encrypted with. */
  readonly currentKeyId: string;
  /** Every key that may still decrypt a payload, by ID (the current one among them). */
  readonly keys: ReadonlyMap<string, Buffer>;
}

/** A setting of the key ring that cannot work: names the variable and the rule, never a key. */
export class EncryptionConfigError extends ConfigurationError {}

/** Checks every key and the current ID; `source` names where they came from, for the message. */
export function keyRing(currentKeyId: string, encodedKeys: Record<string, string>, source: string): KeyRing {
  const keys = new Map<string, Buffer>();
  for (const [id, encoded] of Object.entries(encodedKeys)) {
    if (!KEY_ID_PATTERN.test(id)) {
      throw new EncryptionConfigError(
        `${source}: key ID "${id.slice(0, 64)}" must be 1 to 64 letters, digits, ".", "_" or "-"`,
      );
    }
    if (keys.has(id)) throw new EncryptionConfigError(`${source}: key ID "${id}" appears twice`);
    keys.set(id, decodeKey(encoded, id, source));
  }
  if (keys.size === 0) throw new EncryptionConfigError(`${source}: holds no key`);
  if (!keys.has(currentKeyId)) {
    throw new EncryptionConfigError(
      `${source}: the current key ID "${currentKeyId}" is not among the keys (${[...keys.keys()].join(', ')})`,
    );
  }
  return { currentKeyId, keys };
}

function decodeKey(encoded: string, id: string, source: string): Buffer {
  const text = encoded.trim();
  // Buffer.from skips characters outside the alphabet: check the text itself first.
  const key = /^[A-Za-z0-9+/]+={0,2}$/.test(text) ? Buffer.from(text, 'base64') : undefined;
  if (!key || key.length !== KEY_BYTES) {
    throw new EncryptionConfigError(
      `${source}: key "${id}" must be ${KEY_BYTES} bytes in base64 (44 characters; openssl rand -base64 32)`,
    );
  }
  return key;
}

const KeyFileSchema = z.object({
  currentKeyId: z.string(),
  keys: z.record(z.string(), z.string()),
});

/** The JSON of a key file, as `ORCHESTRATOR_ENCRYPTION_KEY_FILE` and `npm start` keep it. */
export type KeyFile = z.infer<typeof KeyFileSchema>;

/**
 * The key ring the environment configures, or `undefined` when none is: payloads then travel
 * unencrypted, as Temporal's default data converter leaves them.
 *
 * @throws EncryptionConfigError naming the variable and the rule.
 */
export function keyRingFromEnv(env: NodeJS.ProcessEnv = process.env): KeyRing | undefined {
  const list = env[ENCRYPTION_ENV.keys];
  const file = env[ENCRYPTION_ENV.keyFile];
  if (list && file) {
    throw new EncryptionConfigError(
      `set one of ${ENCRYPTION_ENV.keys} and ${ENCRYPTION_ENV.keyFile}, not both`,
    );
  }
  if (file) {
    if (env[ENCRYPTION_ENV.keyId]) {
      throw new EncryptionConfigError(
        `${ENCRYPTION_ENV.keyId} goes with ${ENCRYPTION_ENV.keys}; a key file names its own currentKeyId`,
      );
    }
    return readKeyFile(file, ENCRYPTION_ENV.keyFile);
  }
  if (list) return keyRingFromList(list, env[ENCRYPTION_ENV.keyId]);
  if (env[ENCRYPTION_ENV.keyId]) {
    throw new EncryptionConfigError(`${ENCRYPTION_ENV.keyId} is set but ${ENCRYPTION_ENV.keys} holds no key`);
  }
  return undefined;
}

function keyRingFromList(list: string, currentKeyId: string | undefined): KeyRing {
  const entries = list.split(',').map((entry, index) => {
    const colon = entry.indexOf(':');
    if (colon < 1) {
      throw new EncryptionConfigError(
        `${ENCRYPTION_ENV.keys}: entry ${index + 1} must be keyId:base64key (entries separated by commas)`,
      );
    }
    return [entry.slice(0, colon).trim(), entry.slice(colon + 1)] as const;
  });
  const ids = entries.map(([id]) => id);
  const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
  if (duplicate !== undefined) {
    throw new EncryptionConfigError(`${ENCRYPTION_ENV.keys}: key ID "${duplicate}" appears twice`);
  }
  const source = currentKeyId ? `${ENCRYPTION_ENV.keys} with ${ENCRYPTION_ENV.keyId}` : ENCRYPTION_ENV.keys;
  return keyRing(currentKeyId || ids[0]!, Object.fromEntries(entries), source);
}

/** Reads and checks a key file; `source` names it in errors (the variable, or the file's role). */
export function readKeyFile(path: string, source: string): KeyRing {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    // The reason only: a JSON parse error quotes no key, but a read error's path is useful.
    const reason =
      err instanceof SyntaxError ? 'is not valid JSON' : `cannot be read (${(err as Error).message})`;
    throw new EncryptionConfigError(`${source}: the key file ${reason}`);
  }
  const parsed = KeyFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new EncryptionConfigError(
      `${source}: the key file must be {"currentKeyId": "...", "keys": {"<keyId>": "<base64 key>", ...}}`,
    );
  }
  return keyRing(parsed.data.currentKeyId, parsed.data.keys, `${source} (${path})`);
}

/** A fresh key file's content: one random key, current. */
export function newKeyFile(keyId: string): KeyFile {
  return { currentKeyId: keyId, keys: { [keyId]: randomBytes(KEY_BYTES).toString('base64') } };
}
