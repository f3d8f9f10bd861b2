/**
 * The look-ups a retry makes before creating again, and the look-up for a sent message, against
 * the real emulator over HTTP. The SDK's `MockActivityEnvironment` supplies the activity context
 * (the attempt number).
 */
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities, type OrchestratorActivities } from '../../src/activities';
import { OrchestratorClient, type SendMessageRequest } from '../../src/api';
import { startEmulator, type EmulatorStateSummary, type RunningEmulator } from '../../src/emulator';

let emulator: RunningEmulator;
let api: OrchestratorClient;
let activities: OrchestratorActivities;

beforeAll(async () => {
  emulator = await startEmulator({ operationLatency: { polls: 0 }, actionLatency: { polls: 0 } });
  api = new OrchestratorClient({
    credentials: emulator.credentials,
    conversationsBaseUrl: emulator.url,
    memoryBaseUrl: emulator.url,
  });
  activities = createActivities(api);
});
afterAll(async () => {
  await api?.close();
  await emulator?.close();
});
afterEach(() => emulator.clearFaults());

const ACTIONS = '/v2/Conversations/{conversationId}/Actions';
const COMMUNICATIONS = '/v2/Conversations/{conversationId}/Communications';

/** Runs `call` as the given attempt of an activity. */
const asAttempt = <R>(attempt: number, call: () => Promise<R>): Promise<R> =>
  new MockActivityEnvironment({ attempt }).run(call);
const firstAttempt = <R>(call: () => Promise<R>) => asAttempt(1, call);
const retryAttempt = <R>(call: () => Promise<R>) => asAttempt(2, call);
const unique = () => randomUUID().slice(0, 8);

async function newConversation(): Promise<string> {
  const creation = await firstAttempt(() =>
    activities.createMemoryStore({
      displayName: `store-${unique()}`,
    }),
  );
  if (creation.outcome !== 'accepted') throw new Error('set-up: store adopted');
  const { result } = await firstAttempt(() => activities.getMemoryOperation(creation.operationId));
  const config = await firstAttempt(() =>
    activities.createConfiguration(
      {
        displayName: `config ${unique()}`,
        description: 'd',
        conversationGroupingType: 'GROUP_BY_PROFILE',
        memoryStoreId: result!.id!,
      },
      randomUUID(),
    ),
  );
  await firstAttempt(() => activities.getConfigurationOperation(config.operationId));
  const conversation = await firstAttempt(() =>
    activities.createConversation(
      {
        configurationId: config.configurationId!,
        name: `conversation ${unique()}`,
      },
      'on-retry',
    ),
  );
  return conversation.conversationId;
}

function message(text: string): SendMessageRequest {
  return {
    type: 'SEND_MESSAGE',
    payload: {
      from: { address: '+15559870001', channel: 'SMS' },
      to: [{ address: '+15551230001', channel: 'SMS' }],
      content: { text },
    },
  };
}

test('a store whose display name already exists is named by the 409 and found in one request, not duplicated', async () => {
  const displayName = `store-${unique()}`;
  const first = await firstAttempt(() => activities.createMemoryStore({ displayName }));
  const storesBefore = emulator.summary().stores;
  const again = await retryAttempt(() => activities.createMemoryStore({ displayName }));

  expect(first.outcome).toBe('accepted');
  // Met by a retry: the store may be this run's own, created by an attempt whose response was lost.
  expect(again).toMatchObject({ outcome: 'name-taken', onRetry: true });
  expect(again.outcome === 'name-taken' && again.conflictingStoreId).toMatch(/^mem_store_/);
  expect(emulator.summary().stores).toBe(storesBefore);

  const lists = () => emulator.summary().requests['GET /v1/ControlPlane/Stores'] ?? 0;
  const listsBefore = lists();
  const conflictingStoreId = again.outcome === 'name-taken' ? again.conflictingStoreId : undefined;
  const found = await firstAttempt(() => activities.findMemoryStore(displayName, conflictingStoreId));
  expect(found).toMatchObject({ id: conflictingStoreId });
  expect(lists()).toBe(listsBefore);
  // Without the header's help it lists the stores, and finds the same one.
  await expect(firstAttempt(() => activities.findMemoryStore(displayName))).resolves.toMatchObject({
    id: conflictingStoreId,
  });
  expect(lists()).toBeGreaterThan(listsBefore);
});

test('a retried conversation create finds the conversation of the same name under the configuration', async () => {
  const conversationId = await newConversation();
  const conversation = await api.conversations.get(conversationId);
  const request = { configurationId: conversation.configurationId, name: conversation.name! };
  const before = emulator.summary().conversations;

  await expect(retryAttempt(() => activities.createConversation(request, 'on-retry'))).resolves.toEqual({
    conversationId,
    adopted: true,
  });
  expect(emulator.summary().conversations).toBe(before);
  // A first attempt under a configuration this run created does not look: nothing can be there yet.
  await expect(firstAttempt(() => activities.createConversation(request, 'on-retry'))).resolves.toMatchObject(
    { adopted: false },
  );
  expect(emulator.summary().conversations).toBe(before + 1);
});

test('asked to look first, even a first attempt adopts the namesake instead of creating', async () => {
  const conversationId = await newConversation();
  const conversation = await api.conversations.get(conversationId);
  const elsewhere = await api.conversations.get(await newConversation());
  const request = { configurationId: conversation.configurationId, name: conversation.name! };
  const before = emulator.summary().conversations;

  await expect(firstAttempt(() => activities.createConversation(request, 'always'))).resolves.toEqual({
    conversationId,
    adopted: true,
  });
  expect(emulator.summary().conversations).toBe(before);
  // The same name under another configuration, or another name under this one: not a match.
  const misses = [
    { ...request, configurationId: elsewhere.configurationId },
    { ...request, name: `${request.name} (2)` },
  ];
  for (const miss of misses) {
    const creation = await firstAttempt(() => activities.createConversation(miss, 'always'));
    expect(creation.adopted).toBe(false);
    expect(creation.conversationId).not.toBe(conversationId);
  }
  expect(emulator.summary().conversations).toBe(before + 2);
});

test('the sent message is found by its text and recipients once its Action completes', async () => {
  const conversationId = await newConversation();
  const text = `Welcome ${unique()}`;
  emulator.configure({ actionLatency: { polls: 1 } });
  try {
    const accepted = await firstAttempt(() => activities.sendMessage(conversationId, message(text)));
    // PENDING: not listed yet, which is why a failed send cannot be checked right away.
    await expect(
      firstAttempt(() => activities.findSentMessage(conversationId, message(text))),
    ).resolves.toBeNull();

    const action = await firstAttempt(() => activities.getAction(conversationId, accepted.actionId));
    expect(action.status).toBe('COMPLETED');
    await expect(firstAttempt(() => activities.findSentMessage(conversationId, message(text)))).resolves.toBe(
      action.related?.communicationId,
    );
    // Another text in the same conversation is a different message.
    await expect(
      firstAttempt(() => activities.findSentMessage(conversationId, message(`${text} (2)`))),
    ).resolves.toBeNull();
  } finally {
    emulator.configure({ actionLatency: { polls: 0 } });
  }
});

test('a send is made once per attempt and its failure type says it may have been applied', async () => {
  const conversationId = await newConversation();
  emulator.addFault({ kind: 'status', status: 500, times: 1, match: { method: 'POST', path: '/Actions$' } });
  const before = emulator.summary();
  const requests = (summary: EmulatorStateSummary) => [
    summary.requests[`POST ${ACTIONS}`] ?? 0,
    summary.requests[`GET ${COMMUNICATIONS}`] ?? 0,
  ];

  // Even as a retry attempt it does not look first: whether to send again is the workflow's call.
  const error = await retryAttempt(() => activities.sendMessage(conversationId, message('hello'))).catch(
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  expect(error).toMatchObject({ type: 'ApiOutcomeUnknown' });
  expect((error as ApplicationFailure).details?.[0]).toMatchObject({ status: 500, apiError: 'ServerError' });
  const [posts, looks] = requests(before);
  expect(requests(emulator.summary())).toEqual([posts! + 1, looks]);
  expect(emulator.summary().messagesSent).toBe(before.messagesSent);
});

test('configurations are found by display name within the store only', async () => {
  const conversationId = await newConversation();
  const { configurationId } = await api.conversations.get(conversationId);
  const configuration = await api.configurations.get(configurationId);

  await expect(
    firstAttempt(() =>
      activities.findConfigurationsByDisplayName(configuration.memoryStoreId, configuration.displayName),
    ),
  ).resolves.toEqual([{ id: configurationId, createdAt: configuration.createdAt }]);
  await expect(
    firstAttempt(() =>
      activities.findConfigurationsByDisplayName(configuration.memoryStoreId, 'no such name'),
    ),
  ).resolves.toEqual([]);
});
