/**
 * What the encryption tests add to the dev stack (test/support/dev-stack.ts): a fresh key ring,
 * the options of a stack that encrypts with it and keeps the server's state in a SQLite file the
 * test can read, and a client without the codec that sees what the server stores.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { encryptedDataConverter } from '../../src/codec/data-converter';
import { keyRing, type KeyRing } from '../../src/codec/key-ring';
import { stateFileIn, type DevStack, type DevStackOptions } from '../support/dev-stack';
import type { Resources } from '../setup/resources';

export function randomRing(keyId = 'test-key-1'): KeyRing {
  return keyRing(keyId, { [keyId]: randomBytes(32).toString('base64') }, 'test');
}

/** A stack whose client and worker encrypt with `ring`, its state in a file `resources` removes. */
export function encryptedStackOptions(ring: KeyRing, resources: Resources): DevStackOptions {
  return { dataConverter: encryptedDataConverter(ring), dbFile: stateFileIn(resources) };
}

/** No codec: sees the payloads as the server stores them. */
export function rawClientOf(stack: DevStack): Client {
  return new Client({
    connection: stack.testEnv.connection,
    namespace: stack.testEnv.namespace ?? 'default',
  });
}

/** Every byte the dev server wrote for its SQLite state (the database and its WAL), as text. */
export function sqliteText(dbFile: string): string {
  const dir = join(dbFile, '..');
  const base = dbFile.slice(dir.length + 1);
  return readdirSync(dir)
    .filter((name) => name.startsWith(base))
    .map((name) => readFileSync(join(dir, name)).toString('latin1'))
    .join('\n');
}
