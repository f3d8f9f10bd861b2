/**
 * Which keys a process encrypts and decrypts payloads with. One rule for every entry point that
 * reads or writes runs — `npm start`, `npm run worker`, `npm run provision`, `npm run codec-server`
 * and the library's `dataConverterFromEnv()` — so a second shell beside `npm start` reads what
 * its worker wrote with no setting of its own:
 *
 * 1. the key ring in the environment (`ORCHESTRATOR_ENCRYPTION_*`, see ./key-ring.ts), else
 * 2. the state folder's key file, `encryption-keys.json` in `ORCHESTRATOR_STATE_DIR` (default
 *    `.local/` in this checkout), when it exists, else
 * 3. none: payloads travel unencrypted.
 *
 * `npm start` also writes that key file when it is absent (a random key, readable by its owner
 * only), so the demo is encrypted by default and its runs stay readable on later starts.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { keyRingFromEnv, newKeyFile, readKeyFile, type KeyRing } from './key-ring';

/** Git-ignored: the embedded dev server's SQLite state and the key file, kept between runs. */
export const LOCAL_STATE_DIR = resolve(__dirname, '..', '..', '.local');

export const LOCAL_KEY_FILE = 'encryption-keys.json';

/** `ORCHESTRATOR_STATE_DIR`, else `.local/` in this checkout. */
export function stateDirFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.ORCHESTRATOR_STATE_DIR || LOCAL_STATE_DIR;
}

/** Where the state folder's key file is, whether or not it exists. */
export function localKeyFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(stateDirFromEnv(env), LOCAL_KEY_FILE);
}

export interface ConfiguredKeys {
  ring: KeyRing;
  /** For the console: the variables or the file the keys came from. */
  source: string;
}

export interface ConfiguredKeysOptions {
  /** Write a fresh key file into the state folder when there is none (`npm start`). @default false */
  createLocalKey?: boolean;
}

/**
 * The keys of this process by the rule above; `undefined` when there are none.
 *
 * @throws EncryptionConfigError for keys in the environment or a key file that cannot work,
 *   naming the variable or the file and the rule, never a key.
 */
export function configuredKeys(env: NodeJS.ProcessEnv, options: { createLocalKey: true }): ConfiguredKeys;
export function configuredKeys(
  env?: NodeJS.ProcessEnv,
  options?: ConfiguredKeysOptions,
): ConfiguredKeys | undefined;
export function configuredKeys(
  env: NodeJS.ProcessEnv = process.env,
  { createLocalKey = false }: ConfiguredKeysOptions = {},
): ConfiguredKeys | undefined {
  const fromEnv = keyRingFromEnv(env);
  if (fromEnv) return { ring: fromEnv, source: 'the ORCHESTRATOR_ENCRYPTION_* settings' };
  const path = localKeyFilePath(env);
  if (!existsSync(path)) {
    if (!createLocalKey) return undefined;
    mkdirSync(stateDirFromEnv(env), { recursive: true });
    try {
      // 'wx': never overwrite a key another run wrote meanwhile; its payloads need it.
      writeFileSync(path, `${JSON.stringify(newKeyFile(`local-${Date.now()}`), null, 2)}\n`, {
        mode: 0o600,
        flag: 'wx',
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return { ring: readKeyFile(path, "the state folder's key file"), source: path };
}
