/**
 * `npm run orchestrator -- provision`: starts a provisioning from a JSON file or flags (arguments
 * in ./provision-args.ts) and follows it to its end, drawing its steps as they go.
 */
import { startProvisioning } from '../../client';
import { taskQueueFromEnv, type TemporalConnection } from '../../temporal/connection';
import {
  InvalidProvisionInputError,
  parseProvisionInput,
  type ProvisionInput,
} from '../../workflows/provision-input';
import { EXIT } from '../exit-codes';
import { followProvisioning } from '../follow';
import { progressViewFor } from '../progress-view';
import { withTemporal } from '../temporal-session';
import { invalidInput } from '../usage-error';
import { webUiBaseUrl, webUiLink } from '../web-ui';
import { flagFor, parseProvisionArgs, PROVISION_USAGE, type ProvisionCommand } from './provision-args';
import type { Verb } from './verb';

export const provision: Verb = {
  summary: 'start a provisioning from a JSON file or flags, and follow it to its end',
  usage: PROVISION_USAGE,
  async run(args) {
    const command = parseProvisionArgs(args);
    // Bad input is refused before connecting: the person fixes it without needing a server.
    let input: ProvisionInput;
    try {
      input = parseProvisionInput(command.input);
    } catch (err) {
      if (!(err instanceof InvalidProvisionInputError)) throw err;
      throw invalidInput('provisioning input', err, command.fromFlags ? flagFor : undefined);
    }
    return withTemporal((temporal) => startAndFollow(temporal, command, input));
  },
};

async function startAndFollow(
  { client, namespace }: TemporalConnection,
  command: ProvisionCommand,
  input: ProvisionInput,
): Promise<number> {
  const handle = await startProvisioning(client, input, {
    taskQueue: command.taskQueue ?? taskQueueFromEnv(),
  });
  const runId = handle.firstExecutionRunId;
  console.error(`Provisioning ${handle.workflowId} (run ${runId})`);
  const link = webUiLink(namespace, handle.workflowId, runId, webUiBaseUrl());
  if (link) console.error(`Web UI: ${link}`);
  if (!command.wait) {
    console.log(JSON.stringify({ workflowId: handle.workflowId, runId }));
    return EXIT.ok;
  }
  // A failed run rejects: the entry prints its one line and exits 1.
  const result = await followProvisioning(handle, progressViewFor(process.stderr));
  console.log(JSON.stringify(result, null, 2));
  return EXIT.ok;
}
