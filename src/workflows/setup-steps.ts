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
import { activities } from './activity-calls';
import type { ConfigurationIdSource } from './definitions';
import { FailureType } from './failure-types';
import { mayHoldEarlierWork, type Obtained } from './obtained';
import { DEFAULT_CONVERSATION_GROUPING, type Onboarding, type ProvisionInput } from './provision-input';
import type { ProvisioningContext } from './provisioning-context';
import { ambiguousConfiguration, resolveConfigurationId } from './resolve-configuration-id';
import { classifyOperation, classifyStore } from './verdicts';

export interface ObtainedConfiguration extends Obtained {
  origin: 'created' | 'adopted';
  resolvedBy: ConfigurationIdSource;
}

export async function provisionMemoryStore(
  store: ProvisionInput['memoryStore'],
  context: ProvisioningContext,
): Promise<Obtained> {
  const { run, compensations } = context;
  if ('existingStoreId' in store) {
    run.skip('create-memory-store', 'await-memory-store');
    return obtainedStore({ id: store.existingStoreId, origin: 'given' }, context);
  }

  compensations.register(
    'memoryStore',
    async () => (await activities.findMemoryStore(store.displayName))?.id,
  );
  const creation = await run.step('create-memory-store', () => activities.createMemoryStore(store));
  if (creation.outcome === 'accepted') {
    const storeId = await run.step('await-memory-store', () =>
      awaitStoreOperation(creation.operationId, creation.retryAfterMs, context),
    );
    compensations.identify('memoryStore', storeId);
    return obtainedStore({ id: storeId, origin: 'created' }, context);
  }
  // Met on a first attempt, the name belonged to a store from before this run; met on a retry, it
  // may be this run's own, from an attempt whose response was lost: a rollback removes it.
  if (!creation.onRetry) compensations.release('memoryStore');
  const adopted = await adoptStore(store.displayName, creation.conflictingStoreId, context);
  compensations.identify('memoryStore', adopted.id);
  return adopted;
}

/**
 * The store that already holds the display name: made by an earlier attempt or run of this
 * provisioning. Never a FAILED one; one still provisioning is awaited until ACTIVE.
 */
async function adoptStore(
  displayName: string,
  conflictingStoreId: string | undefined,
  context: ProvisioningContext,
): Promise<Obtained> {
  const { run } = context;
  const existing = await activities.findMemoryStore(displayName, conflictingStoreId);
  if (!existing) {
    throw ApplicationFailure.nonRetryable(
      `memory store display name "${displayName}" is taken, but no store of that name was found ` +
        '(deleted meanwhile?): run the provisioning again',
      FailureType.ApiRefused,
      { displayName, conflictingStoreId },
    );
  }
  const verdict = classifyStore(existing);
  if (verdict.state === 'failed') throw verdict.failure;
  log.info(
    `Adopted memory store ${existing.id}: its display name "${displayName}" already existed ` +
      '(created by an earlier attempt or run)',
  );
  const adopted = obtainedStore({ id: existing.id, origin: 'adopted' }, context);
  await run.step('await-memory-store', async () => {
    if (verdict.state === 'done') return;
    await run.poll({
      subject: 'memory store',
      operationId: existing.id,
      poll: () => activities.getMemoryStore(existing.id),
      classify: classifyStore,
      firstPoll: 'after-wait',
      // Its create operation is the earlier run's, unknown here: the store ID is no operation ID.
      flagsStuck: false,
    });
  });
  return adopted;
}

/** The ID of the store a COMPLETED create operation made. */
async function awaitStoreOperation(
  operationId: string,
  retryAfterMs: number | undefined,
  { run }: ProvisioningContext,
): Promise<string> {
  const operation = await run.poll({
    subject: 'memory store operation',
    operationId,
    poll: () => activities.getMemoryOperation(operationId),
    classify: classifyOperation('memory store operation'),
    firstPoll: 'after-wait',
    retryAfterMs,
  });
  const storeId = operation.result?.id;
  if (!storeId) {
    throw ApplicationFailure.nonRetryable(
      `memory store operation ${operationId} COMPLETED without result.id`,
      FailureType.MissingResultId,
      { operationId },
    );
  }
  return storeId;
}

function obtainedStore(store: Obtained, { run }: ProvisioningContext): Obtained {
  run.obtained('memoryStore', store.origin, { memoryStoreId: store.id });
  return store;
}

/** `idempotencyKey`: drawn once by the run, so every retry of the create sends the same key. */
export async function provisionConfiguration(
  configuration: ProvisionInput['configuration'],
  store: Obtained,
  idempotencyKey: string,
  context: ProvisioningContext,
): Promise<ObtainedConfiguration> {
  const { run } = context;
  const obtained = await run.step('create-configuration', async () => {
    const adopted = mayHoldEarlierWork(store)
      ? await adoptEarlierConfiguration(configuration.displayName, store, context)
      : undefined;
    return adopted ?? createConfiguration(configuration, store.id, idempotencyKey, context);
  });
  run.obtained('configuration', obtained.origin, { configurationId: obtained.id });
  return obtained;
}

/**
 * The store's one configuration of this displayName, which an earlier run (or whoever shares a
 * given store) made; undefined when there is none. Two or more fail: none can be told apart.
 */
async function adoptEarlierConfiguration(
  displayName: string,
  store: Obtained,
  { run }: ProvisioningContext,
): Promise<ObtainedConfiguration | undefined> {
  const candidates = await activities.findConfigurationsByDisplayName(store.id, displayName);
  const [only, ...others] = candidates;
  if (!only) return undefined;
  if (others.length > 0) throw ambiguousConfiguration(candidates, displayName, store.id);
  log.info(
    `Adopted configuration ${only.id}: ${store.origin} store ${store.id} already had one named ` +
      `"${displayName}"; none created`,
  );
  run.skip('await-configuration', 'resolve-configuration-id');
  return { id: only.id, origin: 'adopted', resolvedBy: 'adopted' };
}

async function createConfiguration(
  configuration: ProvisionInput['configuration'],
  memoryStoreId: string,
  idempotencyKey: string,
  { run, compensations }: ProvisioningContext,
): Promise<ObtainedConfiguration> {
  const { displayName } = configuration;
  const request: ConfigurationRequest = {
    ...configuration,
    conversationGroupingType: configuration.conversationGroupingType ?? DEFAULT_CONVERSATION_GROUPING,
    memoryStoreId,
  };
  // Listed only once its create operation completes: one still pending is not found (see the README).
  compensations.register('configuration', async () => {
    const found = await activities.findConfigurationsByDisplayName(memoryStoreId, displayName);
    return found.length === 1 ? found[0]!.id : undefined;
  });
  const creation = await activities.createConfiguration(request, idempotencyKey);
  compensations.identify('configuration', creation.configurationId);
  const { operationId } = creation;
  const operation = await run.step('await-configuration', () =>
    run.poll({
      subject: 'configuration operation',
      operationId,
      poll: () => activities.getConfigurationOperation(operationId),
      classify: classifyOperation('configuration operation'),
      firstPoll: 'after-wait',
      retryAfterMs: creation.retryAfterMs,
    }),
  );
  const resolved = await run.step('resolve-configuration-id', () =>
    resolveConfigurationId({
      acceptedId: creation.configurationId,
      operation,
      memoryStoreId,
      displayName,
      run,
    }),
  );
  compensations.identify('configuration', resolved.configurationId);
  return { id: resolved.configurationId, origin: 'created', resolvedBy: resolved.resolvedBy };
}

export async function provisionConversation(
  conversation: Onboarding['conversation'],
  configuration: Obtained,
  context: ProvisioningContext,
): Promise<Obtained> {
  const obtained = await obtainConversation(conversation, configuration, context);
  context.run.obtained('conversation', obtained.origin, { conversationId: obtained.id });
  return obtained;
}

async function obtainConversation(
  conversation: Onboarding['conversation'],
  configuration: Obtained,
  { run, compensations }: ProvisioningContext,
): Promise<Obtained> {
  if ('existingConversationId' in conversation) {
    run.skip('create-conversation');
    return { id: conversation.existingConversationId, origin: 'given' };
  }
  // A retry always looks first (its earlier attempt may have created it); a first attempt only
  // under a configuration this run did not create.
  const lookFirst = mayHoldEarlierWork(configuration) ? 'always' : 'on-retry';
  compensations.register(
    'conversation',
    async () => (await activities.findConversationByName(configuration.id, conversation.name)) ?? undefined,
  );
  const { conversationId, adopted } = await run.step('create-conversation', () =>
    activities.createConversation({ ...conversation, configurationId: configuration.id }, lookFirst),
  );
  // Under a configuration this run created, only this activity's own earlier attempt can have
  // made the conversation it found: this run's. Under an older one, it is an earlier run's.
  if (adopted && lookFirst === 'always') compensations.release('conversation');
  else compensations.identify('conversation', conversationId);
  if (!adopted) return { id: conversationId, origin: 'created' };
  log.info(
    `Adopted conversation ${conversationId}: configuration ${configuration.id} already had one of ` +
      'this name (created by an earlier attempt or run); none created',
  );
  return { id: conversationId, origin: 'adopted' };
}
