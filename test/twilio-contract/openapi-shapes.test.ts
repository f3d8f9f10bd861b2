import {
  CONFIGURATIONS_PATH,
  CONVERSATIONS_PATH,
  type ActionBody,
  type CommunicationList,
  type ConversationsAccepted,
  type MemoryAccepted,
  type Reply,
  STORE_PATH,
  type StoreList,
  configurationBody,
  createConfiguration,
  createConversation,
  createStore,
  sendMessageBody,
  useEmulator,
  uniqueName,
} from '../emulator/support';
import {
  type SpecName,
  componentSchemaRef,
  declaredHeaders,
  responseSchemaRef,
  schemaErrors,
} from './openapi';

const { emulator, api } = useEmulator();

/**
 * Checks a reply's body against the spec's schema for its status, and the headers the spec
 * declares: Operation-Id, Location and ETag always, Retry-After while work is pending.
 */
function expectSpecShape(spec: SpecName, specPath: string, method: string, reply: Reply): void {
  const ref = responseSchemaRef(spec, specPath, method, reply.status);
  expect({ ref, errors: schemaErrors(ref, reply.body) }).toEqual({ ref, errors: [] });
  const settled = ['COMPLETED', 'FAILED'].includes((reply.body as { status?: string }).status ?? '');
  for (const header of declaredHeaders(spec, specPath, method, reply.status)) {
    if (header === 'Retry-After' && settled) continue;
    if (['ETag', 'Operation-Id', 'Location', 'Retry-After'].includes(header)) {
      expect({ header, value: reply.headers.get(header) }).toEqual({
        header,
        value: expect.any(String) as string,
      });
    }
  }
  if (reply.status === 202) expect(reply.headers.get('retry-after')).toMatch(/^\d+$/);
}

function expectComponentShape(spec: SpecName, schema: string, body: unknown): void {
  const ref = componentSchemaRef(spec, schema);
  expect({ ref, errors: schemaErrors(ref, body) }).toEqual({ ref, errors: [] });
}

const OPERATION_MEMORY = '/v1/ControlPlane/Operations/{operationId}';
const OPERATION_CONVERSATIONS = '/v2/ControlPlane/Operations/{Sid}';

describe('the checker itself', () => {
  it('rejects bodies that break the specs (so the shape tests can fail)', () => {
    const store = responseSchemaRef('memory', '/v1/ControlPlane/Stores/{storeId}', 'GET', 200);
    expect(
      schemaErrors(store, { id: 'mem_store_x', displayName: 'a', status: 'READY', version: 0 }),
    ).not.toEqual([]);
    const operation = responseSchemaRef('conversations', OPERATION_CONVERSATIONS, 'GET', 200);
    expect(schemaErrors(operation, { operationId: 'p', status: 'DONE', createdAt: 'yesterday' })).not.toEqual(
      [],
    );
    // nullable mapped: completedAt null is fine in conversations, but not in memory.
    const valid = {
      operationId: 'p',
      status: 'PENDING',
      createdAt: '2025-01-15T10:30:00Z',
      statusUrl: 'https://x.test/',
    };
    expect(schemaErrors(operation, { ...valid, completedAt: null, related: null, error: null })).toEqual([]);
    const memoryOperation = responseSchemaRef('memory', OPERATION_MEMORY, 'GET', 200);
    expect(schemaErrors(memoryOperation, { ...valid, completedAt: null })).not.toEqual([]);
  });
});

describe('memory v1 responses match twilio_memory_v1.json', () => {
  it('stores: create 202, operation PENDING and COMPLETED, fetch, list with tokens', async () => {
    emulator.configure({ operationLatency: { polls: 2 } });
    const created = await api.post<MemoryAccepted>(STORE_PATH, {
      displayName: uniqueName(),
      description: 'Notes',
    });
    expectSpecShape('memory', STORE_PATH, 'POST', created);
    const pending = await api.poll(created.body.statusUrl);
    expect(pending.body.status).toBe('PENDING');
    expectSpecShape('memory', OPERATION_MEMORY, 'GET', pending);
    const storeId = (await api.get<StoreList>(STORE_PATH)).body.stores[0]!;
    expectSpecShape(
      'memory',
      '/v1/ControlPlane/Stores/{storeId}',
      'GET',
      await api.get(`${STORE_PATH}/${storeId}`),
    );
    const completed = await api.poll(created.body.statusUrl);
    expect(completed.body.status).toBe('COMPLETED');
    expectSpecShape('memory', OPERATION_MEMORY, 'GET', completed);
    expectSpecShape(
      'memory',
      '/v1/ControlPlane/Stores/{storeId}',
      'GET',
      await api.get(`${STORE_PATH}/${storeId}`),
    );

    emulator.configure({ operationLatency: { ms: 0 } });
    await createStore(api);
    await createStore(api);
    const first = await api.get<StoreList>(`${STORE_PATH}?pageSize=1`);
    expectSpecShape('memory', STORE_PATH, 'GET', first);
    const middle = await api.get<StoreList>(
      `${STORE_PATH}?pageSize=1&pageToken=${first.body.meta.nextToken}`,
    );
    expect(middle.body.meta.previousToken).toEqual(expect.any(String));
    expectSpecShape('memory', STORE_PATH, 'GET', middle);
  });

  it('store DELETE 202 (not in the spec) has the shape of the other memory 202s', async () => {
    const deleted = await api.call<MemoryAccepted>('DELETE', `${STORE_PATH}/${await createStore(api)}`);
    expect(deleted.status).toBe(202);
    expectSpecShape('memory', STORE_PATH, 'POST', deleted);
    expectSpecShape('memory', OPERATION_MEMORY, 'GET', await api.poll(deleted.body.statusUrl));
  });

  it('a FAILED operation', async () => {
    emulator.addFault({ kind: 'operation-fails', times: 1 });
    const created = await api.post<MemoryAccepted>(STORE_PATH, { displayName: uniqueName() });
    const failed = await api.poll(created.body.statusUrl);
    expect(failed.body.status).toBe('FAILED');
    expectSpecShape('memory', OPERATION_MEMORY, 'GET', failed);
  });

  it('errors: 400, 404, 429, 500, 503 and 401 in Twilio error JSON', async () => {
    expectSpecShape('memory', STORE_PATH, 'POST', await api.post(STORE_PATH, { displayName: 'no spaces' }));
    expectSpecShape(
      'memory',
      '/v1/ControlPlane/Stores/{storeId}',
      'GET',
      await api.get(`${STORE_PATH}/mem_store_01k1etk2y5f1y9fpe2epfdtvv2`),
    );
    for (const status of [429, 500, 503] as const) {
      emulator.addFault({ kind: 'status', status, times: 1 });
      const reply = await api.get(STORE_PATH);
      expect(reply.status).toBe(status);
      expectSpecShape('memory', STORE_PATH, 'GET', reply);
    }
    const unauthorized = await api.call('GET', STORE_PATH, { auth: false });
    expect(unauthorized.status).toBe(401);
    expectComponentShape('memory', 'TwilioError', unauthorized.body);
    const duplicate = await api.post(STORE_PATH, { displayName: 'twice' });
    expect(duplicate.status).toBe(202);
    const conflict = await api.post(STORE_PATH, { displayName: 'twice' });
    expect(conflict.status).toBe(409);
    expectComponentShape('memory', 'TwilioError', conflict.body);
  });
});

describe('conversations v2 responses match twilio_conversations_v2.json', () => {
  const CONFIGURATION = `${CONFIGURATIONS_PATH}/{Sid}`;
  const CONVERSATION = `${CONVERSATIONS_PATH}/{Sid}`;

  it('configurations: create, operation, list, fetch, update, delete', async () => {
    const storeId = await createStore(api);
    emulator.configure({ operationLatency: { polls: 2 } });
    const body = configurationBody(storeId, {
      statusCallbacks: [{ url: 'https://example.com/status', method: 'POST' }],
      channelSettings: {
        SMS: {
          statusTimeouts: { inactive: 10, closed: 15 },
          captureRules: [{ from: '*', to: '+18005550100', metadata: {} }],
        },
      },
      intelligenceConfigurationIds: ['agent1'],
      conversationsV1Bridge: { serviceId: `IS${'0'.repeat(32)}` },
    });
    const created = await api.post<ConversationsAccepted>(CONFIGURATIONS_PATH, body);
    expectSpecShape('conversations', CONFIGURATIONS_PATH, 'POST', created);
    expectSpecShape('conversations', OPERATION_CONVERSATIONS, 'GET', await api.poll(created.body.statusUrl));
    expectSpecShape('conversations', OPERATION_CONVERSATIONS, 'GET', await api.poll(created.body.statusUrl));
    const id = created.body.related!.configurationId!;

    expectSpecShape(
      'conversations',
      CONFIGURATIONS_PATH,
      'GET',
      await api.get(`${CONFIGURATIONS_PATH}?pageSize=1`),
    );
    expectSpecShape('conversations', CONFIGURATION, 'GET', await api.get(`${CONFIGURATIONS_PATH}/${id}`));
    const updated = await api.call('PUT', `${CONFIGURATIONS_PATH}/${id}`, { body: { ...body, version: 1 } });
    expectSpecShape('conversations', CONFIGURATION, 'PUT', updated);
    expectSpecShape(
      'conversations',
      CONFIGURATION,
      'DELETE',
      await api.call('DELETE', `${CONFIGURATIONS_PATH}/${id}`),
    );
  });

  it('operations with the ID switches flipped, and a FAILED one', async () => {
    const storeId = await createStore(api);
    emulator.configure({ configurationRelatedId: false, configurationResultId: true });
    const created = await api.post<ConversationsAccepted>(CONFIGURATIONS_PATH, configurationBody(storeId));
    expectSpecShape('conversations', CONFIGURATIONS_PATH, 'POST', created);
    expectSpecShape('conversations', OPERATION_CONVERSATIONS, 'GET', await api.poll(created.body.statusUrl));

    emulator.addFault({ kind: 'operation-fails', times: 1 });
    const failing = await api.post<ConversationsAccepted>(CONFIGURATIONS_PATH, configurationBody(storeId));
    const failed = await api.poll(failing.body.statusUrl);
    expect(failed.body.status).toBe('FAILED');
    expectSpecShape('conversations', OPERATION_CONVERSATIONS, 'GET', failed);
  });

  it('conversations, communications and actions', async () => {
    const configurationId = await createConfiguration(api, await createStore(api));
    const created = await api.post<{ id: string }>(CONVERSATIONS_PATH, {
      configurationId,
      name: 'Support',
      participants: [
        { name: 'Dana', type: 'CUSTOMER', addresses: [{ channel: 'SMS', address: '+15551230001' }] },
      ],
    });
    expectSpecShape('conversations', CONVERSATIONS_PATH, 'POST', created);
    expectSpecShape(
      'conversations',
      CONVERSATION,
      'GET',
      await api.get(`${CONVERSATIONS_PATH}/${created.body.id}`),
    );
    expectSpecShape(
      'conversations',
      CONVERSATIONS_PATH,
      'GET',
      await api.get(`${CONVERSATIONS_PATH}?status=ACTIVE`),
    );
    const unnamed = await api.post(CONVERSATIONS_PATH, { configurationId });
    expectSpecShape('conversations', CONVERSATIONS_PATH, 'POST', unnamed);

    // The spec has the Action schema but no Actions path: check against the component.
    emulator.configure({ actionLatency: { polls: 1 } });
    const actions = `${CONVERSATIONS_PATH}/${created.body.id}/Actions`;
    const accepted = await api.post<ActionBody>(actions, sendMessageBody('+15551230001'));
    expectComponentShape('conversations', 'conversations.v2.action', accepted.body);
    expectComponentShape(
      'conversations',
      'conversations.v2.action',
      (await api.get(`${actions}/${accepted.body.id}`)).body,
    );
    const failing = await api.post<ActionBody>(actions, sendMessageBody('+15555550000'));
    const failed = await api.get<ActionBody>(`${actions}/${failing.body.id}`);
    expect(failed.body.status).toBe('FAILED');
    expectComponentShape('conversations', 'conversations.v2.action', failed.body);

    const communications = await api.get<CommunicationList>(
      `${CONVERSATIONS_PATH}/${created.body.id}/Communications`,
    );
    expect(communications.body.communications).toHaveLength(1);
    expectSpecShape(
      'conversations',
      '/v2/Conversations/{ConversationSid}/Communications',
      'GET',
      communications,
    );
    const communicationId = communications.body.communications[0]!.id;
    expectSpecShape(
      'conversations',
      '/v2/Conversations/{ConversationSid}/Communications/{Sid}',
      'GET',
      await api.get(`${CONVERSATIONS_PATH}/${created.body.id}/Communications/${communicationId}`),
    );

    const deleted = await api.call('DELETE', `${CONVERSATIONS_PATH}/${created.body.id}`);
    expectSpecShape('conversations', CONVERSATION, 'DELETE', deleted);
  });

  it('errors: 400, 404, 409, 429, 500, 503 in Twilio error JSON', async () => {
    const storeId = await createStore(api);
    expectSpecShape('conversations', CONFIGURATIONS_PATH, 'POST', await api.post(CONFIGURATIONS_PATH, {}));
    expectSpecShape(
      'conversations',
      CONFIGURATION,
      'GET',
      await api.get(`${CONFIGURATIONS_PATH}/conv_configuration_x`),
    );
    const id = await createConfiguration(api, storeId);
    const conflict = await api.call('PUT', `${CONFIGURATIONS_PATH}/${id}`, {
      body: configurationBody(storeId, { version: 7 }),
    });
    expect(conflict.status).toBe(409);
    expectSpecShape('conversations', CONFIGURATION, 'PUT', conflict);
    for (const status of [429, 500, 503] as const) {
      emulator.addFault({ kind: 'status', status, times: 1 });
      expectSpecShape('conversations', CONVERSATIONS_PATH, 'GET', await api.get(CONVERSATIONS_PATH));
    }
    expectSpecShape(
      'conversations',
      CONVERSATIONS_PATH,
      'POST',
      await api.post(CONVERSATIONS_PATH, { configurationId: 'conv_configuration_x' }),
    );
    await createConversation(api, id);
  });
});
