/**
 * `provisionOrchestrator`: create a memory store, a configuration on it, a conversation under
 * the configuration, and send its first message — each async step awaited with durable timers.
 * What an earlier attempt or run already made is adopted instead of made twice (see
 * ./setup-steps); the result says, resource by resource, which path was taken.
 *
 * Deterministic: no I/O here. Activities make the API calls (src/activities), the poll loop
 * waits (./poll-operation), the tracker reports progress (./progress), and the steps live in
 * ./setup-steps and ./message-steps.
 */
import { ApplicationFailure, proxyActivities, uuid4, type ActivityOptions } from '@temporalio/workflow';
import type { ProvisioningActivities } from '../activities';
import type { ProvisionResult } from './definitions';
import { sendFirstMessage } from './message-steps';
import { resolvePollingPolicy } from './polling-policy';
import { ProgressTracker } from './progress';
import { InvalidProvisionInputError, parseProvisionInput, type ProvisionInput } from './provision-input';
import { provisionConfiguration, provisionConversation, provisionMemoryStore } from './setup-steps';
import type { ActivityProfile, StepContext } from './step-context';

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
 * One API call: 30 s per attempt (each request inside it times out at a third of that, see
 * src/activities/within-attempt), retried with exponential backoff; a 429/503's Retry-After
 * replaces the interval (`nextRetryDelay`). Retries stop after 90 minutes, which still honours
 * a Retry-After at the client's one-hour clamp. (`Retry-After: 0` leaves the backoff in place.)
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

/**
 * SEND_MESSAGE: one attempt of 30 s, never retried by Temporal. The API takes no Idempotency-Key
 * and lists a message only once its Action completes, so whether a failed send may be repeated
 * depends on how it failed — the workflow decides (./message-steps).
 */
const singleAttemptApiCall: ActivityOptions = {
  startToCloseTimeout: apiCall.startToCloseTimeout,
  retry: { maximumAttempts: 1 },
};

const ACTIVITY_PROFILES: Readonly<Record<ActivityProfile, ActivityOptions>> = {
  retried: apiCall,
  'single-attempt': singleAttemptApiCall,
};

/** The activities, with a one-line summary the Web UI shows for this call. */
function activities(summary: string, profile: ActivityProfile = 'retried'): ProvisioningActivities {
  return proxyActivities<ProvisioningActivities>({ ...ACTIVITY_PROFILES[profile], summary });
}

// ---------- The workflow ----------

export async function provisionOrchestrator(rawInput: ProvisionInput): Promise<ProvisionResult> {
  const input = validate(rawInput);
  const startedAt = Date.now();
  const progress = new ProgressTracker(
    `Provisioning configuration "${input.configuration.displayName}" with its store, conversation and first message`,
  );
  const context: StepContext = { policy: resolvePollingPolicy(input.polling), progress, activities };
  // Drawn once and recorded in history: every retry of the create activity sends the same key.
  const configurationIdempotencyKey = uuid4();

  try {
    const store = await provisionMemoryStore(input.memoryStore, context);
    const configuration = await provisionConfiguration(
      input.configuration,
      store,
      configurationIdempotencyKey,
      context,
    );
    const conversation = await provisionConversation(input.conversation, configuration, context);
    const message = await sendFirstMessage(input.message, conversation, context);

    const steps = progress.complete();
    return {
      ids: {
        ...progress.ids,
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
