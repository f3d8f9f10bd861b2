/**
 * `npm start`: the whole product in one command. Starts Temporal (the embedded dev server, or
 * the cluster in TEMPORAL_ADDRESS), the Orchestrator (an in-process emulator, or Twilio when its
 * credentials are set), and a worker; runs one provisioning end to end with a live progress
 * display; prints the result as JSON on stdout and the Web UI link to the run.
 *
 * Progress and links go to stderr; stdout carries the result JSON, last (the embedded dev
 * server prints its own start-up banner there before it).
 */
import { parseArgs } from 'node:util';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { OrchestratorClient } from './api';
import { startProvisioning } from './client';
import { demoInput, demoTag, DEMO_FROM, DEMO_TO } from './cli/demo-input';
import { describeFailureChain } from './cli/failure';
import { followProvisioning } from './cli/follow';
import { chooseOrchestrator } from './cli/orchestrator-target';
import { progressViewFor } from './cli/progress-view';
import { openTemporalForStart } from './cli/start-temporal';
import { webUiLink } from './cli/web-ui';
import { createWorker } from './worker';

const USAGE = `Run one provisioning end to end: Temporal, the Orchestrator, a worker, live progress.

Usage: npm start [-- options]
  --keep-running   keep Temporal, the emulator and the worker up for inspection until Ctrl-C
  --from ADDRESS   sender of the welcome message (default ${DEMO_FROM})
  --to ADDRESS     the customer who receives it (default ${DEMO_TO})
  -h, --help       this text

Environment:
  TEMPORAL_ADDRESS (+ TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*)  use that cluster
                   instead of the embedded dev server; TEMPORAL_UI_URL for its Web UI links
  TWILIO_ACCOUNT_SID + TWILIO_AUTH_TOKEN (or TWILIO_API_KEY + TWILIO_API_SECRET)  use Twilio
                   instead of the emulator (unless TWILIO_ORCHESTRATOR_BASE_URL points elsewhere)
  ORCHESTRATOR_STATE_DIR  where the embedded dev server keeps its SQLite state (default .local/)
Exit codes: 0 provisioned, 1 failed, 2 bad usage, 130 interrupted.`;

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(argv: string[]): Promise<number> {
  let options;
  try {
    options = parseArgs({
      args: argv,
      options: {
        'keep-running': { type: 'boolean' },
        from: { type: 'string' },
        to: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (err) {
    log(`error: ${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  // Worker chatter would tear the live display; warnings (e.g. a stuck operation) still show.
  Runtime.install({ logger: new DefaultLogger('WARN') });

  const tag = demoTag();
  const [orchestrator, temporal] = await Promise.all([chooseOrchestrator(), openTemporalForStart(tag)]);
  const api = new OrchestratorClient(orchestrator.clientOptions);
  try {
    log(`Temporal:     ${temporal.description}`);
    log(`Orchestrator: ${orchestrator.description}`);
    log(`Worker:       task queue ${temporal.taskQueue} (bundling the workflow code takes a few seconds)`);
    const { connection, namespace, taskQueue } = temporal;
    const worker = await createWorker({ connection, namespace, taskQueue, api });
    const running = worker.run();
    // Resolves when a signal (Ctrl-C) has shut the worker down.
    const interrupted = running.then(() => 'interrupted' as const);

    const handle = await startProvisioning(temporal.client, demoInput(tag, options.from, options.to), {
      taskQueue: temporal.taskQueue,
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
      log(
        `Interrupted. The run stays open in Temporal; a worker on task queue ${taskQueue} would resume it.`,
      );
      return 130;
    }
    if ('error' in outcome) {
      log(`\nProvisioning failed:\n${describeFailureChain(outcome.error)}`);
    } else {
      console.log(JSON.stringify(outcome.result, null, 2));
    }
    if (link) log(`Web UI: ${link}`);

    if (options['keep-running']) {
      // One write, so a reader never sees the first line without the addresses.
      log(
        [
          '\nKeeping everything up for inspection:',
          `  Temporal: ${temporal.address}${temporal.uiBaseUrl ? `, Web UI ${temporal.uiBaseUrl}` : ''}`,
          ...(orchestrator.emulator
            ? [`  Emulator: ${orchestrator.emulator.url} (state: /__emulator/state)`]
            : []),
          'Ctrl-C stops it.',
        ].join('\n'),
      );
    } else {
      worker.shutdown();
    }
    await running;
    if (options['keep-running']) log('Stopped.');
    return 'error' in outcome ? 1 : 0;
  } finally {
    await api.close();
    await orchestrator.close();
    await temporal.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    log(`error: ${describeFailureChain(err)}`);
    process.exit(1);
  },
);
