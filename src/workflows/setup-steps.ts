/**
 * The setup steps: a memory store, a configuration on it (and its ID), a conversation under
 * the configuration. A store or conversation the input names is used as is.
 *
 * Reconcile before creating: a provisioning that failed may be started again under the same
 * identity, and the new run must not duplicate what the failed one made. Under a parent this run
 * did not create (`mayHoldEarlierWork`), a step first looks for its resource by name and adopts
 * it: the configuration by displayName in an adopted or given store, the conversation by name
 * under an adopted configuration. Under a parent this run created, it creates at once: a new
 * parent is empty, and the happy path's history stays as short as it was.
 *
 * The limit: a configuration is listed only once its create operation COMPLETES. An earlier run
 * that ended while that operation was still PENDING (stuck past the deadline, whose failure names
 * the operation) left a configuration no look can see yet, and a rerun creates another; should
 * the stuck one complete later, the next look fails as ambiguous, naming both.
 */
import { ApplicationFailure, log } from '@temporalio/workflow';
import type { ConfigurationRequest } from '../api/types';
import type { ConfigurationIdSource } from './definitions';
import { DEFAULT_CONVERSATION_GROUPING, type ProvisionInput } from './provision-input';
import { ambiguousConfiguration, resolveConfigurationId } from './resolve-configuration-id';
import { awaitStep, mayHoldEarlierWork, type Obtained, type StepContext } from './step-context';
import { classifyOperation, classifyStore } from './verdicts';

export interface ObtainedConfiguration extends Obtained {
  origin: 'created' | 'adopted';
  resolvedBy: ConfigurationIdSource;
}

export async function provisionMemoryStore(
  store: ProvisionInput['memoryStore'],
  context: StepContext,
): Promise<Obtained> {
  if ('existingStoreId' in store) {
    context.progress.skip('create-memory-store', 'await-memory-store');
    return storeObtained({ id: store.existingStoreId, origin: 'given' }, context);
  }

  context.progress.begin('create-memory-store');
  const creation = await context
    .activities(`create memory store "${store.displayName}"`)
    .createMemoryStore(store);

  context.progress.begin('await-memory-store');
  if (creation.outcome === 'adopted') {
    const { storeId } = creation;
    log.info(
      `Adopted memory store ${storeId}: its display name "${store.displayName}" already existed ` +
        '(created by an earlier attempt or run)',
    );
    const adopted = storeObtained({ id: storeId, origin: 'adopted' }, context);
    if (creation.status !== 'ACTIVE') {
      await awaitStep(context, 'await-memory-store', {
        subject: 'memory store',
        operationId: storeId,
        poll: () => context.activities(`read memory store ${storeId}`).getMemoryStore(storeId),
        classify: classifyStore,
        firstPoll: 'immediately',
        // Its create operation is the earlier run's, unknown here: the store ID is no operation ID.
        flagsStuck: false,
      });
    }
    return adopted;
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
  return storeObtained({ id: storeId, origin: 'created' }, context);
}

function storeObtained(store: Obtained, context: StepContext): Obtained {
  context.progress.found({ memoryStoreId: store.id });
  context.progress.obtained('memoryStore', store.origin);
  return store;
}

export async function provisionConfiguration(
  configuration: ProvisionInput['configuration'],
  store: Obtained,
  idempotencyKey: string,
  context: StepContext,
): Promise<ObtainedConfiguration> {
  context.progress.begin('create-configuration');
  const adopted = mayHoldEarlierWork(store)
    ? await adoptEarlierConfiguration(configuration.displayName, store, context)
    : undefined;
  const obtained = adopted ?? (await createConfiguration(configuration, store.id, idempotencyKey, context));
  context.progress.found({ configurationId: obtained.id });
  context.progress.obtained('configuration', obtained.origin);
  return obtained;
}

/**
 * The store's one configuration of this displayName, which an earlier run (or whoever shares a
 * given store) made; undefined when there is none. Two or more fail: none can be told apart.
 */
async function adoptEarlierConfiguration(
  displayName: string,
  store: Obtained,
  context: StepContext,
): Promise<ObtainedConfiguration | undefined> {
  const candidates = await context
    .activities(
      `look for configuration "${displayName}" in ${store.origin} store ${store.id} before creating it`,
    )
    .findConfigurationsByDisplayName(store.id, displayName);
  const [only, ...others] = candidates;
  if (!only) return undefined;
  if (others.length > 0) throw ambiguousConfiguration(candidates, displayName, store.id);
  log.info(
    `Adopted configuration ${only.id}: ${store.origin} store ${store.id} already had one named ` +
      `"${displayName}"; none created`,
  );
  context.progress.skip('await-configuration', 'resolve-configuration-id');
  return { id: only.id, origin: 'adopted', resolvedBy: 'adopted' };
}

async function createConfiguration(
  configuration: ProvisionInput['configuration'],
  memoryStoreId: string,
  idempotencyKey: string,
  context: StepContext,
): Promise<ObtainedConfiguration> {
  const { displayName } = configuration;
  const request: ConfigurationRequest = {
    ...configuration,
    conversationGroupingType: configuration.conversationGroupingType ?? DEFAULT_CONVERSATION_GROUPING,
    memoryStoreId,
  };
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
  return { id: resolved.configurationId, origin: 'created', resolvedBy: resolved.resolvedBy };
}

export async function provisionConversation(
  conversation: ProvisionInput['conversation'],
  configuration: Obtained,
  context: StepContext,
): Promise<Obtained> {
  const obtained = await obtainConversation(conversation, configuration, context);
  context.progress.found({ conversationId: obtained.id });
  context.progress.obtained('conversation', obtained.origin);
  return obtained;
}

async function obtainConversation(
  conversation: ProvisionInput['conversation'],
  configuration: Obtained,
  context: StepContext,
): Promise<Obtained> {
  if ('existingConversationId' in conversation) {
    context.progress.skip('create-conversation');
    return { id: conversation.existingConversationId, origin: 'given' };
  }
  context.progress.begin('create-conversation');
  const { name } = conversation;
  // A retry always looks first (its earlier attempt may have created it); a first attempt only
  // under a configuration this run did not create.
  const lookFirst = mayHoldEarlierWork(configuration) ? 'always' : 'on-retry';
  const summary =
    lookFirst === 'always'
      ? `create conversation "${name}" unless ${configuration.origin} configuration ${configuration.id} has it`
      : `create conversation "${name}"`;
  const { conversationId, adopted } = await context
    .activities(summary)
    .createConversation({ ...conversation, configurationId: configuration.id }, lookFirst);
  if (!adopted) return { id: conversationId, origin: 'created' };
  log.info(
    `Adopted conversation ${conversationId}: configuration ${configuration.id} already had one named ` +
      `"${name}" (created by an earlier attempt or run); none created`,
  );
  return { id: conversationId, origin: 'adopted' };
}
