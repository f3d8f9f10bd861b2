/**
 * The benchmark's baseline: the same provisioning as a plain async function, with the same API
 * calls and the same waits (the same polling policy, Retry-After honoured) and no Temporal.
 * The difference in latency is what durability costs.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { OrchestratorApi } from '../../src/api';
import { DEFAULT_POLLING_POLICY, nextPollDelay, type PollTiming } from '../../src/workflows/polling-policy';
import { DEFAULT_CONVERSATION_GROUPING, type ProvisionInput } from '../../src/workflows/provision-input';

/** How long to wait before the next poll. */
export type PollDelay = (timing: PollTiming) => number;

/** The workflow's own policy: backoff with jitter, never sooner than Retry-After. */
export const policyDelay: PollDelay = (timing) => {
  const delay = nextPollDelay(DEFAULT_POLLING_POLICY, timing);
  if (delay === 'deadline-exceeded') throw new Error('operation deadline exceeded');
  return delay;
};

/** The naive alternative: every `ms`, whatever the server says. */
export const fixedDelay =
  (ms: number): PollDelay =>
  () =>
    ms;

export interface PlainOutcome {
  ids: { memoryStoreId: string; configurationId: string; conversationId: string; communicationId?: string };
  polls: { store: number; configuration: number; message: number };
}

interface Pollable {
  status: string;
  retryAfterMs?: number;
}

/** Waits first (as the workflow does after a 202), then polls until COMPLETED. */
async function pollUntilCompleted<T extends Pollable>(
  read: () => Promise<T>,
  firstRetryAfterMs: number | undefined,
  delay: PollDelay,
): Promise<{ value: T; polls: number }> {
  const startedAt = Date.now();
  let retryAfterMs = firstRetryAfterMs;
  for (let attempt = 1; ; attempt += 1) {
    await sleep(delay({ attempt, retryAfterMs, elapsedMs: Date.now() - startedAt, random: Math.random() }));
    const value = await read();
    if (value.status === 'COMPLETED') return { value, polls: attempt };
    if (value.status === 'FAILED' || value.status === 'CANCELLED') throw new Error(`ended ${value.status}`);
    retryAfterMs = value.retryAfterMs;
  }
}

export async function provisionPlain(
  api: OrchestratorApi,
  input: ProvisionInput,
  delay: PollDelay,
): Promise<PlainOutcome> {
  const { memoryStore, configuration, conversation, message } = input;
  if (!('displayName' in memoryStore) || !conversation || !message || !('name' in conversation)) {
    throw new Error('the baseline creates its store and conversation, and sends the first message');
  }
  const storeCreation = await api.memory.createStore(memoryStore);
  const store = await pollUntilCompleted(
    () => api.memory.getOperation(storeCreation.operationId),
    storeCreation.retryAfterMs,
    delay,
  );
  const memoryStoreId = store.value.result?.id;
  if (!memoryStoreId) throw new Error('store operation without result.id');

  const configurationCreation = await api.configurations.create(
    {
      ...configuration,
      conversationGroupingType: configuration.conversationGroupingType ?? DEFAULT_CONVERSATION_GROUPING,
      memoryStoreId,
    },
    { idempotencyKey: randomUUID() },
  );
  const configurationOperation = await pollUntilCompleted(
    () => api.configurations.getOperation(configurationCreation.operationId),
    configurationCreation.retryAfterMs,
    delay,
  );
  const configurationId =
    configurationCreation.related.configurationId ?? configurationOperation.value.related?.configurationId;
  if (!configurationId) throw new Error('configuration ID not in related');

  const { id: conversationId } = await api.conversations.create({ ...conversation, configurationId });
  const action = await api.actions.create(conversationId, {
    type: 'SEND_MESSAGE',
    payload: { from: message.from, to: message.to, content: { text: message.text } },
  });
  const sent = await pollUntilCompleted(
    () => api.actions.get(conversationId, action.id),
    action.retryAfterMs,
    delay,
  );

  return {
    ids: {
      memoryStoreId,
      configurationId,
      conversationId,
      communicationId: sent.value.related?.communicationId,
    },
    polls: { store: store.polls, configuration: configurationOperation.polls, message: sent.polls },
  };
}
