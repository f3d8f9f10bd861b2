/**
 * `npm start`'s own key, so the demo is encrypted by default: generated on the first run into
 * the state folder (`encryption-keys.json`, readable by its owner only) and reused after, so the
 * runs the dev server keeps stay readable. A key ring in the environment takes precedence.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keyRingFromEnv, newKeyFile, readKeyFile, type KeyRing } from './key-ring';

export const LOCAL_KEY_FILE = 'encryption-keys.json';

export interface StartKeys {
  ring: KeyRing;
  /** For the console: the variable or the file the keys came from. */
  source: string;
}

/** @throws EncryptionConfigError for keys in the environment or a key file that cannot work. */
export function keysForStart(stateDir: string, env: NodeJS.ProcessEnv = process.env): StartKeys {
  const fromEnv = keyRingFromEnv(env);
  if (fromEnv) return { ring: fromEnv, source: 'the ORCHESTRATOR_ENCRYPTION_* settings' };
  const path = join(stateDir, LOCAL_KEY_FILE);
  if (!existsSync(path)) {
    mkdirSync(stateDir, { recursive: true });
    // 'wx': never overwrite a key another run wrote meanwhile; its payloads need it.
    writeFileSync(path, `${JSON.stringify(newKeyFile(`local-${Date.now()}`), null, 2)}\n`, {
      mode: 0o600,
      flag: 'wx',
    });
  }
  return { ring: readKeyFile(path, `the local key file`), source: path };
}
