import {
  CONVERSATIONS_PATH,
  type ActionBody,
  type CommunicationBody,
  type CommunicationList,
  type ConversationBody,
  type ConversationList,
  createConfiguration,
  createConversation,
  createStore,
  sendMessageBody,
  useEmulator,
} from './support';

const { emulator, api } = useEmulator();
let configurationId: string;

beforeEach(async () => {
  configurationId = await createConfiguration(api, await createStore(api));
});

describe('conversations', () => {
  it('creates a conversation (201) whose participants get IDs, and fetches and lists it', async () => {
    const created = await createConversation(api, configurationId);
    expect(created).toMatchObject({
      accountId: emulator.credentials.accountSid,
      configurationId,
      status: 'ACTIVE',
      name: 'Support chat',
    });
    expect(created.id).toMatch(/^conv_conversation_[0-7][0-9a-z]{25}$/);
    expect(created.participants).toHaveLength(2);
    for (const participant of created.participants) {
      expect(participant.id).toMatch(/^conv_participant_[0-7][0-9a-z]{25}$/);
      expect(participant.conversationId).toBe(created.id);
    }
    expect(created.participants[0]).toMatchObject({
      name: 'Dana',
      type: 'CUSTOMER',
      addresses: [{ channel: 'SMS', address: '+15551230001' }],
    });

    const fetched = await api.get<ConversationBody>(`${CONVERSATIONS_PATH}/${created.id}`);
    expect(fetched.body).toEqual(created);
    const listed = await api.get<ConversationList>(CONVERSATIONS_PATH);
    expect(listed.body.conversations).toEqual([created]);
    expect(listed.body.meta).toEqual({ key: 'conversations', pageSize: 1 });
  });

  it('creates a conversation without name or participants', async () => {
    const created = await api.post<ConversationBody>(CONVERSATIONS_PATH, { configurationId });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: null, participants: [] });
  });

  it('404s an unknown conversation', async () => {
    expect((await api.get(`${CONVERSATIONS_PATH}/conv_conversation_01k1etk2y5f1y9fpe2epfdtvv2`)).status).toBe(
      404,
    );
    expect(
      (await api.call('DELETE', `${CONVERSATIONS_PATH}/conv_conversation_01k1etk2y5f1y9fpe2epfdtvv2`)).status,
    ).toBe(404);
  });
});

describe('SEND_MESSAGE actions', () => {
  let conversation: ConversationBody;
  let actionsPath: string;
  beforeEach(async () => {
    conversation = await createConversation(api, configurationId);
    actionsPath = `${CONVERSATIONS_PATH}/${conversation.id}/Actions`;
  });

  it('answers 202 PENDING with a messageSid, then COMPLETED with a communicationId', async () => {
    emulator.configure({ actionLatency: { polls: 2 } });
    const accepted = await api.post<ActionBody>(
      actionsPath,
      sendMessageBody('+15551230001', 'Your order shipped'),
    );
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({
      type: 'SEND_MESSAGE',
      status: 'PENDING',
      conversationId: conversation.id,
    });
    expect(accepted.body.id).toMatch(/^conv_action_[0-7][0-9a-z]{25}$/);
    expect(accepted.body.related).toEqual({
      messageSid: expect.stringMatching(/^SM[0-9a-f]{32}$/) as string,
    });
    expect(accepted.body.completedAt).toBeUndefined();
    expect(accepted.headers.get('retry-after')).toBe('1');
    expect(accepted.headers.get('location')).toBe(`${emulator.url}${actionsPath}/${accepted.body.id}`);
    expect(emulator.summary().messagesSent).toBe(1);

    const actionPath = `${actionsPath}/${accepted.body.id}`;
    const pending = await api.get<ActionBody>(actionPath);
    expect(pending.body.status).toBe('PENDING');
    // Nothing is recorded before the action completes.
    expect(
      (await api.get<CommunicationList>(`${CONVERSATIONS_PATH}/${conversation.id}/Communications`)).body
        .communications,
    ).toEqual([]);

    const done = await api.get<ActionBody>(actionPath);
    expect(done.body.status).toBe('COMPLETED');
    expect(done.body.related.messageSid).toBe(accepted.body.related.messageSid);
    expect(done.body.related.communicationId).toMatch(/^conv_communication_[0-7][0-9a-z]{25}$/);
    expect(done.body.completedAt).toEqual(expect.any(String));
    expect(done.headers.get('retry-after')).toBeNull();

    const communications = await api.get<CommunicationList>(
      `${CONVERSATIONS_PATH}/${conversation.id}/Communications`,
    );
    expect(communications.body.communications).toEqual([
      {
        id: done.body.related.communicationId,
        conversationId: conversation.id,
        accountId: emulator.credentials.accountSid,
        author: { address: '+15559870002', channel: 'SMS' },
        content: { type: 'TEXT', text: 'Your order shipped' },
        recipients: [{ address: '+15551230001', channel: 'SMS', deliveryStatus: 'DELIVERED' }],
        channelId: accepted.body.related.messageSid,
        createdAt: expect.any(String) as string,
        updatedAt: expect.any(String) as string,
      },
    ]);
    const one = await api.get<CommunicationBody>(
      `${CONVERSATIONS_PATH}/${conversation.id}/Communications/${done.body.related.communicationId}`,
    );
    expect(one.body.content.text).toBe('Your order shipped');
  });

  it('settles by emulator-clock time with actionLatency.ms', async () => {
    emulator.configure({ actionLatency: { ms: 30_000 } });
    const accepted = await api.post<ActionBody>(actionsPath, sendMessageBody('+15551230001'));
    const actionPath = `${actionsPath}/${accepted.body.id}`;
    expect((await api.get<ActionBody>(actionPath)).body.status).toBe('PENDING');
    emulator.advanceClock(30_000);
    expect((await api.get<ActionBody>(actionPath)).body.status).toBe('COMPLETED');
  });

  it('resolves participant IDs to their addresses in the communication', async () => {
    const [customer, agent] = conversation.participants;
    const body = {
      type: 'SEND_MESSAGE',
      payload: {
        from: { participantId: agent!.id },
        to: [{ participantId: customer!.id }],
        content: { text: 'Hi Dana' },
      },
    };
    const accepted = await api.post<ActionBody>(actionsPath, body);
    expect((await api.get<ActionBody>(`${actionsPath}/${accepted.body.id}`)).body.status).toBe('COMPLETED');
    const [communication] = (
      await api.get<CommunicationList>(`${CONVERSATIONS_PATH}/${conversation.id}/Communications`)
    ).body.communications;
    expect(communication!.author).toEqual({
      address: '+15559870002',
      channel: 'SMS',
      participantId: agent!.id,
    });
    expect(communication!.recipients).toEqual([
      { address: '+15551230001', channel: 'SMS', participantId: customer!.id, deliveryStatus: 'DELIVERED' },
    ]);
  });

  it.each([
    ['+15555550000', 'SMS'],
    ['whatsapp:+15555550000', 'WHATSAPP'],
    ['UNDELIVERABLE-chat-user', 'CHAT'],
  ])(
    'ends FAILED with a failureReason for the undeliverable recipient %p (%s) and records nothing',
    async (address, channel) => {
      const accepted = await api.post<ActionBody>(actionsPath, sendMessageBody(address, undefined, channel));
      expect(accepted.status).toBe(202);
      const action = await api.get<ActionBody>(`${actionsPath}/${accepted.body.id}`);
      expect(action.body.status).toBe('FAILED');
      expect(action.body.failureReason).toContain(address);
      expect(action.body.related.communicationId).toBeUndefined();
      expect(
        (await api.get<CommunicationList>(`${CONVERSATIONS_PATH}/${conversation.id}/Communications`)).body
          .communications,
      ).toEqual([]);
      // A message was still sent (and failed downstream).
      expect(emulator.summary().messagesSent).toBe(1);
    },
  );

  it('sends again on every POST (no Idempotency-Key on actions)', async () => {
    const first = await api.post<ActionBody>(actionsPath, sendMessageBody('+15551230001'));
    const second = await api.post<ActionBody>(actionsPath, sendMessageBody('+15551230001'));
    expect(second.body.id).not.toBe(first.body.id);
    expect(second.body.related.messageSid).not.toBe(first.body.related.messageSid);
    expect(emulator.summary().messagesSent).toBe(2);
  });

  it('404s unknown actions and actions read through another conversation', async () => {
    const accepted = await api.post<ActionBody>(actionsPath, sendMessageBody('+15551230001'));
    const other = await createConversation(api, configurationId);
    expect((await api.get(`${actionsPath}/conv_action_01k1etx3jbfx88476ccja0889e`)).status).toBe(404);
    expect((await api.get(`${CONVERSATIONS_PATH}/${other.id}/Actions/${accepted.body.id}`)).status).toBe(404);
    expect(
      (await api.get(`${CONVERSATIONS_PATH}/${conversation.id}/Communications/conv_communication_x`)).status,
    ).toBe(404);
  });
});
