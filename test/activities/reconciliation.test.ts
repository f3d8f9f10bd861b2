/**
 * The look-ups a retry makes before creating again, against the real emulator over HTTP. The
 * SDK's `MockActivityEnvironment` supplies the activity context (the attempt number).
 */
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities, type ProvisioningActivities } from '../../src/activities';
import { OrchestratorClient, type SendMessageRequest } from '../../src/api';
import { startEmulator, type RunningEmulator } from '../../src/emulator';

let emulator: RunningEmulator;
let api: OrchestratorClient;
let activities: ProvisioningActivities;

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
    activities.createConversation({
      configurationId: config.configurationId!,
      name: `conversation ${unique()}`,
    }),
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

test('a store whose display name already exists is adopted, not duplicated', async () => {
  const displayName = `store-${unique()}`;
  const first = await firstAttempt(() => activities.createMemoryStore({ displayName }));
  const storesBefore = emulator.summary().stores;
  const again = await retryAttempt(() => activities.createMemoryStore({ displayName }));

  expect(first.outcome).toBe('accepted');
  expect(again).toMatchObject({
    outcome: 'adopted',
    storeId: expect.stringMatching(/^mem_store_/) as string,
  });
  expect(emulator.summary().stores).toBe(storesBefore);
});

test('a retried conversation create finds the conversation of the same name under the configuration', async () => {
  const conversationId = await newConversation();
  const conversation = await api.conversations.get(conversationId);
  const request = { configurationId: conversation.configurationId, name: conversation.name! };
  const before = emulator.summary().conversations;

  await expect(retryAttempt(() => activities.createConversation(request))).resolves.toEqual({
    conversationId,
    adopted: true,
  });
  expect(emulator.summary().conversations).toBe(before);
  // A first attempt does not look: a provisioning may want a second conversation of that name.
  await expect(firstAttempt(() => activities.createConversation(request))).resolves.toMatchObject({
    adopted: false,
  });
});

test('a retried send finds the message the first attempt sent and does not send it again', async () => {
  const conversationId = await newConversation();
  const text = `Welcome ${unique()}`;
  const sent = await firstAttempt(() => activities.sendMessage(conversationId, message(text)));
  expect(sent.outcome).toBe('sent');
  const sentBefore = emulator.summary().messagesSent;

  const again = await retryAttempt(() => activities.sendMessage(conversationId, message(text)));
  expect(again).toMatchObject({
    outcome: 'adopted',
    communicationId: expect.stringMatching(/^conv_communication_/) as string,
  });
  expect(emulator.summary().messagesSent).toBe(sentBefore);

  // Another text in the same conversation is a different message: it is sent.
  const other = await retryAttempt(() => activities.sendMessage(conversationId, message(`${text} (2)`)));
  expect(other.outcome).toBe('sent');
});

test('a send whose outcome is unknown fails non-retryably so the workflow looks for it instead', async () => {
  const conversationId = await newConversation();
  emulator.addFault({ kind: 'status', status: 500, times: 1, match: { method: 'POST', path: '/Actions$' } });

  const error = await firstAttempt(() => activities.sendMessage(conversationId, message('hello'))).catch(
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  expect(error).toMatchObject({ type: 'MessageOutcomeUnknown', nonRetryable: true });
  expect((error as ApplicationFailure).message).toMatch(
    new RegExp(
      `^SEND_MESSAGE in conversation ${conversationId} may have been applied \\(.*HTTP 500.*\\); not resending$`,
    ),
  );
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
