/**
 * How the lifecycle workflows call activities: the option profiles (timeouts, retries), which
 * activity runs under which, and the one-line summary the Web UI shows for each call, derived
 * from its arguments. Step functions just call `activities.createMemoryStore(...)`.
 *
 * Summaries name resources by ID or display name, never a customer's address or message text
 * (they are stored unencrypted).
 */
import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { OrchestratorActivities } from '../activities';
import { NON_RETRYABLE_ACTIVITY_FAILURES } from './failure-types';

/**
 * One API call: retried with exponential backoff; a 429/503's Retry-After replaces the interval
 * (`nextRetryDelay`). Retries stop after 90 minutes, which still honours a Retry-After at the
 * client's one-hour clamp.
 *
 * Timeouts fit the call: an attempt may take up to 30 s (each request inside it times out at a
 * third of that, see src/activities/within-attempt), but its activity heartbeats every second
 * (src/activities/heartbeats), so a worker that dies mid-call is noticed after 5 s and the call
 * is retried on another worker, instead of stalling the run for the whole 30 s.
 *
 * Never dispatched eagerly: an activity handed straight back to the worker that scheduled it
 * skips the task queue, and with it the API budget the server enforces there (the queue's rate
 * limit, src/temporal/task-queue-budget.ts; temporalio/temporal#6800).
 */
const apiCall: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  heartbeatTimeout: '5 seconds',
  scheduleToCloseTimeout: '90 minutes',
  allowEagerDispatch: false,
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: [...NON_RETRYABLE_ACTIVITY_FAILURES],
  },
};

/**
 * SEND_MESSAGE: one attempt, never retried by Temporal. The API takes no Idempotency-Key and
 * lists a message only once its Action completes, so whether a failed send may be repeated
 * depends on how it failed — the workflow decides (./message-steps).
 */
const singleAttempt: ActivityOptions = {
  startToCloseTimeout: apiCall.startToCloseTimeout,
  heartbeatTimeout: apiCall.heartbeatTimeout,
  allowEagerDispatch: apiCall.allowEagerDispatch,
  retry: { maximumAttempts: 1 },
};

type Summaries = {
  [K in keyof OrchestratorActivities]: (...args: Parameters<OrchestratorActivities[K]>) => string;
};

/** The Web UI's line for each activity call. */
const SUMMARIES: Summaries = {
  createMemoryStore: (request) => `create memory store "${request.displayName}"`,
  findMemoryStore: (displayName, conflictingStoreId) =>
    `find memory store "${displayName}"` +
    (conflictingStoreId ? ` (named by the 409: ${conflictingStoreId})` : ''),
  getMemoryStore: (storeId) => `read memory store ${storeId}`,
  getMemoryOperation: (operationId) => `poll memory store operation ${operationId}`,
  createConfiguration: (request) => `create configuration "${request.displayName}"`,
  getConfigurationOperation: (operationId) => `poll configuration operation ${operationId}`,
  getConfiguration: (configurationId) => `read configuration ${configurationId}`,
  updateConfiguration: (configurationId, _replacement, version) =>
    `replace configuration ${configurationId}` +
    (version === undefined ? ' (no version to check)' : ` at version ${version}`),
  findConfigurationsByDisplayName: (storeId, displayName) =>
    `list store ${storeId} for configuration "${displayName}"`,
  createConversation: (request, lookFirst) =>
    `create a conversation under configuration ${request.configurationId}` +
    (lookFirst === 'always' ? ' unless it already has this one' : ''),
  sendMessage: (conversationId) => `send the first message in conversation ${conversationId}`,
  findSentMessage: (conversationId) => `look for the first message in conversation ${conversationId}`,
  getAction: (conversationId, actionId) =>
    `poll SEND_MESSAGE action ${actionId} (conversation ${conversationId})`,
  deleteConversation: (conversationId) => `delete conversation ${conversationId}`,
  deleteConfiguration: (configurationId) => `delete configuration ${configurationId}`,
  deleteMemoryStore: (storeId) => `delete memory store ${storeId}`,
  getConversationOperation: (operationId) => `poll conversation operation ${operationId}`,
  listStoreConfigurations: (storeId) => `list the configurations store ${storeId} still holds`,
  findConversationByName: (configurationId) =>
    `look for this run's conversation under configuration ${configurationId}`,
  listStoreIdsPage: (pageToken) => `list memory stores${pageToken ? ' (next page)' : ''}`,
  getStoreDetails: (storeId) => `read memory store ${storeId} (name)`,
  listConfigurationsPage: (pageToken) => `list configurations${pageToken ? ' (next page)' : ''}`,
  applyConfigurationPatch: ({ tenantId, configurationId, patch }) =>
    `update configuration ${configurationId} of tenant ${tenantId}: ${Object.keys(patch).join(', ')}`,
  queryFleetState: (fleet) => `read the state of fleet ${fleet}`,
};

/** Activities Temporal must never retry on its own. */
const SINGLE_ATTEMPT: ReadonlySet<keyof OrchestratorActivities> = new Set(['sendMessage']);

/**
 * The activities as workflows call them: each call with its profile and its summary, and the
 * `priority` given (a fleet tenant's, keyed for fairness); without one, the run's is inherited.
 */
export function activitiesWith({ priority }: Pick<ActivityOptions, 'priority'>): OrchestratorActivities {
  return Object.fromEntries(
    (Object.keys(SUMMARIES) as (keyof OrchestratorActivities)[]).map((name) => [
      name,
      (...args: unknown[]) => {
        const summarize = SUMMARIES[name] as (...a: unknown[]) => string;
        const profile = SINGLE_ATTEMPT.has(name) ? singleAttempt : apiCall;
        const proxy = proxyActivities<OrchestratorActivities>({
          ...profile,
          ...(priority && { priority }),
          summary: summarize(...args),
        });
        return (proxy[name] as (...a: unknown[]) => Promise<unknown>)(...args);
      },
    ]),
  ) as OrchestratorActivities;
}

export const activities = activitiesWith({});
