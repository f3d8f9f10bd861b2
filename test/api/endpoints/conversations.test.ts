/** The client against the real emulator: conversations, communications and SEND_MESSAGE actions. */
import { randomUUID } from 'node:crypto';
import { NotFoundError, type Action, type SendMessageRequest } from '../../../src/api';
import {
  collect,
  createConfiguration,
  createStore,
  failureOf,
  settle,
  useEmulatorWithClient,
} from '../support/emulator';

const setup = useEmulatorWithClient();
let configurationId: string;

beforeEach(async () => {
  const { client } = setup;
  const storeId = await createStore(client, 'conversations-store');
  configurationId = await createConfiguration(client, storeId, 'conversations');
});

const AGENT = '+18005550100';
const CUSTOMER = '+18005550101';

function sendMessage(to: string, text: string): SendMessageRequest {
  return {
    type: 'SEND_MESSAGE',
    payload: {
      from: { address: AGENT, channel: 'SMS' },
      to: [{ address: to, channel: 'SMS' }],
      content: { text },
    },
  };
}

async function settleAction(conversationId: string, actionId: string): Promise<Action> {
  for (let i = 0; i < 5; i++) {
    const action = await setup.client.actions.get(conversationId, actionId);
    if (action.status !== 'PENDING') return action;
  }
  throw new Error('action still pending');
}

describe('conversations', () => {
  it('creates (201) with participants, gets, and lists filtered by status across pages', async () => {
    const { client } = setup;
    const created = await client.conversations.create({
      configurationId,
      name: 'Support chat',
      participants: [
        { name: 'Dana', type: 'CUSTOMER', addresses: [{ channel: 'SMS', address: CUSTOMER }] },
        { name: 'Agent', type: 'HUMAN_AGENT', addresses: [{ channel: 'SMS', address: AGENT }] },
      ],
    });
    expect(created).toMatchObject({ configurationId, name: 'Support chat', status: 'ACTIVE' });
    expect(created.id).toMatch(/^conv_conversation_[0-7][0-9a-z]{25}$/);
    expect(created.participants?.map((participant) => participant.id)).toEqual([
      expect.stringMatching(/^conv_participant_/),
      expect.stringMatching(/^conv_participant_/),
    ]);
    expect(await client.conversations.get(created.id)).toEqual(created);

    const others = [
      await client.conversations.create({ configurationId }),
      await client.conversations.create({ configurationId }),
    ];
    const listed = await collect(client.conversations.list({ pageSize: 2, status: ['ACTIVE'] }));
    expect(listed.map((conversation) => conversation.id)).toEqual([created.id, ...others.map((c) => c.id)]);
    expect(await collect(client.conversations.list({ status: ['CLOSED'] }))).toEqual([]);
  });

  it('deletes with an Idempotency-Key: related.conversationId, then 404', async () => {
    const { client } = setup;
    const { id } = await client.conversations.create({ configurationId });
    const accepted = await client.conversations.delete(id, { idempotencyKey: randomUUID() });
    expect(accepted.related).toEqual({ conversationId: id });
    const completed = await settle(() => client.configurations.getOperation(accepted.operationId));
    expect(completed).toMatchObject({ status: 'COMPLETED', related: { conversationId: id } });
    expect(await failureOf(client.conversations.get(id))).toBeInstanceOf(NotFoundError);
  });

  it('answers 404 for an unknown configuration', async () => {
    const error = await failureOf(
      setup.client.conversations.create({ configurationId: 'conv_configuration_01k1etk2y5f1y9fpe2epfdtvv2' }),
    );
    expect(error).toBeInstanceOf(NotFoundError);
  });
});

describe('SEND_MESSAGE actions', () => {
  it('202 PENDING with messageSid, then COMPLETED with communicationId; the communication is listed', async () => {
    const { client, emulator } = setup;
    const { id: conversationId } = await client.conversations.create({ configurationId });
    const action = await client.actions.create(
      conversationId,
      sendMessage(CUSTOMER, 'Hello from the contract test'),
    );
    expect(action).toMatchObject({
      type: 'SEND_MESSAGE',
      status: 'PENDING',
      conversationId,
      retryAfterMs: 1_000,
    });
    expect(action.id).toMatch(/^conv_action_/);
    expect(action.related?.messageSid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(action.related?.communicationId).toBeUndefined();

    const done = await settleAction(conversationId, action.id);
    expect(done.status).toBe('COMPLETED');
    expect(done.related).toEqual({
      messageSid: action.related?.messageSid,
      communicationId: expect.stringMatching(/^conv_communication_/) as string,
    });
    expect(done.retryAfterMs).toBeUndefined();

    const communications = await collect(
      client.conversations.listCommunications(conversationId, { pageSize: 1 }),
    );
    expect(communications).toHaveLength(1);
    expect(communications[0]).toMatchObject({
      id: done.related?.communicationId,
      conversationId,
      content: { text: 'Hello from the contract test' },
      author: { address: AGENT, channel: 'SMS' },
      recipients: [{ address: CUSTOMER, channel: 'SMS' }],
    });
    expect(emulator.summary().messagesSent).toBe(1);
  });

  it('ends FAILED with a failureReason for an undeliverable recipient, recording no communication', async () => {
    const { client } = setup;
    const { id: conversationId } = await client.conversations.create({ configurationId });
    const action = await client.actions.create(conversationId, sendMessage('+15555550000', 'never arrives'));
    const done = await settleAction(conversationId, action.id);
    expect(done.status).toBe('FAILED');
    expect(done.failureReason).toContain('+15555550000');
    expect(await collect(client.conversations.listCommunications(conversationId))).toEqual([]);
  });

  it('answers 404 for an action of another conversation', async () => {
    const { client } = setup;
    const first = await client.conversations.create({ configurationId });
    const second = await client.conversations.create({ configurationId });
    const action = await client.actions.create(first.id, sendMessage(CUSTOMER, 'hi'));
    expect(await failureOf(client.actions.get(second.id, action.id))).toBeInstanceOf(NotFoundError);
  });
});
