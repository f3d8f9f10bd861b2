/**
 * `npm run orchestrator -- cancel WORKFLOW_ID`: requests cancellation of a provisioning (as the
 * Web UI's Cancel button does) and follows it to its end: with `onFailure: 'rollback'` the run
 * first removes what it created. The final report (the run's `resources`: how each was obtained
 * and, after a rollback, `<resource>.rollback`) is JSON on stdout.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { cancelProvisioning, ProvisioningNotFoundError } from '../../lifecycle/cancel';
import { EXIT } from '../exit-codes';
import { describeFailureChain } from '../failure';
import { followRun, tryGetProgress } from '../follow';
import { progressViewFor } from '../progress-view';
import { withTemporal } from '../temporal-session';
import { parseCommandArgs, UsageError } from '../usage-error';
import { webUiBaseUrl, webUiLink } from '../web-ui';
import type { Verb } from './verb';

export const cancel: Verb = {
  summary: 'cancel a running provisioning; with onFailure "rollback" it removes what it made',
  usage: `Cancel a running provisioning: it stops at its current step; with onFailure "rollback"
it then removes what it created, and ends cancelled.

Usage:
  npm run orchestrator -- cancel WORKFLOW_ID

Exit codes: 0 the run ended cancelled (the report on stdout), 1 it ended otherwise (e.g. it had
already completed: see teardown), 2 bad usage or no such workflow.`,
  async run(args) {
    const { positionals } = parseCommandArgs(args, {});
    if (positionals.length !== 1) throw new UsageError('cancel takes exactly one workflow ID');
    const workflowId = positionals[0]!;
    return withTemporal(async ({ client, namespace }) => {
      let handle;
      try {
        handle = await cancelProvisioning(client, workflowId);
      } catch (err) {
        if (!(err instanceof ProvisioningNotFoundError)) throw err;
        throw new UsageError(`${err.message} in namespace ${namespace}`);
      }
      console.error(`Cancel ${handle.cancellation}: ${workflowId} (run ${handle.firstExecutionRunId})`);
      const link = webUiLink(namespace, workflowId, handle.firstExecutionRunId, webUiBaseUrl());
      if (link) console.error(`Web UI: ${link}`);
      const ending = await followRun(handle, progressViewFor(process.stderr)).then(
        () => 'completed' as const,
        (err: unknown) =>
          err instanceof WorkflowFailedError && err.cause instanceof CancelledFailure
            ? ('cancelled' as const)
            : err,
      );
      const progress = await tryGetProgress(handle);
      console.log(
        JSON.stringify(
          {
            workflowId,
            ending: typeof ending === 'string' ? ending : 'failed',
            resources: progress?.resources,
          },
          null,
          2,
        ),
      );
      if (ending === 'cancelled') return EXIT.ok;
      console.error(
        ending === 'completed'
          ? `${workflowId} had already completed: nothing was cancelled (to remove what it made: teardown ${workflowId})`
          : `${workflowId} ended failed, not cancelled:\n${describeFailureChain(ending)}`,
      );
      return EXIT.failed;
    });
  },
};
