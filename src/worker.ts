/**
 * The provisioning worker: runs `provisionOrchestrator` and the activities that call the
 * Orchestrator API.
 *
 * `npm run worker` connects with the environment alone (see src/temporal/connection.ts for
 * TEMPORAL_*; TWILIO_* for the Orchestrator, see src/api), polls `TEMPORAL_TASK_QUEUE`
 * (default `orchestrator-provisioning`), logs at `TEMPORAL_LOG_LEVEL` (default INFO) and drains
 * in-flight tasks on SIGINT/SIGTERM before it exits. `createWorker` is the same worker for `npm start`, the tests and the benchmark.
 */
import {
  DefaultLogger,
  NativeConnection,
  Runtime,
  Worker,
  type LogLevel,
  type WorkerOptions,
} from '@temporalio/worker';
import type { WorkflowBundle } from '@temporalio/worker';
import type { DataConverter } from '@temporalio/common';
import { createActivities } from './activities';
import { OrchestratorClient, clientOptionsFromEnv, type OrchestratorApi } from './api';
import { describeClientOptions } from './cli/describe-orchestrator';
import { dataConverterFromEnv } from './codec/data-converter';
import { describeTemporalTarget, temporalTargetFromEnv } from './temporal/connection';
import { DEFAULT_TASK_QUEUE } from './workflows/definitions';

export interface ProvisioningWorkerOptions {
  /** A connection to the Temporal frontend; the caller closes it after the worker stops. */
  connection: NativeConnection;
  /** @default 'default' */
  namespace?: string;
  /** @default DEFAULT_TASK_QUEUE */
  taskQueue?: string;
  /** What the activities call: an `OrchestratorClient`, pointed at Twilio or the emulator. */
  api: OrchestratorApi;
  /**
   * Workflow code bundled once by `bundleWorkflowCode` (tests and benchmarks reuse it across
   * workers). @default bundles src/workflows when the worker is created (a few seconds)
   */
  workflowBundle?: WorkflowBundle;
  /**
   * Encrypts payloads and failures (`dataConverterFromEnv()` or `encryptedDataConverter(ring)`
   * from src/codec). A given `workflowBundle` must then be bundled with
   * `failureConverterPath: FAILURE_CONVERTER_PATH`, so workflow failures are encrypted too.
   * @default unencrypted, the SDK's default
   */
  dataConverter?: DataConverter;
  /** Concurrency limits and the like, passed to `Worker.create` unchanged. */
  tuning?: Pick<
    WorkerOptions,
    'maxConcurrentActivityTaskExecutions' | 'maxConcurrentWorkflowTaskExecutions' | 'maxCachedWorkflows'
  >;
}

/** Where the worker finds its workflows: the given bundle, else the sources next to this file. */
export const WORKFLOWS_PATH = require.resolve('./workflows');

export async function createWorker(options: ProvisioningWorkerOptions): Promise<Worker> {
  const workflows = options.workflowBundle
    ? { workflowBundle: options.workflowBundle }
    : { workflowsPath: WORKFLOWS_PATH };
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
    activities: createActivities(options.api),
    dataConverter: options.dataConverter,
    ...workflows,
    ...options.tuning,
  });
}

/**
 * Runs a worker configured from the environment until a shutdown signal (the Runtime's
 * SIGINT/SIGTERM handling) has drained it, then closes its connections.
 */
export async function runWorker(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  // Credentials are checked before connecting: a missing variable is named at once.
  const orchestrator = clientOptionsFromEnv(env);
  const api = new OrchestratorClient(orchestrator);
  const target = temporalTargetFromEnv();
  const taskQueue = env.TEMPORAL_TASK_QUEUE || DEFAULT_TASK_QUEUE;
  const dataConverter = dataConverterFromEnv(env);
  const connection = await NativeConnection.connect(target.connectionOptions);
  try {
    const worker = await createWorker({
      connection,
      namespace: target.namespace,
      taskQueue,
      api,
      dataConverter,
    });
    console.log(`[worker] polling task queue ${taskQueue} on ${describeTemporalTarget(target)}`);
    console.log(`[worker] Orchestrator: ${describeClientOptions(orchestrator)}`);
    console.log(
      `[worker] payloads: ${dataConverter ? 'encrypted' : 'not encrypted (no ORCHESTRATOR_ENCRYPTION_* keys)'}`,
    );
    await worker.run();
    console.log('[worker] stopped');
  } finally {
    await connection.close();
    await api.close();
  }
}

const LOG_LEVELS: readonly LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];

/** `TEMPORAL_LOG_LEVEL` (TRACE, DEBUG, INFO, WARN, ERROR; default INFO) of the SDK's logger. */
export function logLevelFromEnv(env: NodeJS.ProcessEnv = process.env): LogLevel {
  const wanted = env.TEMPORAL_LOG_LEVEL?.toUpperCase();
  return LOG_LEVELS.find((level) => level === wanted) ?? 'INFO';
}

if (require.main === module) {
  Runtime.install({ logger: new DefaultLogger(logLevelFromEnv()), shutdownSignals: ['SIGINT', 'SIGTERM'] });
  runWorker().catch((err: unknown) => {
    console.error(`[worker] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
