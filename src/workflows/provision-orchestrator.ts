/**
 * `provisionOrchestrator`: create a memory store, a configuration on it, a conversation under
 * the configuration, and send its first message — each async step awaited with durable timers.
 *
 * Deterministic: no I/O here. Activities make the API calls (src/activities), the poll loop
 * waits (./poll-operation), the tracker reports progress (./progress).
 */
import { ApplicationFailure, log, proxyActivities, uuid4, type ActivityOptions } from '@temporalio/workflow';
import type { ProvisioningActivities } from '../activities';
import type { ConfigurationRequest } from '../api/types';
import type { ConfigurationIdSource, ProvisionResult, WorkingStep } from './definitions';
import { pollUntilSettled, type PollOutcome, type PollSpec } from './poll-operation';
import { resolvePollingPolicy, type PollingPolicy } from './polling-policy';
import { ProgressTracker } from './progress';
import {
  DEFAULT_CONVERSATION_GROUPING,
  InvalidProvisionInputError,
  parseProvisionInput,
  type ProvisionInput,
} from './provision-input';
import { resolveConfigurationId } from './resolve-configuration-id';
import { classifyAction, classifyOperation, classifyStore } from './verdicts';

// ---------- Activity option profiles ----------

/**
 * Refusals that retrying cannot fix. The activities already mark them non-retryable; listing
 * them here keeps the policy readable in one place (and in the Web UI's activity details).
 */
const NON_RETRYABLE_API_ERRORS = [
  'BadRequestError',
  'AuthenticationError',
  'PermissionDeniedError',
  'NotFoundError',
  'ConflictError',
  'UnprocessableEntityError',
  'InvalidRequestError',
  'ResponseValidationError',
];

/**
 * One API call: 30 s per attempt, retried with exponential backoff; a 429/503's Retry-After
 * replaces the interval (`nextRetryDelay`). Retries stop after 90 minutes, which still honours
 * a Retry-After at the client's one-hour clamp.
 */
const apiCall: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '90 minutes',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: NON_RETRYABLE_API_ERRORS,
  },
};

/** The activities, with a one-line summary the Web UI shows for this call. */
function activities(summary: string): ProvisioningActivities {
  return proxyActivities<ProvisioningActivities>({ ...apiCall, summary });
}

// ---------- The workflow ----------

export async function provisionOrchestrator(rawInput: ProvisionInput): Promise<ProvisionResult> {
  const input = validate(rawInput);
  const startedAt = Date.now();
  const policy = resolvePollingPolicy(input.polling);
  const progress = new ProgressTracker(
    `Provisioning configuration "${input.configuration.displayName}" with its store, conversation and first message`,
  );
  // Drawn once and recorded in history: every retry of the create activity sends the same key.
  const configurationIdempotencyKey = uuid4();

  try {
    const memoryStoreId = await provisionMemoryStore(input.memoryStore, policy, progress);
    const { configurationId, resolvedBy } = await provisionConfiguration(
      input.configuration,
      memoryStoreId,
      configurationIdempotencyKey,
      policy,
      progress,
    );
    const conversationId = await provisionConversation(input.conversation, configurationId, progress);
    await sendFirstMessage(input.message, conversationId, policy, progress);

    const steps = progress.complete();
    return {
      ids: { ...progress.ids, memoryStoreId, configurationId, conversationId },
      configurationIdResolvedBy: resolvedBy,
      steps,
      totalElapsedMs: Date.now() - startedAt,
    };
  } catch (error) {
    progress.fail();
    throw error;
  }
}

/** The client validates before starting; this catches any other caller, before any API call. */
function validate(rawInput: unknown): ProvisionInput {
  try {
    return parseProvisionInput(rawInput);
  } catch (error) {
    if (!(error instanceof InvalidProvisionInputError)) throw error;
    throw ApplicationFailure.create({
      type: 'InvalidProvisionInput',
      nonRetryable: true,
      message: error.message,
      details: [error.issues],
    });
  }
}

/** Polls for `step`, reporting each poll and a stuck operation to the tracker. */
function awaitStep<T>(
  step: WorkingStep,
  progress: ProgressTracker,
  spec: Omit<PollSpec<T>, 'onPoll' | 'onStuckChange'>,
): Promise<PollOutcome<T>> {
  return pollUntilSettled({
    ...spec,
    onPoll: (polls) => progress.polled(step, polls),
    onStuckChange: (operationId) => progress.stuck(operationId),
  });
}

// ---------- Steps ----------

async function provisionMemoryStore(
  store: ProvisionInput['memoryStore'],
  policy: PollingPolicy,
  progress: ProgressTracker,
): Promise<string> {
  if ('existingStoreId' in store) {
    progress.skip('create-memory-store', 'await-memory-store');
    progress.found({ memoryStoreId: store.existingStoreId });
    return store.existingStoreId;
  }

  progress.begin('create-memory-store');
  const creation = await activities(`create memory store "${store.displayName}"`).createMemoryStore(store);

  progress.begin('await-memory-store');
  if (creation.outcome === 'adopted') {
    const { storeId } = creation;
    log.info(`Adopted memory store ${storeId}, created by an earlier attempt with the same display name`);
    progress.found({ memoryStoreId: storeId });
    if (creation.status !== 'ACTIVE') {
      await awaitStep('await-memory-store', progress, {
        subject: 'memory store',
        operationId: storeId,
        poll: () => activities(`read memory store ${storeId}`).getMemoryStore(storeId),
        classify: classifyStore,
        policy,
        firstPoll: 'immediately',
      });
    }
    return storeId;
  }

  const { operationId } = creation;
  const { value: operation } = await awaitStep('await-memory-store', progress, {
    subject: 'memory store operation',
    operationId,
    poll: () => activities(`poll memory store operation ${operationId}`).getMemoryOperation(operationId),
    classify: classifyOperation('memory store operation'),
    policy,
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
  progress.found({ memoryStoreId: storeId });
  return storeId;
}

async function provisionConfiguration(
  configuration: ProvisionInput['configuration'],
  memoryStoreId: string,
  idempotencyKey: string,
  policy: PollingPolicy,
  progress: ProgressTracker,
): Promise<{ configurationId: string; resolvedBy: ConfigurationIdSource }> {
  const { displayName } = configuration;
  const request: ConfigurationRequest = {
    ...configuration,
    conversationGroupingType: configuration.conversationGroupingType ?? DEFAULT_CONVERSATION_GROUPING,
    memoryStoreId,
  };

  progress.begin('create-configuration');
  const creation = await activities(`create configuration "${displayName}"`).createConfiguration(
    request,
    idempotencyKey,
  );

  progress.begin('await-configuration');
  const { operationId } = creation;
  const { value: operation } = await awaitStep('await-configuration', progress, {
    subject: 'configuration operation',
    operationId,
    poll: () =>
      activities(`poll configuration operation ${operationId}`).getConfigurationOperation(operationId),
    classify: classifyOperation('configuration operation'),
    policy,
    firstPoll: 'after-wait',
    retryAfterMs: creation.retryAfterMs,
  });

  progress.begin('resolve-configuration-id');
  const resolved = await resolveConfigurationId({
    acceptedId: creation.configurationId,
    operation,
    memoryStoreId,
    displayName,
    findByDisplayName: (storeId, name) =>
      activities(
        `find configuration "${name}" by listing store ${storeId} (no related ID, no result.id)`,
      ).findConfigurationsByDisplayName(storeId, name),
    onPoll: (polls) => progress.polled('resolve-configuration-id', polls),
  });
  progress.found({ configurationId: resolved.configurationId });
  return { configurationId: resolved.configurationId, resolvedBy: resolved.resolvedBy };
}

async function provisionConversation(
  conversation: ProvisionInput['conversation'],
  configurationId: string,
  progress: ProgressTracker,
): Promise<string> {
  if ('existingConversationId' in conversation) {
    progress.skip('create-conversation');
    progress.found({ conversationId: conversation.existingConversationId });
    return conversation.existingConversationId;
  }
  progress.begin('create-conversation');
  const { conversationId, adopted } = await activities(
    `create conversation "${conversation.name}"`,
  ).createConversation({ ...conversation, configurationId });
  if (adopted) log.info(`Adopted conversation ${conversationId}, created by an earlier attempt`);
  progress.found({ conversationId });
  return conversationId;
}

async function sendFirstMessage(
  message: ProvisionInput['message'],
  conversationId: string,
  policy: PollingPolicy,
  progress: ProgressTracker,
): Promise<void> {
  progress.begin('send-message');
  const sending = await activities(`send the first message in conversation ${conversationId}`).sendMessage(
    conversationId,
    {
      type: 'SEND_MESSAGE',
      payload: { from: message.from, to: message.to, content: { text: message.text } },
    },
  );

  progress.begin('await-message');
  if (sending.outcome === 'adopted') {
    log.info(
      `Message already sent by an earlier attempt: communication ${sending.communicationId}; not resending`,
    );
    progress.found({ communicationId: sending.communicationId });
    return;
  }
  const { actionId } = sending;
  progress.found({ actionId, messageSid: sending.messageSid });
  const { value: action } = await awaitStep('await-message', progress, {
    subject: 'SEND_MESSAGE action',
    operationId: actionId,
    poll: () => activities(`poll SEND_MESSAGE action ${actionId}`).getAction(conversationId, actionId),
    classify: classifyAction,
    policy,
    firstPoll: 'after-wait',
    retryAfterMs: sending.retryAfterMs,
  });
  progress.found({
    messageSid: action.related?.messageSid,
    communicationId: action.related?.communicationId,
  });
}
