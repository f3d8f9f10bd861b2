/**
 * No request outlives the activity attempt that sent it: cancelling the activity aborts its
 * request, and a request that hangs fails within a third of the attempt's startToCloseTimeout.
 * Against the real emulator, whose latency fault holds a response back; the SDK's
 * `MockActivityEnvironment` supplies the activity context and cancels it.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../src/activities';
import type { ConversationLookFirst } from '../../src/activities';
import { createConfiguration, createStore, failureOf, useEmulatorWithClient } from '../api/support/emulator';

const orchestrator = useEmulatorWithClient();

const HELD_BACK_MS = 5_000;

/** A configuration to create conversations under, and the request that creates one. */
async function conversationRequest() {
  const tag = randomUUID().slice(0, 8);
  const storeId = await createStore(orchestrator.client, `store-${tag}`);
  const configurationId = await createConfiguration(orchestrator.client, storeId, `config ${tag}`);
  return { configurationId, name: `conversation ${tag}` };
}

async function untilReceived(request: string): Promise<void> {
  while (!orchestrator.emulator.summary().requests[request]) await sleep(10);
}

const calls: { request: string; method: 'GET' | 'POST'; lookFirst: ConversationLookFirst }[] = [
  { request: 'POST /v2/Conversations', method: 'POST', lookFirst: 'on-retry' },
  // The look before creating: a list iterator, whose page requests take the same signal.
  { request: 'GET /v2/Conversations', method: 'GET', lookFirst: 'always' },
];

test.each(calls)('cancelling the activity aborts its $request in flight', async ({ method, lookFirst }) => {
  const request = await conversationRequest();
  const activities = createActivities(orchestrator.client);
  orchestrator.emulator.addFault({
    kind: 'latency',
    ms: HELD_BACK_MS,
    times: 1,
    match: { method, path: '^/v2/Conversations$' },
  });
  const activity = new MockActivityEnvironment({ startToCloseTimeoutMs: 60_000 });

  const startedAt = Date.now();
  const creating = failureOf(activity.run(() => activities.createConversation(request, lookFirst)));
  await untilReceived(`${method} /v2/Conversations`);
  activity.cancel();
  const error = await creating;

  expect(Date.now() - startedAt).toBeLessThan(HELD_BACK_MS / 2);
  expect(error).toBeInstanceOf(ApplicationFailure);
  // A POST may have been applied before the abort; a GET changes nothing either way.
  expect(error).toMatchObject({ type: method === 'POST' ? 'ApiOutcomeUnknown' : 'ApiSafeToRepeat' });
  expect((error as ApplicationFailure).details?.[0]).toMatchObject({ apiError: 'RequestTimeoutError' });
  expect(error.message).toContain("aborted by the caller's signal");
});

test('a request that hangs fails within a third of the attempt, long before the attempt ends', async () => {
  const request = await conversationRequest();
  const activities = createActivities(orchestrator.client);
  orchestrator.emulator.addFault({
    kind: 'latency',
    ms: HELD_BACK_MS,
    times: 1,
    match: { method: 'POST', path: '^/v2/Conversations$' },
  });
  const activity = new MockActivityEnvironment({ startToCloseTimeoutMs: 900 });

  const startedAt = Date.now();
  const error = await failureOf(activity.run(() => activities.createConversation(request, 'on-retry')));

  expect(Date.now() - startedAt).toBeLessThan(900);
  expect(error).toMatchObject({ type: 'ApiOutcomeUnknown', nonRetryable: false });
  expect((error as ApplicationFailure).details?.[0]).toMatchObject({ apiError: 'RequestTimeoutError' });
  expect(error.message).toContain('no response within 300 ms');
});
