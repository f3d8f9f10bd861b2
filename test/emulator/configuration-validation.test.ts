import {
  CONFIGURATIONS_PATH,
  type ConfigurationBody,
  type ConversationsAccepted,
  type TwilioErrorBody,
  configurationBody,
  createConfiguration,
  createStore,
  useEmulator,
  expectBadRequest,
} from './support';

const { emulator, api } = useEmulator();

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
    await expectBadRequest(api, 'POST', CONFIGURATIONS_PATH, configurationBody(storeId, overrides), message);
    expect(emulator.summary().operations.total).toBe(1);
  });

  it('names every problem of a body in one error', async () => {
    await expectBadRequest(
      api,
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
        api,
        'PUT',
        path,
        configurationBody(storeId, { description: undefined }),
        /description: is required/,
      );
      await expectBadRequest(
        api,
        'PUT',
        path,
        configurationBody(storeId, { version: 'one' }),
        /version: must be an integer/,
      );
    });
  });
});
