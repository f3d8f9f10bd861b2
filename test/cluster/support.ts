/**
 * The stack of the cluster tests: the production topology of docker-compose.yml run without
 * Docker (scripts/cluster: PostgreSQL, the Temporal server, optionally the Web UI), the emulator
 * over a real socket, and `npm run worker` processes that a test can SIGKILL.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { startCluster, type RunningCluster } from '../../scripts/cluster/stack';
import { startEmulator, type EmulatorStateSummary, type RunningEmulator } from '../../src/emulator';
import { cleanEnv, runScript, type Run } from '../cli/processes';
import { STACK_CREDENTIALS, STACK_EMULATOR } from '../support/dev-stack';

export interface ClusterStack {
  cluster: RunningCluster;
  emulator: RunningEmulator;
  connection: Connection;
  client: Client;
  taskQueue: string;
  /** The environment `npm run worker` and `npm run provision` get: this cluster, queue and emulator. */
  env: NodeJS.ProcessEnv;
  /** A worker process on the task queue, once it polls. */
  startWorker(): Promise<Run>;
  /** The emulator's counts, read over HTTP as another process would (`GET /__emulator/state`). */
  emulatorState(): Promise<EmulatorStateSummary>;
  stop(): Promise<void>;
}

/** The emulator is the dev stack's (test/support/dev-stack.ts). */
export async function startClusterStack(options: { ui?: boolean } = {}): Promise<ClusterStack> {
  const [cluster, emulator] = await Promise.all([
    startCluster({ ui: options.ui, log: () => undefined }),
    startEmulator(STACK_EMULATOR),
  ]);
  const connection = await Connection.connect({ address: cluster.address });
  const client = new Client({ connection, namespace: cluster.namespace });
  const taskQueue = `cluster-${randomUUID()}`;
  const env = cleanEnv({
    TEMPORAL_ADDRESS: cluster.address,
    TEMPORAL_NAMESPACE: cluster.namespace,
    TEMPORAL_TASK_QUEUE: taskQueue,
    TWILIO_ORCHESTRATOR_BASE_URL: emulator.url,
    TWILIO_ACCOUNT_SID: STACK_CREDENTIALS.accountSid,
    TWILIO_AUTH_TOKEN: STACK_CREDENTIALS.authToken,
  });
  return {
    cluster,
    emulator,
    connection,
    client,
    taskQueue,
    env,
    async startWorker() {
      const worker = runScript('src/worker.ts', [], env);
      // It prints this once created (workflows bundled), right before it polls.
      await eventually('the worker to start', 60_000, () =>
        worker.child.exitCode === null
          ? Promise.resolve(worker.stdout().includes('[worker] polling task queue') || undefined)
          : Promise.reject(new Error(`the worker exited:\n${worker.stderr()}`)),
      );
      return worker;
    },
    async emulatorState() {
      const response = await fetch(`${emulator.url}/__emulator/state`, {
        signal: AbortSignal.timeout(5_000),
      });
      return (await response.json()) as EmulatorStateSummary;
    },
    async stop() {
      await connection.close();
      await emulator.close();
      await cluster.stop();
    },
  };
}

/**
 * Polls `check` every 200 ms until it returns a value other than undefined, for at most
 * `timeoutMs`; an error `check` throws ends the wait.
 */
export async function eventually<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await sleep(200);
  }
}
