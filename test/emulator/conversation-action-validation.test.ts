import {
  CONVERSATIONS_PATH,
  type TwilioErrorBody,
  createConfiguration,
  createConversation,
  createStore,
  sendMessageBody,
  useEmulator,
  expectBadRequest,
} from './support';

const { emulator, api } = useEmulator();

describe('conversation validation', () => {
  let configurationId: string;
  beforeEach(async () => (configurationId = await createConfiguration(api, await createStore(api))));

  it('requires configurationId and 404s an unknown one', async () => {
    await expectBadRequest(api, 'POST', CONVERSATIONS_PATH, { name: 'x' }, /configurationId: is required/);
    const unknown = await api.post<TwilioErrorBody>(CONVERSATIONS_PATH, {
      configurationId: 'conv_configuration_01k1etk2y5f1y9fpe2epfdtvv2',
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toMatch(/configurationId: no configuration/);
  });

  it.each([
    [
      { participants: [{ type: 'ROBOT' }] },
      /participants\[0\]\.type: must be one of HUMAN_AGENT, CUSTOMER, AI_AGENT/,
    ],
    [
      { participants: [{ addresses: [{ channel: 'SMS' }] }] },
      /participants\[0\]\.addresses\[0\]\.address: is required/,
    ],
    [
      { participants: [{ addresses: [{ channel: 'PIGEON', address: 'x' }] }] },
      /addresses\[0\]\.channel: must be one of/,
    ],
    [{ participants: Array.from({ length: 51 }, () => ({})) }, /participants: must have at most 50 items/],
  ])('refuses %j', async (overrides, message) => {
    await expectBadRequest(api, 'POST', CONVERSATIONS_PATH, { configurationId, ...overrides }, message);
    expect(emulator.summary().conversations).toBe(0);
  });
});

describe('action validation', () => {
  let conversationPath: string;
  let participantId: string;
  beforeEach(async () => {
    const conversation = await createConversation(
      api,
      await createConfiguration(api, await createStore(api)),
    );
    conversationPath = `${CONVERSATIONS_PATH}/${conversation.id}/Actions`;
    participantId = conversation.participants[0]!.id;
  });

  const valid = sendMessageBody('+15551230001');
  it.each([
    ['type missing', { payload: valid.payload }, /type: is required/],
    ['type unknown', { ...valid, type: 'SEND_FAX' }, /type: must be one of SEND_MESSAGE/],
    ['payload missing', { type: 'SEND_MESSAGE' }, /payload: is required/],
    [
      'no recipients',
      { ...valid, payload: { ...valid.payload, to: [] } },
      /payload\.to: must have at least 1 item/,
    ],
    [
      'from missing',
      { ...valid, payload: { ...valid.payload, from: undefined } },
      /payload\.from: is required/,
    ],
    [
      'content missing',
      { ...valid, payload: { ...valid.payload, content: undefined } },
      /payload\.content: is required/,
    ],
    [
      'empty content',
      { ...valid, payload: { ...valid.payload, content: {} } },
      /payload\.content: needs text, contentId or mediaUrls/,
    ],
    [
      'unknown content field',
      { ...valid, payload: { ...valid.payload, content: { text: 'x', html: '<b>' } } },
      /payload\.content\.html: is not a known field/,
    ],
    [
      'a recipient without address',
      { ...valid, payload: { ...valid.payload, to: [{ channel: 'SMS' }] } },
      /payload\.to\[0\]: needs address and channel/,
    ],
    [
      'sending on VOICE',
      { ...valid, payload: { ...valid.payload, to: [{ address: '+15551230001', channel: 'VOICE' }] } },
      /payload\.to\[0\]\.channel: VOICE is receive-only/,
    ],
    [
      'an unknown channel',
      { ...valid, payload: { ...valid.payload, from: { address: 'x', channel: 'FAX' } } },
      /payload\.from\.channel: must be one of/,
    ],
  ])('refuses %s and sends nothing', async (_name, body, message) => {
    await expectBadRequest(api, 'POST', conversationPath, body, message);
    expect(emulator.summary().messagesSent).toBe(0);
  });

  it('refuses a participantId that is not in the conversation, and resolves one that is', async () => {
    const foreign = {
      ...valid,
      payload: { ...valid.payload, to: [{ participantId: 'conv_participant_nope' }] },
    };
    await expectBadRequest(
      api,
      'POST',
      conversationPath,
      foreign,
      /payload\.to\[0\]\.participantId: no participant/,
    );
    const known = { ...valid, payload: { ...valid.payload, to: [{ participantId }] } };
    expect((await api.post(conversationPath, known)).status).toBe(202);
  });

  it('404s actions on an unknown conversation', async () => {
    const reply = await api.post(
      `${CONVERSATIONS_PATH}/conv_conversation_01k1etk2y5f1y9fpe2epfdtvv2/Actions`,
      valid,
    );
    expect(reply.status).toBe(404);
    expect(emulator.summary().messagesSent).toBe(0);
  });
});
