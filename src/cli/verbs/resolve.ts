/**
 * `npm run provision -- resolve WORKFLOW_ID --resend|--skip`: a person's decision about a
 * provisioning's first message whose outcome is unknown (the run waits for it, flagged
 * `AwaitingDecision = message-outcome`). A run that is not waiting refuses it: exit 1.
 */
import { parseArgs } from 'node:util';
import { resolveMessageOutcome } from '../client';
import type { MessageDecision } from '../workflows/definitions';
import { EXIT } from './exit-codes';
import { withTemporal } from './provision-command';

export const RESOLVE_USAGE = `Decide about a provisioning's first message whose outcome is unknown.

Usage:
  npm run provision -- resolve WORKFLOW_ID --resend   send it again (the customer may get it twice)
  npm run provision -- resolve WORKFLOW_ID --skip     complete without it (the customer may have none)`;

export async function runResolveCommand(args: string[]): Promise<number> {
  const parsed = parseResolveArgs(args);
  if ('problem' in parsed) {
    console.error(`error: ${parsed.problem}\n\n${RESOLVE_USAGE}`);
    return EXIT.usage;
  }
  const { workflowId, decision } = parsed;
  return withTemporal(async ({ client }) => {
    await resolveMessageOutcome(client, workflowId, decision);
    console.error(
      `Provisioning ${workflowId}: the first message will be ${decision === 'resend' ? 'sent again' : 'skipped'}`,
    );
    return EXIT.ok;
  });
}

function parseResolveArgs(
  args: string[],
): { workflowId: string; decision: MessageDecision } | { problem: string } {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { resend: { type: 'boolean' }, skip: { type: 'boolean' } },
      allowPositionals: true,
    });
  } catch (err) {
    return { problem: err instanceof Error ? err.message : String(err) };
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) return { problem: 'resolve takes exactly one workflow ID' };
  if (values.resend === values.skip) return { problem: 'give exactly one of --resend or --skip' };
  return { workflowId: positionals[0]!, decision: values.resend ? 'resend' : 'skip' };
}
