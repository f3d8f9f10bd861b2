/**
 * The setup steps: a memory store, a configuration on it (and its ID), a conversation under
 * the configuration. A store or conversation the input names is used as is.
 */
import { ApplicationFailure, log } from '@temporalio/workflow';
import type { ConfigurationRequest } from '../api/types';
import type { ConfigurationIdSource } from './definitions';
import { DEFAULT_CONVERSATION_GROUPING, type ProvisionInput } from './provision-input';
import { resolveConfigurationId } from './resolve-configuration-id';
import { awaitStep, type StepContext } from './step-context';
import { classifyOperation, classifyStore } from './verdicts';

export async function provisionMemoryStore(
  store: ProvisionInput['memoryStore'],
  context: StepContext,
): Promise<string> {
  if ('existingStoreId' in store) {
    context.progress.skip('create-memory-store', 'await-memory-store');
    context.progress.found({ memoryStoreId: store.existingStoreId });
    return store.existingStoreId;
  }

  context.progress.begin('create-memory-store');
  const creation = await context
    .activities(`create memory store "${store.displayName}"`)
    .createMemoryStore(store);

  context.progress.begin('await-memory-store');
  if (creation.outcome === 'adopted') {
    const { storeId } = creation;
    log.info(`Adopted memory store ${storeId}, created by an earlier attempt with the same display name`);
    context.progress.found({ memoryStoreId: storeId });
    if (creation.status !== 'ACTIVE') {
      await awaitStep(context, 'await-memory-store', {
        subject: 'memory store',
        operationId: storeId,
        poll: () => context.activities(`read memory store ${storeId}`).getMemoryStore(storeId),
        classify: classifyStore,
        firstPoll: 'immediately',
      });
    }
    return storeId;
  }

  const { operationId } = creation;
  const { value: operation } = await awaitStep(context, 'await-memory-store', {
    subject: 'memory store operation',
    operationId,
    poll: () =>
      context.activities(`poll memory store operation ${operationId}`).getMemoryOperation(operationId),
    classify: classifyOperation('memory store operation'),
    firstPoll: 'after-wait',
    retryAfterMs: creation.retryAfterMs,
  });
  const storeId = operation.result?.id;
  if (!storeId) {
    throw ApplicationFailure.nonRetryable(
      `memory store operation ${operationId} COMPLETED without result.id`,
      'MissingResultId',
      { operationId },
    );
  }
  context.progress.found({ memoryStoreId: storeId });
  return storeId;
}

export async function provisionConfiguration(
  configuration: ProvisionInput['configuration'],
  memoryStoreId: string,
  idempotencyKey: string,
  context: StepContext,
): Promise<{ configurationId: string; resolvedBy: ConfigurationIdSource }> {
  const { displayName } = configuration;
  const request: ConfigurationRequest = {
    ...configuration,
    conversationGroupingType: configuration.conversationGroupingType ?? DEFAULT_CONVERSATION_GROUPING,
    memoryStoreId,
  };

  context.progress.begin('create-configuration');
  const creation = await context
    .activities(`create configuration "${displayName}"`)
    .createConfiguration(request, idempotencyKey);

  context.progress.begin('await-configuration');
  const { operationId } = creation;
  const { value: operation } = await awaitStep(context, 'await-configuration', {
    subject: 'configuration operation',
    operationId,
    poll: () =>
      context
        .activities(`poll configuration operation ${operationId}`)
        .getConfigurationOperation(operationId),
    classify: classifyOperation('configuration operation'),
    firstPoll: 'after-wait',
    retryAfterMs: creation.retryAfterMs,
  });

  context.progress.begin('resolve-configuration-id');
  const resolved = await resolveConfigurationId({
    acceptedId: creation.configurationId,
    operation,
    memoryStoreId,
    displayName,
    findByDisplayName: (storeId, name) =>
      context
        .activities(`find configuration "${name}" by listing store ${storeId} (no related ID, no result.id)`)
        .findConfigurationsByDisplayName(storeId, name),
    onPoll: (polls) => context.progress.polled('resolve-configuration-id', polls),
  });
  context.progress.found({ configurationId: resolved.configurationId });
  return { configurationId: resolved.configurationId, resolvedBy: resolved.resolvedBy };
}

export async function provisionConversation(
  conversation: ProvisionInput['conversation'],
  configurationId: string,
  context: StepContext,
): Promise<string> {
  if ('existingConversationId' in conversation) {
    context.progress.skip('create-conversation');
    context.progress.found({ conversationId: conversation.existingConversationId });
    return conversation.existingConversationId;
  }
  context.progress.begin('create-conversation');
  const { conversationId, adopted } = await context
    .activities(`create conversation "${conversation.name}"`)
    .createConversation({ ...conversation, configurationId });
  if (adopted) log.info(`Adopted conversation ${conversationId}, created by an earlier attempt`);
  context.progress.found({ conversationId });
  return conversationId;
}
