/**
 * `npm run orchestrator -- status WORKFLOW_ID`: a provisioning's status, its steps, the IDs so
 * far and, when it failed, the chain of causes, with its Web UI link.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import type { ProvisioningHandle } from '../../client';
import type { TemporalConnection } from '../../temporal/connection';
import { PROVISION_STEPS, type ProvisionProgress, type ProvisionResult } from '../../workflows/definitions';
import { EXIT } from '../exit-codes';
import { describeFailureChain } from '../failure';
import { tryGetProgress } from '../follow';
import { renderStepLines } from '../progress-view';
import { withTemporal } from '../temporal-session';
import { parseCommandArgs, UsageError } from '../usage-error';
import { webUiBaseUrl, webUiLink } from '../web-ui';
import { TEMPORAL_SETTINGS_HELP, type Verb } from './verb';

export const status: Verb = {
  summary: "show a provisioning's steps, IDs so far and, when it failed, why",
  usage: `Show a provisioning's progress: its status, each step, the IDs so far and, when it failed,
every cause; a completed run's from its result, a running one's from its worker.

Usage:
  npm run orchestrator -- status WORKFLOW_ID

${TEMPORAL_SETTINGS_HELP}
Exit codes: 0 shown, 1 no such provisioning (or Temporal refused the request), 2 bad usage,
3 Temporal unreachable.`,
  async run(args) {
    const { positionals } = parseCommandArgs(args, {});
    if (positionals.length !== 1) throw new UsageError('status takes exactly one workflow ID');
    const workflowId = positionals[0]!;
    return withTemporal((temporal) => showStatus(temporal, workflowId));
  },
};

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
