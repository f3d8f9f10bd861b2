/**
 * `provisionOrchestrator`: create a memory store, a configuration on it, a conversation under
 * the configuration, and send its first message — each async step awaited with durable timers.
 * Without an onboarding (no conversation and message in the input) it ends after the
 * configuration, its conversation and message steps shown as skipped.
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

/** The steps of the onboarding: the conversation and its first message. */
const ONBOARDING_STEPS = ['create-conversation', 'send-message', 'await-message'] as const;

export async function provisionOrchestrator(rawInput: ProvisionInput): Promise<ProvisionResult> {
  const input = validated(rawInput, parseProvisionInput);
  const startedAt = Date.now();
  const run = new StepRunner<WorkingStep>(
    {
      operation: 'provision',
      title:
        `Provisioning configuration "${input.configuration.displayName}" with its store` +
        (input.conversation ? ', conversation and first message' : ''),
      steps: PROVISION_STEPS,
      searchAttributes: input.stepSearchAttributes,
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
    if (!input.conversation) {
      run.skip(...ONBOARDING_STEPS);
      return { store, configuration, onboarding: undefined };
    }
    const conversation = await provisionConversation(input.conversation, configuration, context);
    const message = await sendFirstMessage(input.message, conversation, context);
    return { store, configuration, onboarding: { conversation, message } };
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
  const { store, configuration, onboarding } = value;
  return {
    ids: {
      ...run.ids,
      memoryStoreId: store.id,
      configurationId: configuration.id,
      ...(onboarding && { conversationId: onboarding.conversation.id }),
    },
    configurationIdResolvedBy: configuration.resolvedBy,
    origins: {
      memoryStore: store.origin,
      configuration: configuration.origin,
      ...(onboarding && { conversation: onboarding.conversation.origin, message: onboarding.message }),
    },
    // Every working step has run or was skipped by the time the run completes.
    steps: steps as Record<WorkingStep, StepReport>,
    totalElapsedMs: Date.now() - startedAt,
  };
}
