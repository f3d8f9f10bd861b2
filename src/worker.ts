/**
 * The provisioning worker: runs `provisionOrchestrator` and the activities that call the
 * Orchestrator API.
 *
 * `npm run worker` connects with the environment alone (see src/temporal/connection.ts for
 * TEMPORAL_*; TWILIO_* for the Orchestrator, see src/api), polls `TEMPORAL_TASK_QUEUE`
 * (default `orchestrator-provisioning`), logs at `TEMPORAL_LOG_LEVEL` (default INFO) and drains
 * in-flight tasks on SIGINT/SIGTERM before it exits. `createWorker` is the same worker for `npm start`, the tests and the benchmark.
 *
 * Compiled by `npm run build`, this file runs as `node dist/worker.js` (through
 * bin/orchestrator-worker: `npm run worker:prod`, the Dockerfile) and loads the workflow bundle built next to it (dist/workflow-bundle*.js):
 * no TypeScript loader and no bundling at start-up. Under tsx (`npm run worker`) there is no
 * such bundle and the worker bundles src/workflows when it starts, as in development.
 * Concurrency and the sticky cache come from TEMPORAL_MAX_* (src/worker-tuning.ts); the API budget
 * of all workers together, ORCHESTRATOR_API_RATE, is set on the server before it polls
 * (src/temporal/task-queue-budget.ts). A bad setting exits 2, naming the variable and its rule.
 * It refuses to start on a namespace that lacks the workflows' search attributes, naming the
 * command that registers them; ORCHESTRATOR_REGISTER_SEARCH_ATTRIBUTES=true registers them instead.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
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
import { describeClientOptions } from './api/describe-client-options';
import { configuredKeys, localKeyFilePath } from './codec/configured-keys';
import { dataConverterFor, FAILURE_CONVERTER_PATH } from './codec/data-converter';
import { ConfigurationError } from './common/configuration-error';
import { workerTelemetry } from './observability/interceptors';
import { runtimeTelemetryFromEnv } from './observability/runtime';
import { tracingFromEnv, type Tracing } from './observability/tracing';
import { describeTemporalTarget, taskQueueFromEnv, temporalTargetFromEnv } from './temporal/connection';
import { checkSearchAttributes, type SearchAttributePolicy } from './temporal/search-attributes';
import {
  apiRateFromEnv,
  applyApiBudget,
  describeApiBudget,
  readApiBudget,
  type ApiRate,
} from './temporal/task-queue-budget';
import { WORKFLOW_BUNDLER_OPTIONS, WORKFLOWS_PATH } from './workflow-bundle-options';
import { describeWorkerTuning, workerTuningFromEnv } from './worker-tuning';
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
   * Workflow code bundled once by `bundleWorkflowCode(workflowBundleOptions())` (tests and
   * benchmarks reuse it across workers). @default the prebuilt bundle next to this file that
   * fits `dataConverter`, when there is one (`prebuiltWorkflowBundlePath`, written by
   * `npm run build`), else bundles `WORKFLOWS_PATH` when the worker is created (a few seconds)
   */
  workflowBundle?: WorkflowBundle;
  /**
   * Encrypts payloads and failures (`dataConverterFromEnv()` or `encryptedDataConverter(ring)`
   * from src/codec). A given `workflowBundle` must then be bundled with
   * `failureConverterPath: FAILURE_CONVERTER_PATH`, so workflow failures are encrypted too.
   * @default unencrypted, the SDK's default
   */
  dataConverter?: DataConverter;
  /**
   * OpenTelemetry tracing (`tracingFromEnv()` or `startTracing(...)` from src/observability): spans
   * for the workflow run and each activity. A given `workflowBundle` must then be bundled with
   * `workflowInterceptorModules(tracing)`. @default no tracing
   */
  tracing?: Tracing;
  /**
   * What to do when the namespace lacks a search attribute the workflows set, which would fail
   * every workflow task: `require` refuses to start (`MissingSearchAttributesError`, naming them
   * and the `temporal` command that registers them), `register` registers them (operator
   * rights), `skip` does not look. Checked by default because such a worker would otherwise
   * start and look healthy while no run moves; the check is one call, made before bundling.
   * @default 'require'
   */
  searchAttributes?: SearchAttributePolicy;
  /**
   * The Orchestrator API budget: requests per second for all workers of the task queue together
   * (`ORCHESTRATOR_API_RATE` for `npm run worker` and `npm start`), set on the server before the
   * worker polls (src/temporal/task-queue-budget.ts); `'unlimited'` removes a limit set earlier.
   * The last worker to start wins. Throws `ApiBudgetUnavailableError` when the server has no
   * task-queue config API (before 1.29) or refuses it to these credentials.
   * @default leaves the queue's limit as it is (none, unless a worker or an operator set one)
   */
  apiRate?: ApiRate;
  /**
   * Concurrency limits and the like, passed to `Worker.create` unchanged.
   * `maxConcurrentActivityTaskExecutions` bounds this worker's Orchestrator calls in flight (one
   * request per activity), as `apiRate` bounds all workers' requests per second.
   */
  tuning?: Pick<
    WorkerOptions,
    'maxConcurrentActivityTaskExecutions' | 'maxConcurrentWorkflowTaskExecutions' | 'maxCachedWorkflows'
  >;
}

/**
 * Where `npm run build` writes the bundled workflows for a data converter, next to the compiled
 * worker (dist/): converters loaded by path run inside the bundle, so a prebuilt bundle fits
 * only the converters it was built with. `undefined` for converters no build knows.
 */
export function prebuiltWorkflowBundlePath(dataConverter?: DataConverter): string | undefined {
  if (dataConverter?.payloadConverterPath) return undefined;
  if (!dataConverter?.failureConverterPath) return join(__dirname, 'workflow-bundle.js');
  if (dataConverter.failureConverterPath === FAILURE_CONVERTER_PATH)
    return join(__dirname, 'workflow-bundle-encrypted.js');
  return undefined;
}

/** The given bundle, else the prebuilt one if this is the compiled worker, else the sources. */
function workflowSource(given: WorkflowBundle | undefined, dataConverter: DataConverter | undefined) {
  if (given) return { workflowBundle: given };
  const prebuilt = prebuiltWorkflowBundlePath(dataConverter);
  if (prebuilt && existsSync(prebuilt)) return { workflowBundle: { codePath: prebuilt } };
  return { workflowsPath: WORKFLOWS_PATH, bundlerOptions: WORKFLOW_BUNDLER_OPTIONS };
}

export async function createWorker(options: ProvisioningWorkerOptions): Promise<Worker> {
  const namespace = options.namespace ?? 'default';
  const taskQueue = options.taskQueue ?? DEFAULT_TASK_QUEUE;
  await checkSearchAttributes(options.connection, namespace, options.searchAttributes);
  // Before the worker polls, so its first calls are already within the budget.
  if (options.apiRate !== undefined)
    await applyApiBudget(options.connection, { namespace, taskQueue }, options.apiRate);
  const workflows = workflowSource(options.workflowBundle, options.dataConverter);
  return Worker.create({
    connection: options.connection,
    namespace,
    taskQueue,
    activities: createActivities(options.api),
    dataConverter: options.dataConverter,
    ...workflows,
    ...workerTelemetry(options.tracing, 'workflowBundle' in workflows),
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
  const tuning = workerTuningFromEnv(env);
  const api = new OrchestratorClient(orchestrator);
  const target = temporalTargetFromEnv();
  const taskQueue = taskQueueFromEnv(env);
  const keys = configuredKeys(env);
  const dataConverter = dataConverterFor(keys);
  const searchAttributes = searchAttributePolicyFromEnv(env);
  const apiRate = apiRateFromEnv(env);
  const tracing = tracingFromEnv(env);
  requirePrebuiltBundleInProduction(env, dataConverter);
  const connection = await NativeConnection.connect(target.connectionOptions);
  try {
    const worker = await createWorker({
      connection,
      namespace: target.namespace,
      taskQueue,
      api,
      tuning,
      dataConverter,
      tracing,
      searchAttributes,
      apiRate,
    });
    console.log(`[worker] polling task queue ${taskQueue} on ${describeTemporalTarget(target)}`);
    console.log(`[worker] tuning: ${describeWorkerTuning(tuning)}`);
    const budget = await readApiBudget(connection, { namespace: target.namespace, taskQueue });
    console.log(`[worker] API budget: ${describeApiBudget(budget, apiRate)}`);
    console.log(`[worker] Orchestrator: ${describeClientOptions(orchestrator)}`);
    console.log(
      `[worker] payloads: ${
        keys
          ? `encrypted with key ${keys.ring.currentKeyId} (from ${keys.source})`
          : `not encrypted (no ORCHESTRATOR_ENCRYPTION_* keys, no key file at ${localKeyFilePath(env)})`
      }`,
    );
    await worker.run();
    console.log('[worker] stopped');
  } finally {
    await connection.close();
    await api.close();
    await tracing?.shutdown();
  }
}

/** Production never bundles at start-up: a missing bundle means the build did not run. */
function requirePrebuiltBundleInProduction(env: NodeJS.ProcessEnv, dataConverter: DataConverter | undefined) {
  if (env.NODE_ENV !== 'production') return;
  const prebuilt = prebuiltWorkflowBundlePath(dataConverter);
  if (prebuilt && existsSync(prebuilt)) return;
  throw new ConfigurationError(
    `NODE_ENV=production needs a prebuilt workflow bundle (${prebuilt ?? 'none fits this data converter'}): ` +
      'run `npm run build`, then start the compiled worker, `npm run worker:prod` (node dist/worker.js)',
  );
}

/**
 * `ORCHESTRATOR_REGISTER_SEARCH_ATTRIBUTES=true`: the worker registers the search attributes its
 * namespace lacks instead of refusing to start. Opt-in: registering changes the namespace, an
 * operator's decision, and needs rights a worker usually does not have.
 */
export function searchAttributePolicyFromEnv(env: NodeJS.ProcessEnv = process.env): SearchAttributePolicy {
  const value = env.ORCHESTRATOR_REGISTER_SEARCH_ATTRIBUTES;
  if (value === undefined || value === '' || value === 'false') return 'require';
  if (value === 'true') return 'register';
  throw new ConfigurationError('ORCHESTRATOR_REGISTER_SEARCH_ATTRIBUTES must be true or false');
}

const LOG_LEVELS: readonly LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];

/** `TEMPORAL_LOG_LEVEL` (TRACE, DEBUG, INFO, WARN, ERROR; default INFO) of the SDK's logger. */
export function logLevelFromEnv(env: NodeJS.ProcessEnv = process.env): LogLevel {
  const wanted = env.TEMPORAL_LOG_LEVEL?.toUpperCase();
  return LOG_LEVELS.find((level) => level === wanted) ?? 'INFO';
}

if (require.main === module) {
  Runtime.install({
    logger: new DefaultLogger(logLevelFromEnv()),
    shutdownSignals: ['SIGINT', 'SIGTERM'],
    telemetryOptions: runtimeTelemetryFromEnv(),
  });
  runWorker().catch((err: unknown) => {
    console.error(`[worker] ${err instanceof Error ? err.message : String(err)}`);
    // 2 for a setting to fix, as `npm start` and the command line exit (src/cli/exit-codes.ts).
    process.exit(err instanceof ConfigurationError ? 2 : 1);
  });
}
