/**
 * A person's decision about a first message whose outcome is unknown, from backend code (the
 * CLI's `resolve` verb does the same).
 */
import type { Client } from '@temporalio/client';
import { resolveMessageOutcomeUpdate, type MessageDecision } from '../workflows/definitions';

/**
 * Delivers a person's decision to a provisioning whose first message's outcome is unknown (it
 * waits, flagged `AwaitingDecision = message-outcome`): `resend` sends it again, `skip`
 * completes without it. Refused (`WorkflowUpdateFailedError`) by a run that is not waiting for one.
 */
export async function resolveMessageOutcome(
  client: Client,
  workflowId: string,
  decision: MessageDecision,
): Promise<MessageDecision> {
  return client.workflow
    .getHandle(workflowId)
    .executeUpdate(resolveMessageOutcomeUpdate, { args: [decision] });
}
