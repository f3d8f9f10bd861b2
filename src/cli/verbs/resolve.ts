/**
 * `npm run orchestrator -- resolve WORKFLOW_ID --resend|--skip`: a person's decision about a
 * provisioning's first message whose outcome is unknown (the run waits for it, flagged
 * `AwaitingDecision = message-outcome`). A run that is not waiting refuses it: exit 1.
 */
import { resolveMessageOutcome } from '../../client';
import { EXIT } from '../exit-codes';
import { withTemporal } from '../temporal-session';
import { parseCommandArgs, UsageError } from '../usage-error';
import type { Verb } from './verb';

export const resolve: Verb = {
  summary: 'decide about a first message whose outcome is unknown: --resend or --skip',
  usage: `Decide about a provisioning's first message whose outcome is unknown (the run waits for it).

Usage:
  npm run orchestrator -- resolve WORKFLOW_ID --resend   send it again (the customer may get it twice)
  npm run orchestrator -- resolve WORKFLOW_ID --skip     complete without it (the customer may have none)

Exit codes: 0 delivered, 1 the run refused it (it is not waiting for a decision), 2 bad usage.`,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      resend: { type: 'boolean' },
      skip: { type: 'boolean' },
    });
    if (positionals.length !== 1) throw new UsageError('resolve takes exactly one workflow ID');
    if (values.resend === values.skip) throw new UsageError('give exactly one of --resend or --skip');
    const workflowId = positionals[0]!;
    const decision = values.resend ? 'resend' : 'skip';
    return withTemporal(async ({ client }) => {
      await resolveMessageOutcome(client, workflowId, decision);
      console.error(
        `Provisioning ${workflowId}: the first message will be ${decision === 'resend' ? 'sent again' : 'skipped'}`,
      );
      return EXIT.ok;
    });
  },
};
