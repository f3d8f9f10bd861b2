/**
 * An encrypted stack on a real dev server: the server keeps its state in a SQLite file the test
 * can read, the worker and the test's client encrypt with one key ring, and a second client
 * without the codec sees what the server stores. Optionally the Web UI is on, pointed at a codec
 * server.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { OrchestratorClient } from '../../src/api';
import { encryptedDataConverter, FAILURE_CONVERTER_PATH } from '../../src/codec/data-converter';
import { keyRing, type KeyRing } from '../../src/codec/key-ring';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { resolveTemporalBinary } from '../../src/toolchain/temporal-binaries';
import { createWorker } from '../../src/worker';
import { workflowBundleOptions } from '../../src/workflow-bundle-options';
import { SEARCH_ATTRIBUTE_KEYS } from '../../src/workflows/definitions';
import { E2E_CREDENTIALS } from '../e2e/support';
import { startTogether } from '../setup/resources';

export function randomRing(keyId = 'test-key-1'): KeyRing {
  return keyRing(keyId, { [keyId]: randomBytes(32).toString('base64') }, 'test');
}

export interface EncryptedStack {
  testEnv: TestWorkflowEnvironment;
  /** Encrypts and decrypts, as the toolkit's users do. */
  client: Client;
  /** No codec: sees the payloads as the server stores them. */
  rawClient: Client;
  emulator: RunningEmulator;
  taskQueue: string;
  dbFile: string;
  /** Stops the worker and the server (once); the SQLite file stays until `removeState`. */
  stop(): Promise<void>;
  removeState(): void;
}

export interface EncryptedStackOptions {
  ring: KeyRing;
  /** Web UI port and the codec endpoint it calls, if any. */
  ui?: { port: number; codecEndpoint?: string };
  /** Reuse a stopped stack's SQLite file. */
  dbFile?: string;
}

const quietBundlerLogger = new DefaultLogger('ERROR');

export async function startEncryptedStack({
  ring,
  ui,
  dbFile,
}: EncryptedStackOptions): Promise<EncryptedStack> {
  const stateDir = dbFile ? undefined : mkdtempSync(join(tmpdir(), 'encrypted-stack-'));
  const dbFilename = dbFile ?? join(stateDir!, 'temporal.db');
  const dataConverter = encryptedDataConverter(ring);
  return startTogether(async (resources) => {
    const [testEnv, emulator, workflowBundle] = await Promise.all([
      resources.start(
        TestWorkflowEnvironment.createLocal({
          server: {
            executable: resolveTemporalBinary('cli').executable,
            searchAttributes: SEARCH_ATTRIBUTE_KEYS,
            dbFilename,
            ...(ui ? { ui: true, uiPort: ui.port } : {}),
            extraArgs: ui?.codecEndpoint ? ['--ui-codec-endpoint', ui.codecEndpoint] : [],
          },
          client: { dataConverter },
        }),
        (env) => env.teardown(),
      ),
      resources.start(
        startEmulator({
          credentials: E2E_CREDENTIALS,
          operationLatency: { ms: 300 },
          actionLatency: { ms: 200 },
          retryAfterSeconds: 0,
        }),
        (started) => started.close(),
      ),
      // The bundle carries the encoding failure converter, so workflow failures are encrypted too.
      resources.start(
        bundleWorkflowCode(
          workflowBundleOptions({
            failureConverterPath: FAILURE_CONVERTER_PATH,
            logger: quietBundlerLogger,
          }),
        ),
      ),
    ]);
    const api = new OrchestratorClient({
      credentials: { accountSid: E2E_CREDENTIALS.accountSid, authToken: E2E_CREDENTIALS.authToken },
      conversationsBaseUrl: emulator.url,
      memoryBaseUrl: emulator.url,
    });
    resources.add(() => api.close());
    const taskQueue = `encrypted-${randomUUID()}`;
    resources.run(
      await resources.start(
        createWorker({ connection: testEnv.nativeConnection, taskQueue, api, workflowBundle, dataConverter }),
      ),
    );
    return {
      testEnv,
      client: testEnv.client,
      rawClient: new Client({ connection: testEnv.connection, namespace: testEnv.namespace ?? 'default' }),
      emulator,
      taskQueue,
      dbFile: dbFilename,
      stop: () => resources.stopAll(),
      removeState() {
        if (stateDir) rmSync(stateDir, { recursive: true, force: true });
      },
    };
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
