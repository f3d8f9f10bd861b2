import twilio from 'twilio';
import { type RunningEmulator, startEmulator } from '../../src/emulator';

/**
 * The official `twilio` npm client (6.2.0), pointed at the emulator through the hosts' mutable
 * `baseUrl`, runs the whole lifecycle: the emulator speaks the wire format the client expects.
 */
let emulator: RunningEmulator;
let client: twilio.Twilio;

beforeAll(async () => {
  // Poll-based latency: every operation and action is PENDING on acceptance and settles on its first read.
  emulator = await startEmulator({ operationLatency: { polls: 1 }, actionLatency: { polls: 2 } });
  client = twilio(emulator.credentials.accountSid, emulator.credentials.authToken);
  client.conversations.baseUrl = emulator.url;
  client.memory.baseUrl = emulator.url;
});
afterAll(() => emulator.close());

/** A field the response must carry (twilio-node types every field as optional). */
function present<T>(value: T | null | undefined, name: string): T {
  if (value === null || value === undefined) throw new Error(`${name} missing from the response`);
  return value;
}

/** The operation ID at the end of a `statusUrl`. */
const operationIdOf = (statusUrl: string | undefined): string => {
  const url = present(statusUrl, 'statusUrl');
  return url.slice(url.lastIndexOf('/') + 1);
};

it('runs stores, operations, configurations, conversations and actions end to end', async () => {
  // ---- Memory stores and memory operations ----
  const storeAccepted = await client.memory.v1.stores.create({
    displayName: 'twilio-node-store',
    description: 'Notes',
  });
  expect(storeAccepted.message).toMatch(/accepted/i);
  expect(
    present(storeAccepted.statusUrl, 'statusUrl').startsWith(
      `${emulator.url}/v1/ControlPlane/Operations/proc_job_`,
    ),
  ).toBe(true);
  const storeOperation = await client.memory.v1.operations(operationIdOf(storeAccepted.statusUrl)).fetch();
  expect(storeOperation.status).toBe('COMPLETED');
  expect(storeOperation.result.type).toBe('RESOURCE_ID');
  const storeId = storeOperation.result.id;
  expect(storeId).toMatch(/^mem_store_[0-7][0-9a-z]{25}$/);

  const store = await client.memory.v1.stores(storeId).fetch();
  expect(store).toMatchObject({
    id: storeId,
    displayName: 'twilio-node-store',
    description: 'Notes',
    status: 'ACTIVE',
    version: 1,
  });
  expect(await client.memory.v1.stores.list()).toEqual([storeId]);

  // ---- Configurations (create with Idempotency-Key) and conversations operations ----
  const idempotencyKey = crypto.randomUUID();
  const configurationRequest = {
    displayName: 'twilio node config',
    description: 'Created by the official client',
    conversationGroupingType: 'GROUP_BY_PROFILE' as const,
    memoryStoreId: storeId,
  };
  const configurationAccepted = await client.conversations.v2.configurations.create(configurationRequest, {
    'Idempotency-Key': idempotencyKey,
  });
  const configurationId = present(configurationAccepted.related?.configurationId, 'related.configurationId');
  expect(configurationId).toMatch(/^conv_configuration_[0-7][0-9a-z]{25}$/);
  const replayed = await client.conversations.v2.configurations.create(configurationRequest, {
    'Idempotency-Key': idempotencyKey,
  });
  expect(replayed.statusUrl).toBe(configurationAccepted.statusUrl);

  const configurationOperation = await client.conversations.v2
    .operations(operationIdOf(configurationAccepted.statusUrl))
    .fetch();
  expect(configurationOperation.status).toBe('COMPLETED');
  expect(configurationOperation.related).toEqual({ configurationId });

  const configurations = await client.conversations.v2.configurations.list({ memoryStoreId: storeId });
  expect(configurations.map((c) => c.id)).toEqual([configurationId]);
  const configuration = await client.conversations.v2.configurations(configurationId).fetch();
  expect(configuration).toMatchObject({
    id: configurationId,
    displayName: 'twilio node config',
    memoryStoreId: storeId,
    memoryExtractionEnabled: false,
    version: 1,
  });

  const updateAccepted = await client.conversations.v2
    .configurations(configurationId)
    .update(
      { ...configurationRequest, description: 'Updated by the official client', channelSettings: {} },
      { 'Idempotency-Key': crypto.randomUUID() },
    );
  expect(updateAccepted.related).toEqual({ configurationId });
  await client.conversations.v2.operations(operationIdOf(updateAccepted.statusUrl)).fetch();
  const updated = await client.conversations.v2.configurations(configurationId).fetch();
  expect(updated).toMatchObject({ description: 'Updated by the official client', version: 2 });

  // ---- Conversations ----
  const conversation = await client.conversations.v2.conversations.create({
    configurationId,
    name: 'Support chat',
    participants: [
      { name: 'Dana', type: 'CUSTOMER', addresses: [{ channel: 'SMS', address: '+15551230001' }] },
    ],
  });
  expect(conversation).toMatchObject({ configurationId, status: 'ACTIVE', name: 'Support chat' });
  const conversationId = present(conversation.id, 'conversation id');
  expect(conversationId).toMatch(/^conv_conversation_[0-7][0-9a-z]{25}$/);
  const customer = present(conversation.participants?.[0], 'participants[0]');
  expect(customer.id).toMatch(/^conv_participant_/);
  expect((await client.conversations.v2.conversations(conversationId).fetch()).name).toBe('Support chat');
  const active = await client.conversations.v2.conversations.list({ status: ['ACTIVE'] });
  expect(active.map((c) => c.id)).toEqual([conversationId]);

  // ---- Actions ----
  const action = await client.conversations.v2.actions(conversationId).create({
    type: 'SEND_MESSAGE',
    payload: {
      from: { address: '+15559870002', channel: 'SMS' },
      to: [{ participantId: present(customer.id, 'participant id') }],
      content: { text: 'Your order has shipped' },
    },
  });
  expect(action).toMatchObject({ type: 'SEND_MESSAGE', status: 'PENDING', conversationId: conversationId });
  expect(action.related.messageSid).toMatch(/^SM[0-9a-f]{32}$/);
  const actionId = present(action.id, 'action id');
  expect((await client.conversations.v2.actions(conversationId, actionId).fetch()).status).toBe('PENDING');
  const sent = await client.conversations.v2.actions(conversationId, actionId).fetch();
  expect(sent.status).toBe('COMPLETED');
  expect(sent.related.communicationId).toMatch(/^conv_communication_/);
  const communications = await client.conversations.v2.communications(conversationId).list();
  expect(communications.map((c) => [c.id, c.content.text])).toEqual([
    [sent.related.communicationId, 'Your order has shipped'],
  ]);

  // ---- Deletes (async, with Idempotency-Key where the API takes one) ----
  const conversationDeleted = await client.conversations.v2
    .conversations(conversationId)
    .remove({ idempotencyKey: crypto.randomUUID() });
  expect(conversationDeleted.related).toEqual({ conversationId: conversationId });
  await client.conversations.v2.operations(operationIdOf(conversationDeleted.statusUrl)).fetch();

  const configurationDeleted = await client.conversations.v2
    .configurations(configurationId)
    .remove({ idempotencyKey: crypto.randomUUID() });
  expect(configurationDeleted.related).toEqual({ configurationId });
  await client.conversations.v2.operations(operationIdOf(configurationDeleted.statusUrl)).fetch();

  const storeDeleted = await client.memory.v1.stores(storeId).remove();
  const storeDeleteOperation = await client.memory.v1
    .operations(operationIdOf(storeDeleted.statusUrl))
    .fetch();
  expect(storeDeleteOperation.result).toMatchObject({ type: 'RESOURCE_ID', id: storeId });

  expect(emulator.summary()).toMatchObject({
    stores: 0,
    configurations: 0,
    conversations: 0,
    messagesSent: 1,
  });
});

it('pages configurations with the client page tokens', async () => {
  emulator.reset();
  emulator.configure({ operationLatency: { ms: 0 } });
  const storeAccepted = await client.memory.v1.stores.create({ displayName: 'paging-store' });
  const storeId = (await client.memory.v1.operations(operationIdOf(storeAccepted.statusUrl)).fetch()).result
    .id;
  const ids: string[] = [];
  for (const displayName of ['Page one', 'Page two', 'Page three']) {
    const accepted = await client.conversations.v2.configurations.create(
      { displayName, description: 'd', conversationGroupingType: 'GROUP_BY_PROFILE', memoryStoreId: storeId },
      { 'Idempotency-Key': crypto.randomUUID() },
    );
    ids.push(present(accepted.related?.configurationId, 'related.configurationId'));
  }
  const first = await client.conversations.v2.configurations.page({ pageSize: 2 });
  expect(first.instances.map((c) => c.id)).toEqual(ids.slice(0, 2));
  const second = await first.nextPage();
  expect(second!.instances.map((c) => c.id)).toEqual(ids.slice(2));
  expect((await second!.previousPage())!.instances.map((c) => c.id)).toEqual(ids.slice(0, 2));
});

it('surfaces emulator errors as the client RestException with status and Twilio code', async () => {
  await expect(client.memory.v1.stores('mem_store_01k1etk2y5f1y9fpe2epfdtvv2').fetch()).rejects.toMatchObject(
    {
      status: 404,
      code: 20404,
    },
  );
  await expect(
    client.conversations.v2.configurations.create(
      {
        displayName: 'Bad!',
        description: 'd',
        conversationGroupingType: 'GROUP_BY_PROFILE',
        memoryStoreId: 'x',
      },
      { 'Idempotency-Key': crypto.randomUUID() },
    ),
  ).rejects.toMatchObject({
    status: 400,
    code: 20001,
    message: expect.stringMatching(/displayName: must match/) as string,
  });
});
