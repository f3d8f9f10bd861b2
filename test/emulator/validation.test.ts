import type { RunningEmulator } from '../../src/emulator';
import {
  CONFIGURATIONS_PATH,
  CONVERSATIONS_PATH,
  type ConfigurationBody,
  type ConversationsAccepted,
  type MemoryAccepted,
  STORE_PATH,
  type TestApi,
  type TwilioErrorBody,
  configurationBody,
  createConfiguration,
  createConversation,
  createStore,
  sendMessageBody,
  start,
  uniqueName,
} from './support';

let emulator: RunningEmulator;
let api: TestApi;

beforeAll(async () => ({ emulator, api } = await start()));
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.reset();
  emulator.configure({ operationLatency: { ms: 0 }, actionLatency: { ms: 0 } });
});

async function expectBadRequest(method: string, path: string, body: unknown, message: RegExp): Promise<void> {
  const reply = await api.call<TwilioErrorBody>(method, path, { body });
  expect(reply.status).toBe(400);
  expect(reply.body).toEqual({
    code: 20001,
    status: 400,
    message: expect.stringMatching(message) as string,
    more_info: 'https://www.twilio.com/docs/errors/20001',
  });
}

describe('request bodies', () => {
  it('refuses a body that is not JSON, and a JSON body that is not an object', async () => {
    await expectBadRequest('POST', STORE_PATH, '{"displayName":', /body: not valid JSON/);
    await expectBadRequest('POST', STORE_PATH, '["x"]', /body: must be a JSON object/);
  });
});

describe('memory store validation', () => {
  it.each([
    [{}, /displayName: is required/],
    [{ displayName: 'has space' }, /displayName: must match \^\[a-zA-Z0-9-\]\+\$/],
    [{ displayName: 'under_score' }, /displayName: must match/],
    [{ displayName: 'x'.repeat(65) }, /displayName: must be at most 64 characters/],
    [{ displayName: 'ok', description: '' }, /description: must be at least 1 character/],
    [{ displayName: 'ok', description: 'd'.repeat(129) }, /description: must be at most 128 characters/],
    [{ displayName: 42 }, /displayName: must be a string/],
  ])('refuses %j', async (body, message) => {
    await expectBadRequest('POST', STORE_PATH, body, message);
    expect(emulator.summary().stores).toBe(0);
  });

  it('accepts a 128-character description and a 64-character name', async () => {
    const reply = await api.post(STORE_PATH, { displayName: 'x'.repeat(64), description: 'd'.repeat(128) });
    expect(reply.status).toBe(202);
  });

  it('refuses a duplicate display name with 409 / 520045 naming the existing store, even while it is pending', async () => {
    emulator.configure({ operationLatency: { polls: 10 } });
    const first = await api.post<MemoryAccepted>(STORE_PATH, { displayName: 'support-memory' });
    expect(first.status).toBe(202);
    const duplicate = await api.post<TwilioErrorBody>(STORE_PATH, { displayName: 'support-memory' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({ code: 520045, status: 409 });
    expect(duplicate.body.message).toMatch(
      /displayName: a memory store named 'support-memory' already exists/,
    );
    expect(duplicate.headers.get('x-conflicting-resource-id')).toMatch(/^mem_store_/);
    expect(emulator.summary().stores).toBe(1);
  });

  it('frees the display name of a store whose create failed', async () => {
    emulator.addFault({ kind: 'operation-fails', times: 1 });
    const failed = await api.post<MemoryAccepted>(STORE_PATH, { displayName: 'retry-me' });
    expect((await api.poll(failed.body.statusUrl)).body.status).toBe('FAILED');
    expect((await api.post(STORE_PATH, { displayName: 'retry-me' })).status).toBe(202);
  });

  it('refuses a 16th store', async () => {
    for (let i = 0; i < 15; i++)
      expect((await api.post(STORE_PATH, { displayName: uniqueName() })).status).toBe(202);
    await expectBadRequest('POST', STORE_PATH, { displayName: uniqueName() }, /at most 15 memory stores/);
    expect(emulator.summary().stores).toBe(15);
  });

  it('404s unknown store IDs on GET and DELETE', async () => {
    const unknown = 'mem_store_01k1etk2y5f1y9fpe2epfdtvv2';
    const got = await api.get<TwilioErrorBody>(`${STORE_PATH}/${unknown}`);
    expect(got.status).toBe(404);
    expect(got.body).toMatchObject({
      code: 20404,
      status: 404,
      message: expect.stringContaining(unknown) as string,
    });
    expect((await api.call('DELETE', `${STORE_PATH}/${unknown}`)).status).toBe(404);
  });
});

describe('configuration validation', () => {
  let storeId: string;
  beforeEach(async () => (storeId = await createStore(api)));

  const cases: [string, Record<string, unknown>, RegExp][] = [
    [
      'displayName over 32 characters',
      { displayName: 'x'.repeat(33) },
      /displayName: must be at most 32 characters/,
    ],
    [
      'displayName with a bad character',
      { displayName: 'Support!' },
      /displayName: must match \^\[a-zA-Z0-9-_ \]\+\$/,
    ],
    ['displayName missing', { displayName: undefined }, /displayName: is required/],
    ['description missing', { description: undefined }, /description: is required/],
    [
      'conversationGroupingType missing',
      { conversationGroupingType: undefined },
      /conversationGroupingType: is required/,
    ],
    [
      'conversationGroupingType unknown',
      { conversationGroupingType: 'GROUP_BY_MOOD' },
      /conversationGroupingType: must be one of GROUP_BY_PROFILE/,
    ],
    ['memoryStoreId missing', { memoryStoreId: undefined }, /memoryStoreId: is required/],
    [
      'memoryStoreId malformed',
      { memoryStoreId: 'memora_service_123' },
      /memoryStoreId: must match \^mem_\(store\|service\)_/,
    ],
    [
      'memoryStoreId unknown',
      { memoryStoreId: 'mem_store_01k1etk2y5f1y9fpe2epfdtvv2' },
      /memoryStoreId: no memory store with ID/,
    ],
    [
      '6 intelligenceConfigurationIds',
      { intelligenceConfigurationIds: ['a', 'b', 'c', 'd', 'e', 'f'] },
      /intelligenceConfigurationIds: must have at most 5 items/,
    ],
    [
      '3 statusCallbacks',
      { statusCallbacks: [1, 2, 3].map((i) => ({ url: `https://example.com/${i}`, method: 'POST' })) },
      /statusCallbacks: must have at most 2 items/,
    ],
    [
      'a statusCallback without a URL',
      { statusCallbacks: [{ method: 'POST' }] },
      /statusCallbacks\[0\]\.url: is required/,
    ],
    [
      'a statusCallback URL that is not http(s)',
      { statusCallbacks: [{ url: 'ftp://example.com' }] },
      /statusCallbacks\[0\]\.url: must be an absolute http\(s\) URL/,
    ],
    [
      'a statusCallback method outside the enum',
      { statusCallbacks: [{ url: 'https://example.com', method: 'TRACE' }] },
      /statusCallbacks\[0\]\.method: must be one of/,
    ],
    [
      'a V1 bridge serviceId that is not IS + 32 hex',
      { conversationsV1Bridge: { serviceId: 'IS123' } },
      /conversationsV1Bridge\.serviceId: must match \^IS\[0-9a-f\]\{32\}\$/,
    ],
    [
      'a V1 bridge without serviceId',
      { conversationsV1Bridge: {} },
      /conversationsV1Bridge\.serviceId: is required/,
    ],
    [
      'channelSettings for an unknown channel',
      { channelSettings: { FAX: {} } },
      /channelSettings\.FAX: is not a channel/,
    ],
    [
      'a status timeout below 1',
      { channelSettings: { SMS: { statusTimeouts: { inactive: 0 } } } },
      /channelSettings\.SMS\.statusTimeouts\.inactive: must be at least 1/,
    ],
    [
      'a capture rule without to',
      { channelSettings: { SMS: { captureRules: [{ from: '*' }] } } },
      /channelSettings\.SMS\.captureRules\[0\]\.to: is required/,
    ],
    [
      'memoryExtractionEnabled not boolean',
      { memoryExtractionEnabled: 'yes' },
      /memoryExtractionEnabled: must be a boolean/,
    ],
  ];

  it.each(cases)('refuses %s', async (_name, overrides, message) => {
    await expectBadRequest('POST', CONFIGURATIONS_PATH, configurationBody(storeId, overrides), message);
    expect(emulator.summary().operations.total).toBe(1);
  });

  it('names every problem of a body in one error', async () => {
    await expectBadRequest(
      'POST',
      CONFIGURATIONS_PATH,
      { displayName: 'x'.repeat(40), intelligenceConfigurationIds: [1, 2, 3, 4, 5, 6] },
      /displayName: .*; description: is required; conversationGroupingType: is required; memoryStoreId: is required; intelligenceConfigurationIds/,
    );
  });

  it('accepts the documented maximums and every field', async () => {
    const reply = await api.post<ConversationsAccepted>(
      CONFIGURATIONS_PATH,
      configurationBody(storeId, {
        displayName: 'My Support-Config_ 0123456789abc',
        intelligenceConfigurationIds: ['a', 'b', 'c', 'd', 'e'],
        statusCallbacks: [{ url: 'https://example.com/a', method: 'POST' }, { url: 'https://example.com/b' }],
        channelSettings: {
          SMS: {
            statusTimeouts: { inactive: 10, closed: 15 },
            captureRules: [{ from: '+18005550100', to: '*', metadata: {} }],
          },
        },
        memoryExtractionEnabled: true,
        conversationsV1Bridge: { serviceId: `IS${'0'.repeat(32)}` },
      }),
    );
    expect(reply.status).toBe(202);
    const configuration = await api.get<ConfigurationBody>(
      `${CONFIGURATIONS_PATH}/${reply.body.related!.configurationId}`,
    );
    expect(configuration.body).toMatchObject({
      displayName: 'My Support-Config_ 0123456789abc',
      memoryExtractionEnabled: true,
      statusCallbacks: [
        { url: 'https://example.com/a', method: 'POST' },
        { url: 'https://example.com/b', method: 'POST' },
      ],
    });
  });

  it('404s unknown configuration IDs on GET, PUT and DELETE', async () => {
    const path = `${CONFIGURATIONS_PATH}/conv_configuration_01k1etk2y5f1y9fpe2epfdtvv2`;
    expect((await api.get(path)).status).toBe(404);
    expect((await api.call('PUT', path, { body: configurationBody(storeId) })).status).toBe(404);
    expect((await api.call('DELETE', path)).status).toBe(404);
  });

  describe('PUT', () => {
    it('answers 409 with X-Conflicting-Resource-Id when version is not the current one', async () => {
      const configurationId = await createConfiguration(api, storeId);
      const path = `${CONFIGURATIONS_PATH}/${configurationId}`;
      expect((await api.call('PUT', path, { body: configurationBody(storeId, { version: 1 }) })).status).toBe(
        202,
      );
      const stale = await api.call<TwilioErrorBody>('PUT', path, {
        body: configurationBody(storeId, { version: 1 }),
      });
      expect(stale.status).toBe(409);
      expect(stale.body).toMatchObject({
        code: 20409,
        status: 409,
        message: expect.stringMatching(/version: .* is at version 2, not 1/) as string,
      });
      expect(stale.headers.get('x-conflicting-resource-id')).toBe(configurationId);
      expect((await api.call('PUT', path, { body: configurationBody(storeId, { version: 2 }) })).status).toBe(
        202,
      );
    });

    it('counts accepted but pending updates: two PUTs of the same version conflict', async () => {
      const configurationId = await createConfiguration(api, storeId);
      emulator.configure({ operationLatency: { polls: 5 } });
      const path = `${CONFIGURATIONS_PATH}/${configurationId}`;
      expect((await api.call('PUT', path, { body: configurationBody(storeId, { version: 1 }) })).status).toBe(
        202,
      );
      expect((await api.call('PUT', path, { body: configurationBody(storeId, { version: 1 }) })).status).toBe(
        409,
      );
    });

    it('is a full replace that keeps displayName when omitted', async () => {
      const configurationId = await createConfiguration(api, storeId, {
        displayName: 'Keep Me',
        intelligenceConfigurationIds: ['a'],
        memoryExtractionEnabled: true,
      });
      const path = `${CONFIGURATIONS_PATH}/${configurationId}`;
      const body = configurationBody(storeId, { displayName: undefined, description: 'Replaced' });
      expect((await api.call('PUT', path, { body })).status).toBe(202);
      const replaced = await api.get<ConfigurationBody & { intelligenceConfigurationIds?: string[] }>(path);
      expect(replaced.body).toMatchObject({
        displayName: 'Keep Me',
        description: 'Replaced',
        memoryExtractionEnabled: false,
      });
      expect(replaced.body.intelligenceConfigurationIds).toBeUndefined();
    });

    it('validates like create (description required, version an integer)', async () => {
      const configurationId = await createConfiguration(api, storeId);
      const path = `${CONFIGURATIONS_PATH}/${configurationId}`;
      await expectBadRequest(
        'PUT',
        path,
        configurationBody(storeId, { description: undefined }),
        /description: is required/,
      );
      await expectBadRequest(
        'PUT',
        path,
        configurationBody(storeId, { version: 'one' }),
        /version: must be an integer/,
      );
    });
  });
});

describe('conversation validation', () => {
  let configurationId: string;
  beforeEach(async () => (configurationId = await createConfiguration(api, await createStore(api))));

  it('requires configurationId and 404s an unknown one', async () => {
    await expectBadRequest('POST', CONVERSATIONS_PATH, { name: 'x' }, /configurationId: is required/);
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
    await expectBadRequest('POST', CONVERSATIONS_PATH, { configurationId, ...overrides }, message);
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
    await expectBadRequest('POST', conversationPath, body, message);
    expect(emulator.summary().messagesSent).toBe(0);
  });

  it('refuses a participantId that is not in the conversation, and resolves one that is', async () => {
    const foreign = {
      ...valid,
      payload: { ...valid.payload, to: [{ participantId: 'conv_participant_nope' }] },
    };
    await expectBadRequest(
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
