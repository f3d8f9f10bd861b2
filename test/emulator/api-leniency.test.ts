/**
 * The emulator receives a body as the API does, and as it always has: objects are open (a field
 * the API does not define is dropped, except in a message's content), a null field is one left
 * out, an ID the API only looks up need only be a string, a participant supplies the channel of
 * an address given without one, and a refusal names each field once, with the value or size
 * that broke its rule. The client's own schemas stay strict (test/api/request-schemas.test.ts).
 */
import {
  CONFIGURATIONS_PATH,
  CONVERSATIONS_PATH,
  STORE_PATH,
  type ActionBody,
  type CommunicationList,
  type ConfigurationBody,
  type ConversationBody,
  type ConversationsAccepted,
  type MemoryAccepted,
  type StoreBody,
  type TwilioErrorBody,
  configurationBody,
  createConfiguration,
  createConversation,
  createStore,
  sendMessageBody,
  useEmulator,
} from './support';

const { emulator, api } = useEmulator();

const UNKNOWN_STORE = 'mem_store_01k1etk2y5f1y9fpe2epfdtvv2';

/** The whole message of a 400: a test here pins wording, not just a fragment of it. */
async function refusal(method: string, path: string, body: unknown): Promise<string> {
  const reply = await api.call<TwilioErrorBody>(method, path, { body });
  expect(reply.status).toBe(400);
  return reply.body.message;
}

async function acceptedConfiguration(body: unknown): Promise<ConfigurationBody> {
  const accepted = await api.post<ConversationsAccepted>(CONFIGURATIONS_PATH, body);
  expect(accepted.status).toBe(202);
  expect((await api.poll(accepted.body.statusUrl)).body.status).toBe('COMPLETED');
  const path = `${CONFIGURATIONS_PATH}/${accepted.body.related!.configurationId!}`;
  return (await api.get<ConfigurationBody & Record<string, unknown>>(path)).body;
}

describe('a field the API does not define', () => {
  it('is dropped at any depth of a configuration, never stored or shown', async () => {
    const storeId = await createStore(api);
    const configuration = await acceptedConfiguration({
      ...configurationBody(storeId, {
        channelSettings: {
          SMS: {
            statusTimeouts: { inactive: 5, unit: 'minutes' },
            captureRules: [{ from: '*', to: '*', priority: 1 }],
            fallback: true,
          },
        },
        statusCallbacks: [{ url: 'https://example.com/status', method: 'GET', secret: 'x' }],
        conversationsV1Bridge: { serviceId: `IS${'0'.repeat(32)}`, region: 'us1' },
      }),
      tags: ['support'],
    });
    expect(configuration).toMatchObject({
      channelSettings: { SMS: { statusTimeouts: { inactive: 5 }, captureRules: [{ from: '*', to: '*' }] } },
      statusCallbacks: [{ url: 'https://example.com/status', method: 'GET' }],
      conversationsV1Bridge: { serviceId: `IS${'0'.repeat(32)}` },
    });
    const shown = JSON.stringify(configuration);
    for (const dropped of ['unit', 'priority', 'fallback', 'secret', 'region', 'tags']) {
      expect(shown).not.toContain(`"${dropped}"`);
    }
  });

  it('is dropped from a store, a conversation and its participants, and a SEND_MESSAGE', async () => {
    const store = await api.post<MemoryAccepted>(STORE_PATH, { displayName: 'open-store', region: 'us1' });
    expect(store.status).toBe(202);

    const configurationId = await createConfiguration(api, await createStore(api));
    const created = await api.post<ConversationBody>(CONVERSATIONS_PATH, {
      configurationId,
      configuration: { intelligenceConfigurationIds: ['intel-1'], language: 'en' },
      participants: [
        {
          name: 'Dana',
          nickname: 'D',
          addresses: [{ channel: 'SMS', address: '+15551230001', verified: true }],
        },
      ],
      priority: 'high',
    });
    expect(created.status).toBe(201);
    expect(created.body.participants[0]).toEqual({
      id: expect.any(String) as string,
      conversationId: created.body.id,
      accountId: created.body.accountId,
      name: 'Dana',
      addresses: [{ channel: 'SMS', address: '+15551230001' }],
      createdAt: expect.any(String) as string,
      updatedAt: expect.any(String) as string,
    });
    expect(created.body).not.toHaveProperty('priority');

    const valid = sendMessageBody('+15551230001');
    const action = await api.post<ActionBody>(`${CONVERSATIONS_PATH}/${created.body.id}/Actions`, {
      ...valid,
      scheduleAt: 'now',
      payload: {
        ...valid.payload,
        from: { ...valid.payload.from, label: 'agent' },
        to: [{ ...valid.payload.to[0], label: 'customer' }],
        priority: 1,
      },
    });
    expect(action.status).toBe(202);
  });

  it("in a message's content is refused, naming the fields content takes", async () => {
    const conversation = await createConversation(
      api,
      await createConfiguration(api, await createStore(api)),
    );
    const valid = sendMessageBody('+15551230001');
    const body = { ...valid, payload: { ...valid.payload, content: { text: 'Hi', html: '<b>Hi</b>' } } };
    expect(await refusal('POST', `${CONVERSATIONS_PATH}/${conversation.id}/Actions`, body)).toBe(
      'Invalid request: payload.content.html: is not a known field (allowed: text, contentId, variables, mediaUrls)',
    );
    expect(emulator.summary().messagesSent).toBe(0);
  });
});

describe('null', () => {
  it('in an optional field is the field left out', async () => {
    const store = await api.post<MemoryAccepted>(STORE_PATH, {
      displayName: 'null-store',
      description: null,
    });
    expect(store.status).toBe(202);
    const storeId = (await api.poll(store.body.statusUrl)).body.result!.id;
    expect((await api.get<StoreBody>(`${STORE_PATH}/${storeId}`)).body).not.toHaveProperty('description');

    const configuration = await acceptedConfiguration(
      configurationBody(storeId, {
        channelSettings: null,
        statusCallbacks: [{ url: 'https://example.com/status', method: null }],
        intelligenceConfigurationIds: null,
        memoryExtractionEnabled: null,
        conversationsV1Bridge: null,
      }),
    );
    expect(configuration).toMatchObject({
      statusCallbacks: [{ url: 'https://example.com/status', method: 'POST' }],
      memoryExtractionEnabled: false,
    });
    for (const left of ['channelSettings', 'intelligenceConfigurationIds', 'conversationsV1Bridge']) {
      expect(configuration).not.toHaveProperty(left);
    }

    const created = await api.post<ConversationBody>(CONVERSATIONS_PATH, {
      configurationId: configuration.id,
      name: null,
      configuration: null,
      participants: [
        {
          name: null,
          type: null,
          profileId: null,
          addresses: [{ channel: 'SMS', address: '+15551230001', channelId: null }],
        },
      ],
    });
    expect(created.status).toBe(201);
    expect(created.body.name).toBeNull();
    expect(created.body.participants[0]).toMatchObject({
      name: '',
      addresses: [{ channel: 'SMS', address: '+15551230001' }],
    });
    expect(created.body.participants[0]).not.toHaveProperty('type');
    expect(created.body.participants[0]!.addresses[0]).not.toHaveProperty('channelId');

    const valid = sendMessageBody('+15551230001');
    const action = await api.post<ActionBody>(`${CONVERSATIONS_PATH}/${created.body.id}/Actions`, {
      ...valid,
      payload: {
        ...valid.payload,
        from: { ...valid.payload.from, participantId: null },
        content: { text: 'Hi', contentId: null, mediaUrls: null },
        channelSettings: null,
      },
    });
    expect(action.status).toBe(202);
  });

  it('in a required field, an array item or a map value is a value missing', async () => {
    const storeId = await createStore(api);
    const body = configurationBody(storeId, {
      displayName: null,
      channelSettings: { SMS: { captureRules: [{ from: '*', to: '*', metadata: { team: null } }] } },
      statusCallbacks: [null],
    });
    expect(await refusal('POST', CONFIGURATIONS_PATH, body)).toBe(
      'Invalid request: displayName: is required; ' +
        'channelSettings.SMS.captureRules[0].metadata.team: is required; statusCallbacks[0]: is required',
    );
  });
});

describe('an ID the API only looks up', () => {
  it('need only be a string: a profile, an intelligence configuration, a content template', async () => {
    const conversationConfigurationId = await createConfiguration(api, await createStore(api));
    const created = await api.post<ConversationBody>(CONVERSATIONS_PATH, {
      configurationId: conversationConfigurationId,
      configuration: { intelligenceConfigurationIds: [' '] },
      participants: [{ profileId: ' ', addresses: [{ channel: 'SMS', address: '+15551230001' }] }],
    });
    expect(created.status).toBe(201);
    expect(created.body.participants[0]).toMatchObject({ profileId: ' ' });

    const actions = `${CONVERSATIONS_PATH}/${created.body.id}/Actions`;
    const valid = sendMessageBody('+15551230001');
    const withContent = (content: Record<string, unknown>) => ({
      ...valid,
      payload: { ...valid.payload, content },
    });
    expect((await api.post(actions, withContent({ contentId: ' ' }))).status).toBe(202);
    expect(await refusal('POST', actions, withContent({ contentId: '' }))).toBe(
      'Invalid request: payload.content.contentId: must be at least 1 character',
    );
  });

  it('is refused by the lookup when blank: no such participant', async () => {
    const conversation = await createConversation(
      api,
      await createConfiguration(api, await createStore(api)),
    );
    const valid = sendMessageBody('+15551230001');
    const body = { ...valid, payload: { ...valid.payload, to: [{ participantId: ' ' }] } };
    expect(await refusal('POST', `${CONVERSATIONS_PATH}/${conversation.id}/Actions`, body)).toBe(
      'Invalid request: payload.to[0].participantId: no participant   in this conversation',
    );
  });
});

describe('a SEND_MESSAGE endpoint', () => {
  let conversation: ConversationBody;
  let actions: string;
  beforeEach(async () => {
    conversation = await createConversation(api, await createConfiguration(api, await createStore(api)));
    actions = `${CONVERSATIONS_PATH}/${conversation.id}/Actions`;
  });

  it('with a participant and an address takes the channel from the participant', async () => {
    const agent = conversation.participants[1]!;
    const valid = sendMessageBody('+15551230001');
    const body = {
      ...valid,
      payload: { ...valid.payload, from: { participantId: agent.id, address: '+15559870002' } },
    };
    const accepted = await api.post<ActionBody>(actions, body);
    expect(accepted.status).toBe(202);
    const communications = await api.get<CommunicationList>(
      `${CONVERSATIONS_PATH}/${conversation.id}/Communications`,
    );
    expect(communications.body.communications[0]!.author).toEqual({
      address: '+15559870002',
      channel: 'SMS',
      participantId: agent.id,
    });
  });

  it('with an address but neither channel nor a known participant is refused as the API words it', async () => {
    const valid = sendMessageBody('+15551230001');
    const from = (endpoint: Record<string, unknown>) => ({
      ...valid,
      payload: { ...valid.payload, from: endpoint },
    });
    expect(await refusal('POST', actions, from({ address: '+15559870002' }))).toBe(
      'Invalid request: payload.from: needs address and channel, or a participantId with an address',
    );
    expect(
      await refusal('POST', actions, from({ participantId: 'conv_participant_nope', address: '+1555' })),
    ).toBe(
      'Invalid request: payload.from.participantId: no participant conv_participant_nope in this conversation',
    );
    expect(await refusal('POST', actions, sendMessageBody('+15551230001', 'Hi', 'VOICE'))).toBe(
      'Invalid request: payload.to[0].channel: VOICE is receive-only: SEND_MESSAGE cannot send on it',
    );
    expect(emulator.summary().messagesSent).toBe(0);
  });
});

describe('a refusal', () => {
  let storeId: string;
  beforeEach(async () => (storeId = await createStore(api)));

  it('names the value or the size that broke a rule', async () => {
    const body = configurationBody(storeId, {
      displayName: 'x'.repeat(33),
      conversationGroupingType: 'GROUP_BY_MOOD',
      channelSettings: { FAX: {} },
      statusCallbacks: [1, 2, 3].map((i) => ({ url: `https://example.com/${i}` })),
    });
    expect(await refusal('POST', CONFIGURATIONS_PATH, body)).toBe(
      'Invalid request: displayName: must be at most 32 characters (got 33); ' +
        'conversationGroupingType: must be one of GROUP_BY_PROFILE, GROUP_BY_PARTICIPANT_ADDRESSES, ' +
        "GROUP_BY_PARTICIPANT_ADDRESSES_AND_CHANNEL_TYPE (got 'GROUP_BY_MOOD'); " +
        'channelSettings.FAX: is not a channel (allowed: VOICE, SMS, RCS, WHATSAPP, CHAT); ' +
        'statusCallbacks: must have at most 2 items (got 3)',
    );
    expect(
      await refusal('POST', STORE_PATH, { displayName: 'long-description', description: 'd'.repeat(200) }),
    ).toBe('Invalid request: description: must be at most 128 characters (got 200)');
    expect(
      await refusal('POST', CONFIGURATIONS_PATH, configurationBody(storeId, { conversationGroupingType: 7 })),
    ).toBe('Invalid request: conversationGroupingType: must be a string');
  });

  it('names each field once, and an unknown memory store among the other problems', async () => {
    const body = configurationBody(UNKNOWN_STORE, {
      description: ' ',
      intelligenceConfigurationIds: 'x'.repeat(9),
    });
    expect(await refusal('POST', CONFIGURATIONS_PATH, body)).toBe(
      'Invalid request: description: must not be empty or only whitespace or invisible characters; ' +
        `memoryStoreId: no memory store with ID ${UNKNOWN_STORE}; intelligenceConfigurationIds: must be an array`,
    );
    expect(emulator.summary().configurations).toBe(0);
  });
});

describe('options and faults', () => {
  it('name a bad option as the caller wrote it, and take an option given as undefined as not given', () => {
    expect(() => emulator.configure({ retryAfterSeconds: -1 })).toThrow(
      /^retryAfterSeconds: must be a non-negative integer$/,
    );
    // Such as options spread from a parsed command line, where a flag not given is undefined.
    const spread = { listingDelayReads: 2, port: undefined } as Parameters<typeof emulator.configure>[0];
    expect(() => emulator.configure(spread)).not.toThrow();
  });

  it('word a bad Retry-After as the rule it breaks', () => {
    expect(() => emulator.addFault({ kind: 'status', status: 429, retryAfter: -1 })).toThrow(
      /^fault\.retryAfter: must be a non-negative integer of seconds or 'http-date'$/,
    );
  });

  it('take an operation-fails error part given as null as the default, and refuse one of the wrong type', async () => {
    expect(() => emulator.addFault({ kind: 'operation-fails', error: { title: 5 } } as never)).toThrow(
      /^fault\.error\.title: must be a string$/,
    );
    emulator.addFault({ kind: 'operation-fails', times: 1, error: null });
    emulator.addFault({
      kind: 'operation-fails',
      times: 1,
      error: { title: null, detail: 'Quota', code: null },
    });
    const failed = [];
    for (const name of ['failing-one', 'failing-two']) {
      const accepted = await api.post<MemoryAccepted>(STORE_PATH, { displayName: name });
      failed.push((await api.poll(accepted.body.statusUrl)).body.error);
    }
    expect(failed).toEqual([
      expect.objectContaining({
        title: 'Operation failed',
        detail: 'The operation failed (emulator fault: operation-fails)',
        code: 20500,
      }),
      expect.objectContaining({ title: 'Operation failed', detail: 'Quota', code: 20500 }),
    ]);
  });
});
