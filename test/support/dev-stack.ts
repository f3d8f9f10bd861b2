/**
 * The stack of every test on a real dev server: the Temporal CLI binary the toolchain resolves
 * (with the provisioning's search attributes registered and fairness on, as `npm start`'s), the
 * emulator over a real socket, the worker `npm run worker` runs (`createWorker`) on a task queue
 * of its own, and a client. Its parts start together: when one fails, those already started are
 * stopped (`startTogether`).
 *
 *     const stack = useDevStack();             // started in beforeAll, stopped in afterAll
 *     const stack = await resources.start(startDevStack({ ... }), (started) => started.stop());
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { OrchestratorClient } from '../../src/api';
import { cleanEnv } from '../cli/processes';
import {
  startEmulator,
  type EmulatorCredentials,
  type EmulatorOptions,
  type RunningEmulator,
} from '../../src/emulator';
import { clientInterceptors, workflowInterceptorModules } from '../../src/observability/interceptors';
import type { Tracing } from '../../src/observability/tracing';
import { FAIRNESS_SERVER_ARGS } from '../../src/temporal/task-queue-budget';
import { resolveTemporalBinary } from '../../src/toolchain/temporal-binaries';
import { createWorker } from '../../src/worker';
import { workflowBundleOptions } from '../../src/workflow-bundle-options';
import { SEARCH_ATTRIBUTE_KEYS } from '../../src/workflows/definitions';
import { startTogether, useResources, type Resources } from '../setup/resources';

/** Distinctive values, so a test can prove none of them reached a history, a log or a span. */
export const STACK_CREDENTIALS: EmulatorCredentials = {
  accountSid: `AC${'e2'.repeat(16)}`,
  authToken: 'e2e-auth-token-8c1f3b',
};

/**
 * The stack's emulator: operations settle in 300 ms and actions in 200 ms, with no Retry-After,
 * so a provisioning of `wallClockInput` takes about a second and a half.
 */
export const STACK_EMULATOR: EmulatorOptions = {
  credentials: STACK_CREDENTIALS,
  operationLatency: { ms: 300 },
  actionLatency: { ms: 200 },
  retryAfterSeconds: 0,
};

export interface DevStackOptions {
  /** The emulator's options, over `STACK_EMULATOR`'s (its credentials stay). */
  emulator?: Omit<EmulatorOptions, 'credentials'>;
  /**
   * The client's and the worker's data converter (e.g. `encryptedDataConverter(ring)`); the
   * workflows are bundled with its failure and payload converters.
   */
  dataConverter?: DataConverter;
  /** Traces the client, the workflows (bundled with the tracing interceptors) and the activities. */
  tracing?: Tracing;
  /** Runs the project's worker in this process; `false` leaves the task queue to another one. @default true */
  worker?: boolean;
  /** Serves the dev server's Web UI on `port`, calling the codec server at `codecEndpoint`. */
  ui?: { port: number; codecEndpoint?: string };
  /** Keeps the server's state in this SQLite file (`stateFileIn`), which outlives the stack. */
  dbFile?: string;
}

export interface DevStack {
  /** The dev server: `address` for a child process, `connection` for another client. */
  testEnv: TestWorkflowEnvironment;
  /** A client with the stack's data converter and tracing. */
  client: Client;
  emulator: RunningEmulator;
  /** The queue the stack's worker polls (with `worker: false`, a fresh name nothing polls yet). */
  taskQueue: string;
  /** The dev server's SQLite file, when it keeps one. */
  dbFile: string | undefined;
  /** Stops the worker, the emulator and the server, once; the SQLite file stays. */
  stop(): Promise<void>;
}

const quietBundlerLogger = new DefaultLogger('ERROR');

/**
 * The environment of a worker process (`npm run worker`) on the stack: its server, the emulator
 * and its credentials, `taskQueue`, plus `extra`; none of the caller's settings.
 */
export function workerEnvOf(
  stack: Pick<DevStack, 'testEnv' | 'emulator'>,
  taskQueue: string,
  extra: NodeJS.ProcessEnv = {},
): NodeJS.ProcessEnv {
  return cleanEnv({
    TEMPORAL_ADDRESS: stack.testEnv.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    TWILIO_ORCHESTRATOR_BASE_URL: stack.emulator.url,
    TWILIO_ACCOUNT_SID: STACK_CREDENTIALS.accountSid,
    TWILIO_AUTH_TOKEN: STACK_CREDENTIALS.authToken,
    ...extra,
  });
}

export function startDevStack(options: DevStackOptions = {}): Promise<DevStack> {
  const { dataConverter, tracing, ui, dbFile, worker = true } = options;
  return startTogether(async (resources) => {
    const [testEnv, emulator, workflowBundle] = await Promise.all([
      resources.start(
        TestWorkflowEnvironment.createLocal({
          server: {
            executable: resolveTemporalBinary('cli').executable,
            searchAttributes: SEARCH_ATTRIBUTE_KEYS,
            ...(dbFile ? { dbFilename: dbFile } : {}),
            ...(ui ? { ui: true, uiPort: ui.port } : {}),
            extraArgs: [
              ...FAIRNESS_SERVER_ARGS,
              ...(ui?.codecEndpoint ? ['--ui-codec-endpoint', ui.codecEndpoint] : []),
            ],
          },
          client: { dataConverter, interceptors: clientInterceptors(tracing) },
        }),
        (env) => env.teardown(),
      ),
      resources.start(
        startEmulator({ ...STACK_EMULATOR, ...options.emulator, credentials: STACK_CREDENTIALS }),
        (started) => started.close(),
      ),
      worker
        ? resources.start(
            bundleWorkflowCode(
              workflowBundleOptions({
                // What createWorker asks of a given bundle for this converter and this tracing.
                failureConverterPath: dataConverter?.failureConverterPath,
                payloadConverterPath: dataConverter?.payloadConverterPath,
                workflowInterceptorModules: tracing ? workflowInterceptorModules(tracing) : undefined,
                logger: quietBundlerLogger,
              }),
            ),
          )
        : undefined,
    ]);
    const taskQueue = `dev-stack-${randomUUID()}`;
    if (workflowBundle) {
      const api = new OrchestratorClient({
        credentials: STACK_CREDENTIALS,
        conversationsBaseUrl: emulator.url,
        memoryBaseUrl: emulator.url,
      });
      resources.add(() => api.close());
      resources.run(
        await resources.start(
          createWorker({
            connection: testEnv.nativeConnection,
            taskQueue,
            api,
            workflowBundle,
            dataConverter,
            tracing,
          }),
        ),
      );
    }
    return {
      testEnv,
      client: testEnv.client,
      emulator,
      taskQueue,
      dbFile,
      stop: () => resources.stopAll(),
    };
  });
}

/**
 * A dev stack for the whole test file: started in `beforeAll`, stopped after its last test (also
 * when the start failed part-way). The stack returned stands for it in hooks and tests; it throws
 * before it exists. `options` may be a function of the file's resources (e.g. for `stateFileIn`).
 */
export function useDevStack(
  options: DevStackOptions | ((resources: Resources) => DevStackOptions) = {},
): DevStack {
  const resources = useResources();
  let started: DevStack | undefined;
  beforeAll(async () => {
    const resolved = typeof options === 'function' ? options(resources) : options;
    started = await resources.start(startDevStack(resolved), (stack) => stack.stop());
  });
  return new Proxy({} as DevStack, {
    get(_, key) {
      if (!started) throw new Error('useDevStack: the stack starts in beforeAll; use it in hooks and tests');
      return Reflect.get(started, key) as unknown;
    },
  });
}

/**
 * A SQLite file for a dev server's state, in a directory of its own that `resources` removes
 * when it stops (after every stack started later, as it stops newest first).
 */
export function stateFileIn(resources: Resources): string {
  const dir = mkdtempSync(join(tmpdir(), 'dev-stack-state-'));
  resources.add(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'temporal.db');
}
