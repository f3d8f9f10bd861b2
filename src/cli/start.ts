/**
 * `npm start`: the whole product in one command. Starts Temporal (the embedded dev server, or
 * the cluster in TEMPORAL_ADDRESS), the Orchestrator (an in-process emulator, or Twilio when its
 * credentials are set), and a worker; runs one provisioning end to end with a live progress
 * display; prints the result as JSON on stdout and the Web UI link to the run. With `--teardown`
 * it then removes what the run made (src/lifecycle/teardown), so repeated demos never reach the
 * account's 15-store limit. With `--fleet FILE` it plans and applies that fleet spec instead
 * (./start-fleet.ts).
 *
 * Progress and links go to stderr; stdout carries the result JSON, last (the embedded dev
 * server prints its own start-up banner there before it).
 */
import { DefaultLogger, Runtime, type TelemetryOptions, type Worker } from '@temporalio/worker';
import { startProvisioning } from '../client';
import { configuredKeys, type ConfiguredKeys } from '../codec/configured-keys';
import { ConfigurationError } from '../common/configuration-error';
import { teardownProvisioning } from '../lifecycle/teardown';
import { runtimeTelemetryFromEnv } from '../observability/runtime';
import { tracingFromEnv } from '../observability/tracing';
import { apiRateFromEnv, type ApiRate } from '../temporal/task-queue-budget';
import { createWorker } from '../worker';
import type { FleetSpec } from '../workflows/fleet/definitions';
import { describeRemoval } from '../workflows/remove-resources';
import type { teardownOrchestrator } from '../workflows/teardown';
import { demoInput, demoTag, DEMO_FROM, DEMO_TO } from './demo-input';
import { PREFERRED_PORT } from './dev-server';
import { EXIT } from './exit-codes';
import { describeFailureChain, explainFailure, reportFailure } from './failure';
import { specArgument } from './fleet/fleet-args';
import { followProvisioning, followRun } from './follow';
import { OpenResources } from './open-resources';
import { configuredOrchestrator, startEmulatorTarget, type OrchestratorTarget } from './orchestrator-target';
import { progressViewFor } from './progress-view';
import { applyFleetAtStart } from './start-fleet';
import {
  openTemporalForStart,
  temporalSettingsFromEnv,
  type StartTemporal,
  type TemporalSettings,
} from './start-temporal';
import { parseCommandArgs, reportUsageError, UsageError } from './usage-error';
import { webUiLink } from './web-ui';

const USAGE = `Run one provisioning end to end: Temporal, the Orchestrator, a worker, live progress.

Usage: npm start [-- options]
  --keep-running   keep Temporal, the emulator and the worker up for inspection until Ctrl-C
  --teardown       at the end, remove what the run made (its conversation, configuration, store)
  --from ADDRESS   sender of the welcome message (default ${DEMO_FROM})
  --to ADDRESS     the customer who receives it (default ${DEMO_TO})
  --fleet FILE     instead of the demo, plan and apply this fleet spec without asking, as
                   npm run orchestrator -- apply FILE --yes does (README: Fleets); on the
                   embedded dev server only
  --debug          on failure, also print every cause and the stack trace
  -h, --help       this text

Environment:
  TEMPORAL_ADDRESS (+ TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*)  use that cluster
                   instead of the embedded dev server; TEMPORAL_UI_URL for its Web UI links
  TWILIO_ACCOUNT_SID + TWILIO_AUTH_TOKEN (or TWILIO_API_KEY + TWILIO_API_SECRET)  use Twilio
                   instead of the emulator (unless TWILIO_ORCHESTRATOR_BASE_URL points elsewhere)
  ORCHESTRATOR_STATE_DIR  where the embedded dev server keeps its SQLite state and the local
                   encryption key made on the first run (default .local/)
  ORCHESTRATOR_ENCRYPTION_KEYS (+ _KEY_ID) or ORCHESTRATOR_ENCRYPTION_KEY_FILE  encrypt with
                   these keys instead of the local one (README: Encryption)
  TEMPORAL_METRICS_PROMETHEUS_ADDRESS (host:port)  serve Prometheus metrics at /metrics there;
  OTEL_EXPORTER_OTLP_ENDPOINT  send traces over OTLP/HTTP, as the worker does (README: Observability)
  ORCHESTRATOR_API_RATE  API requests per second for all workers of the task queue, set on the
                   server as every worker does (README: API budget)
Exit codes: 0 provisioned (--fleet: applied, or nothing to change), 1 failed (--fleet: a
store or tenant failed; or Temporal refused it), 2 bad usage, configuration or fleet spec,
3 Temporal unreachable, 130 interrupted.`;

const log = (line: string) => process.stderr.write(`${line}\n`);

function parseStartArgs(argv: string[]) {
  const { values, positionals } = parseCommandArgs(argv, {
    'keep-running': { type: 'boolean' },
    teardown: { type: 'boolean' },
    from: { type: 'string' },
    to: { type: 'string' },
    fleet: { type: 'string' },
    debug: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals[0]}`);
  if (values.fleet !== undefined) {
    const demoOnly = (['teardown', 'from', 'to'] as const).find((name) => values[name] !== undefined);
    if (demoOnly) throw new UsageError(`--${demoOnly} is the demo provisioning's: not with --fleet`);
  }
  return values;
}

async function main(argv: string[]): Promise<number> {
  let options;
  /** `--fleet`'s spec, read and checked before anything starts. */
  let fleet: { file: string; spec: FleetSpec } | undefined;
  try {
    options = parseStartArgs(argv);
    if (!options.help && options.fleet !== undefined) {
      fleet = { file: options.fleet, spec: await specArgument('--fleet', [options.fleet]) };
    }
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    return reportUsageError(err, 'npm start -- --help');
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  const tag = demoTag();
  // Read and checked before anything starts, so a bad setting leaves no dev server behind.
  let temporalSettings: TemporalSettings;
  let orchestratorInEnv: OrchestratorTarget | undefined;
  let telemetryOptions: TelemetryOptions | undefined;
  let keys: ConfiguredKeys;
  let apiRate: ApiRate | undefined;
  try {
    temporalSettings = temporalSettingsFromEnv(tag);
    keys = configuredKeys(process.env, { createLocalKey: true });
    orchestratorInEnv = configuredOrchestrator();
    telemetryOptions = runtimeTelemetryFromEnv();
    apiRate = apiRateFromEnv();
  } catch (err) {
    if (!(err instanceof ConfigurationError)) throw err;
    log(explainFailure(err).line);
    return EXIT.usage;
  }
  if (fleet && temporalSettings.kind === 'cluster') {
    // A fleet's workflow outlives npm start, and on a cluster npm start's worker polls a task
    // queue of its own, which no worker would poll once it exits.
    return reportUsageError(
      new UsageError(
        '--fleet runs on the embedded dev server (TEMPORAL_ADDRESS is set): on a cluster, run workers ' +
          '(npm run worker) and npm run orchestrator -- apply FILE',
      ),
      'npm start -- --help',
    );
  }
  // Worker chatter would tear the live display; warnings (e.g. a stuck operation) still show.
  Runtime.install({ logger: new DefaultLogger('WARN'), telemetryOptions });
  // The same tracing as the worker's; the client's interceptors find it too (connectToTemporal).
  const tracing = tracingFromEnv();

  // Whatever is opened is recorded at once and closed in reverse order however this ends.
  const resources = new OpenResources();
  // Closed last, once the worker has handed over its last spans; process.exit skips beforeExit.
  if (tracing) resources.add('tracing', { close: () => tracing.shutdown() });
  try {
    const orchestrator = resources.add(
      'the Orchestrator',
      orchestratorInEnv ?? (await startEmulatorTarget()),
    );
    const temporal = resources.add('Temporal', await openTemporalForStart(temporalSettings, keys.ring));
    log(`Temporal:     ${temporal.description}`);
    log(`Orchestrator: ${orchestrator.description}`);
    log(`Encryption:   payloads and failures with key ${keys.ring.currentKeyId} (from ${keys.source})`);
    log(`Worker:       task queue ${temporal.taskQueue} (bundling the workflow code takes a few seconds)`);
    const { connection, namespace, taskQueue, dataConverter } = temporal;
    const worker = await createWorker({
      connection,
      namespace,
      taskQueue,
      api: orchestrator.api,
      dataConverter,
      tracing,
      apiRate,
    });
    const running = worker.run();
    absorbRelayedInterrupts();
    resources.add('the worker', { close: () => stopWorker(worker, running) });
    // Resolves when a signal (Ctrl-C) has shut the worker down.
    const interrupted = running.then(() => 'interrupted' as const);
    // Until the race below awaits it, a worker failure must not count as unhandled (that would
    // end the process without closing anything); the race or the worker's close reports it.
    interrupted.catch(() => {});

    const outcome = fleet
      ? await applyFleetAtStart(fleet.spec, {
          client: temporal.client,
          namespace,
          taskQueue,
          uiBaseUrl: temporal.uiBaseUrl,
          freshEmulator: orchestrator.emulator !== undefined,
          interrupted,
          log,
        })
      : await runDemo(temporal, tag, options, interrupted);
    if (outcome === 'interrupted') return EXIT.interrupted;

    if (options['keep-running']) {
      // One write, so a reader never sees the first line without the addresses.
      log(
        [
          '\nKeeping everything up for inspection:',
          `  Temporal: ${temporal.address}${temporal.uiBaseUrl ? `, Web UI ${temporal.uiBaseUrl}` : ''}`,
          ...(orchestrator.emulator
            ? [`  Emulator: ${orchestrator.emulator.url} (state: /__emulator/state)`]
            : []),
          ...(fleet ? [`  Try in a second shell: ${secondShellPlan(temporal.address, fleet.file)}`] : []),
          'Ctrl-C stops it.',
        ].join('\n'),
      );
      await running;
      log('Stopped.');
    }
    return outcome;
  } finally {
    await resources.closeAll((name, error) =>
      log(`warning: closing ${name} failed: ${describeFailureChain(error)}`),
    );
  }
}

/**
 * One Ctrl-C reaches this process more than once: from the terminal (to the whole process group),
 * and relayed by npm and by tsx. The worker's runtime handles the first and, once the worker has
 * stopped, removes its handler; a relayed copy arriving after that would find none and kill the
 * process before it says `Stopped.` and closes the dev server and the emulator. Copies within a
 * second of the first are absorbed; a Ctrl-C after that ends the process at once.
 */
function absorbRelayedInterrupts(): void {
  let first: number | undefined;
  const onInterrupt = () => {
    if (first === undefined) first = Date.now();
    else if (Date.now() - first > 1_000) process.exit(EXIT.interrupted);
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onInterrupt);
}

/** The demo provisioning, followed live, then with `--teardown` removed again. */
async function runDemo(
  temporal: StartTemporal,
  tag: string,
  options: ReturnType<typeof parseStartArgs>,
  interrupted: Promise<'interrupted'>,
): Promise<number | 'interrupted'> {
  const { taskQueue } = temporal;
  const handle = await startProvisioning(temporal.client, demoInput(tag, options.from, options.to), {
    taskQueue,
  });
  const link = webUiLink(
    temporal.namespace,
    handle.workflowId,
    handle.firstExecutionRunId,
    temporal.uiBaseUrl,
  );
  log(`\nProvisioning ${handle.workflowId}${link ? `\n  ${link}` : ''}`);

  const outcome = await Promise.race([
    followProvisioning(handle, progressViewFor(process.stderr)).then(
      (result) => ({ result }),
      (error: unknown) => ({ error }),
    ),
    interrupted,
  ]);
  if (outcome === 'interrupted') {
    log(`Interrupted. The run stays open in Temporal; a worker on task queue ${taskQueue} would resume it.`);
    return 'interrupted';
  }
  if ('error' in outcome) {
    log('');
    reportFailure(outcome.error, options.debug ?? false);
  } else {
    console.log(JSON.stringify(outcome.result, null, 2));
  }
  if (link) log(`Web UI: ${link}`);

  let tornDown = true;
  if (options.teardown) {
    const teardown = await teardownProvisioning(temporal.client, handle.workflowId, { taskQueue });
    log(`\nTearing down ${handle.workflowId} (${teardown.workflowId})`);
    const ending = await Promise.race([
      followRun<typeof teardownOrchestrator>(teardown, progressViewFor(process.stderr)).then(
        (result) => ({ result }),
        (error: unknown) => ({ error }),
      ),
      interrupted,
    ]);
    if (ending === 'interrupted') return 'interrupted';
    if ('error' in ending) {
      tornDown = false;
      reportFailure(ending.error, options.debug ?? false);
    } else {
      for (const [name, removal] of Object.entries(ending.result.resources)) {
        log(`  ${name} ${removal.id}: ${describeRemoval(removal)}`);
      }
    }
  }
  return 'error' in outcome || !tornDown ? EXIT.failed : EXIT.ok;
}

/** The plan command of a second shell in this checkout; the address only when it is not the default. */
function secondShellPlan(address: string, file: string): string {
  const target = address.endsWith(`:${PREFERRED_PORT}`) ? '' : `TEMPORAL_ADDRESS=${address} `;
  return `${target}npm run orchestrator -- plan ${file}`;
}

/**
 * Stops the worker unless a signal already has, and waits until it has drained: the connection
 * it polls on cannot close before.
 */
async function stopWorker(worker: Worker, running: Promise<void>): Promise<void> {
  if (worker.getState() === 'RUNNING') worker.shutdown();
  await running;
}

const argv = process.argv.slice(2);
main(argv).then(
  (code) => process.exit(code),
  (err: unknown) => process.exit(reportFailure(err, argv.includes('--debug'))),
);
