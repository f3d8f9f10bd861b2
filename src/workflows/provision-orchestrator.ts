/**
 * `provisionOrchestrator`: create a memory store, a configuration on it, a conversation under
 * the configuration, and send its first message — each async step awaited with durable timers.
 * What an earlier attempt or run already made is adopted instead of made twice (see
 * ./setup-steps); the result says, resource by resource, which path was taken.
 *
 * Deterministic: no I/O here. Activities make the API calls (./activity-calls), the step runner
 * keeps the books (./step-runner), and the steps live in ./setup-steps and ./message-steps.
 */
import { uuid4 } from '@temporalio/workflow';
import { Compensations } from './compensations';
import { PROVISION_STEPS, type ProvisionResult, type StepReport, type WorkingStep } from './definitions';
import { MessageDecisionGate } from './message-decision';
import { sendFirstMessage } from './message-steps';
import { resolvePollingPolicy } from './polling-policy';
import { parseProvisionInput, type ProvisionInput } from './provision-input';
import type { ProvisioningContext } from './provisioning-context';
import { rollBack } from './rollback';
import { provisionConfiguration, provisionConversation, provisionMemoryStore } from './setup-steps';
import { StepRunner } from './step-runner';
import { validated } from './validated';

export async function provisionOrchestrator(rawInput: ProvisionInput): Promise<ProvisionResult> {
  const input = validated(rawInput, parseProvisionInput);
  const startedAt = Date.now();
  const run = new StepRunner<WorkingStep>(
    {
      operation: 'provision',
      title: `Provisioning configuration "${input.configuration.displayName}" with its store, conversation and first message`,
      steps: PROVISION_STEPS,
    },
    resolvePollingPolicy(input.polling),
  );
  const decisions = new MessageDecisionGate();
  // Drawn once and recorded in history: every retry of the create activity sends the same key.
  const configurationIdempotencyKey = uuid4();
  const context: ProvisioningContext = { run, compensations: new Compensations(), decisions };

  const provision = async () => {
    const store = await provisionMemoryStore(input.memoryStore, context);
    const configuration = await provisionConfiguration(
      input.configuration,
      store,
      configurationIdempotencyKey,
      context,
    );
    const conversation = await provisionConversation(input.conversation, configuration, context);
    const message = await sendFirstMessage(input.message, conversation, context);
    return { store, configuration, conversation, message };
  };

  const { value, steps } = await run.run(async () => {
    try {
      return await provision();
    } catch (error) {
      // A failure or a cancellation: undo what this run created, then end as failed or cancelled.
      if (input.onFailure === 'rollback') await rollBack(context, error);
      throw error;
    }
  });
  const { store, configuration, conversation, message } = value;
  return {
    ids: {
      ...run.ids,
      memoryStoreId: store.id,
      configurationId: configuration.id,
      conversationId: conversation.id,
    },
    configurationIdResolvedBy: configuration.resolvedBy,
    origins: {
      memoryStore: store.origin,
      configuration: configuration.origin,
      conversation: conversation.origin,
      message,
    },
    // Every working step has run or was skipped by the time the run completes.
    steps: steps as Record<WorkingStep, StepReport>,
    totalElapsedMs: Date.now() - startedAt,
  };
}
