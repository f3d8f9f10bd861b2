/**
 * `npm run provision`: starts a provisioning from a JSON file or flags and follows it to its
 * end, or shows the progress of one by workflow ID. Usage in provision-args.ts.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { startProvisioning, type ProvisioningHandle } from '../client';
import { dataConverterFromEnv } from '../codec/data-converter';
import { EncryptionConfigError } from '../codec/key-ring';
import { connectToTemporal, temporalTargetFromEnv, type TemporalConnection } from '../temporal/connection';
import {
  DEFAULT_TASK_QUEUE,
  PROVISION_STEPS,
  type ProvisionProgress,
  type ProvisionResult,
} from '../workflows/definitions';
import {
  InvalidProvisionInputError,
  parseProvisionInput,
  type ProvisionInput,
} from '../workflows/provision-input';
import { EXIT } from './exit-codes';
import { describeFailureChain } from './failure';
import { runResolveCommand } from './resolve-command';
import { runUpdateCommand } from './update-command';
import { runCancelCommand } from './cancel-command';
import { runTeardownCommand } from './teardown-command';
import { followProvisioning, tryGetProgress } from './follow';
import {
  PROVISION_USAGE,
  UsageError,
  flagFor,
  parseProvisionArgs,
  type ProvisionCommand,
} from './provision-args';
import { progressViewFor, renderStepLines } from './progress-view';
import { webUiBaseUrl, webUiLink } from './web-ui';

export { EXIT };

type StartCommand = Extract<ProvisionCommand, { kind: 'start' }>;

/** One line: every bad field (and its flag) with its rule. */
function reportInvalidInput(err: InvalidProvisionInputError, fromFlags: boolean): void {
  const issues = err.issues.map((issue) => {
    const flag = fromFlags ? flagFor(issue.path) : undefined;
    return `${issue.path}${flag ? ` (${flag})` : ''}: ${issue.message}`;
  });
  console.error(`error: invalid provisioning input, nothing was started: ${issues.join('; ')}`);
}

/** Runs the command; resolves with the process exit code. Output: JSON on stdout, the rest on stderr. */
export async function runProvisionCommand(argv: string[]): Promise<number> {
  const [verb, ...verbArgs] = argv;
  const runVerb = verb === undefined ? undefined : VERBS[verb];
  if (runVerb) return runVerb(verbArgs);
  let command: ProvisionCommand;
  try {
    command = parseProvisionArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`error: ${err.message} (npm run provision -- --help lists the options)`);
    return EXIT.usage;
  }
  if (command.kind === 'help') {
    console.log(PROVISION_USAGE);
    return EXIT.ok;
  }
  if (command.kind === 'status') {
    const { workflowId } = command;
    return withTemporal((temporal) => showStatus(temporal, workflowId));
  }
  // Bad input is refused before connecting: the person fixes it without needing a server.
  let input: ProvisionInput;
  try {
    input = parseProvisionInput(command.input);
  } catch (err) {
    if (!(err instanceof InvalidProvisionInputError)) throw err;
    reportInvalidInput(err, command.fromFlags);
    return EXIT.usage;
  }
  return withTemporal((temporal) => startAndFollow(temporal, command, input));
}

/**
 * Verbs with arguments of their own, each in its own module: `resolve` (a decision about a first
 * message whose outcome is unknown), and the lifecycle's `update`, `teardown`, `cancel`.
 */
const VERBS: Readonly<Record<string, (args: string[]) => Promise<number>>> = {
  resolve: runResolveCommand,
  update: runUpdateCommand,
  teardown: runTeardownCommand,
  cancel: runCancelCommand,
};

/** Connects to Temporal (with the data converter the worker uses), runs `run`, and closes the connection. */
export async function withTemporal(run: (temporal: TemporalConnection) => Promise<number>): Promise<number> {
  // The keys of every entry point (src/codec/configured-keys.ts): npm start's runs read with no setting.
  let dataConverter;
  try {
    dataConverter = dataConverterFromEnv();
  } catch (err) {
    if (!(err instanceof EncryptionConfigError)) throw err;
    console.error(`error: ${err.message}`);
    return EXIT.usage;
  }
  const temporal = await connectToTemporal(temporalTargetFromEnv(), dataConverter);
  try {
    return await run(temporal);
  } finally {
    await temporal.connection.close();
  }
}

async function startAndFollow(
  { client, namespace }: TemporalConnection,
  command: StartCommand,
  input: ProvisionInput,
): Promise<number> {
  const handle = await startProvisioning(client, input, {
    taskQueue: command.taskQueue ?? (process.env.TEMPORAL_TASK_QUEUE || DEFAULT_TASK_QUEUE),
  });
  const runId = handle.firstExecutionRunId;
  console.error(`Provisioning ${handle.workflowId} (run ${runId})`);
  const link = webUiLink(namespace, handle.workflowId, runId, webUiBaseUrl());
  if (link) console.error(`Web UI: ${link}`);
  if (!command.wait) {
    console.log(JSON.stringify({ workflowId: handle.workflowId, runId }));
    return EXIT.ok;
  }
  // A failed run rejects: src/cli/provision.ts prints its one line and exits 1.
  const result = await followProvisioning(handle, progressViewFor(process.stderr));
  console.log(JSON.stringify(result, null, 2));
  return EXIT.ok;
}

async function showStatus({ client, namespace }: TemporalConnection, workflowId: string): Promise<number> {
  const handle: ProvisioningHandle = client.workflow.getHandle(workflowId);
  let description;
  try {
    description = await handle.describe();
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    console.error(`error: no provisioning with workflow ID ${workflowId} in namespace ${namespace}`);
    return EXIT.failed;
  }
  console.log(`${workflowId} (run ${description.runId}): ${description.status.name}`);
  // A completed run's result holds the final progress and needs no worker to answer a query.
  const progress =
    description.status.name === 'COMPLETED'
      ? progressOfResult(await handle.result())
      : await tryGetProgress(handle);
  if (progress) {
    console.log(`step: ${progress.step}`);
    console.log(renderStepLines(progress, Date.now()).join('\n'));
    console.log(JSON.stringify({ ids: progress.ids }, null, 2));
  } else {
    console.log('(progress unavailable: no worker answered the query)');
  }
  if (description.status.name === 'FAILED') {
    const failure = await handle.result().catch((err: unknown) => err);
    console.log(describeFailureChain(failure));
  }
  const link = webUiLink(namespace, workflowId, description.runId, webUiBaseUrl());
  if (link) console.log(`Web UI: ${link}`);
  return EXIT.ok;
}

function progressOfResult(result: ProvisionResult): ProvisionProgress {
  return {
    operation: 'provision',
    plan: PROVISION_STEPS,
    step: 'completed',
    ids: result.ids,
    steps: result.steps,
    resources: result.origins,
  };
}
