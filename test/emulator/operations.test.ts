import { request } from 'node:http';
import {
  CONFIGURATIONS_PATH,
  CONVERSATIONS_PATH,
  type ConfigurationBody,
  type ConversationsAccepted,
  type MemoryAccepted,
  type Reply,
  STORE_PATH,
  type StoreBody,
  configurationBody,
  createConfiguration,
  createConversation,
  createStore,
  useEmulator,
  uniqueName,
} from './support';

const { emulator, api } = useEmulator();

function expectAcceptedHeaders(reply: Reply<{ statusUrl: string }>, version: 'v1' | 'v2'): void {
  expect(reply.status).toBe(202);
  const operationId = reply.headers.get('operation-id')!;
  expect(operationId).toMatch(/^proc_job_[0-7][0-9a-z]{25}$/);
  expect(reply.body.statusUrl).toBe(`${emulator.url}/${version}/ControlPlane/Operations/${operationId}`);
  expect(reply.headers.get('location')).toBe(reply.body.statusUrl);
  expect(reply.headers.get('retry-after')).toBe('1');
}

describe('202 Accepted shapes', () => {
  it('memory store create and delete answer {message, statusUrl} with Operation-Id, Retry-After and Location', async () => {
    const created = await api.post<MemoryAccepted>(STORE_PATH, { displayName: uniqueName() });
    expectAcceptedHeaders(created, 'v1');
    expect(Object.keys(created.body).sort()).toEqual(['message', 'statusUrl']);
    expect(created.body.message).toMatch(/accepted/i);

    const storeId = (await api.poll(created.body.statusUrl)).body.result!.id;
    const deleted = await api.call<MemoryAccepted>('DELETE', `${STORE_PATH}/${storeId}`);
    expectAcceptedHeaders(deleted, 'v1');
    expect(Object.keys(deleted.body).sort()).toEqual(['message', 'statusUrl']);
  });

  it('configuration POST, PUT and DELETE answer {statusUrl, related.configurationId}', async () => {
    const storeId = await createStore(api);
    const created = await api.post<ConversationsAccepted>(CONFIGURATIONS_PATH, configurationBody(storeId));
    expectAcceptedHeaders(created, 'v2');
    const configurationId = created.body.related!.configurationId!;
    expect(configurationId).toMatch(/^conv_configuration_[0-7][0-9a-z]{25}$/);

    const updated = await api.call<ConversationsAccepted>(
      'PUT',
      `${CONFIGURATIONS_PATH}/${configurationId}`,
      {
        body: configurationBody(storeId),
      },
    );
    expectAcceptedHeaders(updated, 'v2');
    expect(updated.body.related).toEqual({ configurationId });

    const deleted = await api.call<ConversationsAccepted>(
      'DELETE',
      `${CONFIGURATIONS_PATH}/${configurationId}`,
    );
    expectAcceptedHeaders(deleted, 'v2');
    expect(deleted.body.related).toEqual({ configurationId });
  });

  it('conversation DELETE answers {statusUrl, related.conversationId}', async () => {
    const conversation = await createConversation(
      api,
      await createConfiguration(api, await createStore(api)),
    );
    const deleted = await api.call<ConversationsAccepted>(
      'DELETE',
      `${CONVERSATIONS_PATH}/${conversation.id}`,
    );
    expectAcceptedHeaders(deleted, 'v2');
    expect(deleted.body.related).toEqual({ conversationId: conversation.id });
  });

  it('builds statusUrl on the Host the client used (fetch cannot set Host, so node:http does)', async () => {
    const { port } = new URL(emulator.url);
    const { accountSid, authToken } = emulator.credentials;
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: STORE_PATH,
          auth: `${accountSid}:${authToken}`,
          headers: { host: 'orchestrator.internal:8080', 'content-type': 'application/json' },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve(text));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ displayName: uniqueName() }));
    });
    expect((JSON.parse(body) as MemoryAccepted).statusUrl).toMatch(
      /^http:\/\/orchestrator\.internal:8080\/v1\/ControlPlane\/Operations\/proc_job_/,
    );
  });

  it('uses the configured Retry-After on 202s and pending reads, and none once settled', async () => {
    emulator.configure({ retryAfterSeconds: 7, operationLatency: { polls: 2 } });
    const created = await api.post<MemoryAccepted>(STORE_PATH, { displayName: uniqueName() });
    expect(created.headers.get('retry-after')).toBe('7');
    const pending = await api.poll(created.body.statusUrl);
    expect(pending.body.status).toBe('PENDING');
    expect(pending.headers.get('retry-after')).toBe('7');
    const settled = await api.poll(created.body.statusUrl);
    expect(settled.body.status).toBe('COMPLETED');
    expect(settled.headers.get('retry-after')).toBeNull();
  });
});

describe('operation latency', () => {
  it('settles by emulator-clock time: PENDING until the latency has passed', async () => {
    emulator.configure({ operationLatency: { ms: 60_000 } });
    const created = await api.post<MemoryAccepted>(STORE_PATH, { displayName: uniqueName() });
    const first = await api.poll(created.body.statusUrl);
    expect(first.body).toMatchObject({ status: 'PENDING', statusUrl: created.body.statusUrl });
    expect(first.body.completedAt).toBeUndefined();
    expect(first.body.result).toBeUndefined();

    emulator.advanceClock(59_000);
    expect((await api.poll(created.body.statusUrl)).body.status).toBe('PENDING');
    emulator.advanceClock(1_000);
    const done = await api.poll(created.body.statusUrl);
    expect(done.body.status).toBe('COMPLETED');
    expect(Date.parse(done.body.completedAt!)).toBeGreaterThanOrEqual(
      Date.parse(done.body.createdAt) + 60_000,
    );
  });

  it('settles by wall-clock time too (small real latency)', async () => {
    emulator.configure({ operationLatency: { ms: 150 } });
    const created = await api.post<MemoryAccepted>(STORE_PATH, { displayName: uniqueName() });
    expect((await api.poll(created.body.statusUrl)).body.status).toBe('PENDING');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await api.poll(created.body.statusUrl)).body.status).toBe('COMPLETED');
  });

  it('settles on the Nth status read with polls, however much time passes', async () => {
    emulator.configure({ operationLatency: { polls: 3 } });
    const created = await api.post<MemoryAccepted>(STORE_PATH, { displayName: uniqueName() });
    emulator.advanceClock(24 * 60 * 60 * 1000);
    const statuses: string[] = [];
    for (let read = 1; read <= 4; read++) statuses.push((await api.poll(created.body.statusUrl)).body.status);
    expect(statuses).toEqual(['PENDING', 'PENDING', 'COMPLETED', 'COMPLETED']);
  });

  it('applies the change when the operation completes even if nobody polls it', async () => {
    emulator.configure({ operationLatency: { ms: 5_000 } });
    const storeId = await createStoreWithLatency();
    const configuration = await api.post<ConversationsAccepted>(
      CONFIGURATIONS_PATH,
      configurationBody(storeId),
    );
    const configurationId = configuration.body.related!.configurationId!;
    expect((await api.get(`${CONFIGURATIONS_PATH}/${configurationId}`)).status).toBe(404);
    emulator.advanceClock(5_000);
    expect((await api.get<ConfigurationBody>(`${CONFIGURATIONS_PATH}/${configurationId}`)).body.id).toBe(
      configurationId,
    );
  });

  /** A store whose create completed after the (time-based) latency. */
  async function createStoreWithLatency(): Promise<string> {
    const created = await api.post<MemoryAccepted>(STORE_PATH, { displayName: uniqueName() });
    emulator.advanceClock(5_000);
    return (await api.poll(created.body.statusUrl)).body.result!.id;
  }
});

describe('resource visibility around operations', () => {
  it('shows a store as PROVISIONING while its create is pending, then ACTIVE; result.id names it', async () => {
    emulator.configure({ operationLatency: { polls: 2 } });
    const created = await api.post<MemoryAccepted>(STORE_PATH, {
      displayName: uniqueName(),
      description: 'Notes',
    });
    const listed = await api.get<{ stores: string[] }>(STORE_PATH);
    expect(listed.body.stores).toHaveLength(1);
    const storeId = listed.body.stores[0]!;
    expect((await api.get<StoreBody>(`${STORE_PATH}/${storeId}`)).body.status).toBe('PROVISIONING');

    await api.poll(created.body.statusUrl);
    const done = await api.poll(created.body.statusUrl);
    expect(done.body.result).toEqual({ type: 'RESOURCE_ID', id: storeId });
    const store = await api.get<StoreBody>(`${STORE_PATH}/${storeId}`);
    expect(store.body).toEqual({
      id: storeId,
      displayName: expect.any(String) as string,
      description: 'Notes',
      status: 'ACTIVE',
      intelligenceServiceId: null,
      version: 1,
    });
    expect(store.headers.get('etag')).toBe('"1"');
  });

  it('removes a store when its delete operation completes', async () => {
    const storeId = await createStore(api);
    emulator.configure({ operationLatency: { polls: 2 } });
    const deleted = await api.call<MemoryAccepted>('DELETE', `${STORE_PATH}/${storeId}`);
    expect((await api.get(`${STORE_PATH}/${storeId}`)).status).toBe(200);
    await api.poll(deleted.body.statusUrl);
    const done = await api.poll(deleted.body.statusUrl);
    expect(done.body).toMatchObject({ status: 'COMPLETED', result: { type: 'RESOURCE_ID', id: storeId } });
    expect((await api.get(`${STORE_PATH}/${storeId}`)).status).toBe(404);
    expect(emulator.summary().stores).toBe(0);
  });

  it('applies a configuration update and bumps its version when the operation completes', async () => {
    const storeId = await createStore(api);
    const configurationId = await createConfiguration(api, storeId, { displayName: 'Before' });
    emulator.configure({ operationLatency: { polls: 1 } });
    const updated = await api.call<ConversationsAccepted>(
      'PUT',
      `${CONFIGURATIONS_PATH}/${configurationId}`,
      {
        body: configurationBody(storeId, { displayName: 'After', version: 1 }),
      },
    );
    const before = await api.get<ConfigurationBody>(`${CONFIGURATIONS_PATH}/${configurationId}`);
    expect(before.body).toMatchObject({ displayName: 'Before', version: 1 });
    await api.poll(updated.body.statusUrl);
    const after = await api.get<ConfigurationBody>(`${CONFIGURATIONS_PATH}/${configurationId}`);
    expect(after.body).toMatchObject({ displayName: 'After', version: 2 });
  });

  it('removes a configuration and a conversation when their delete operations complete', async () => {
    const storeId = await createStore(api);
    const configurationId = await createConfiguration(api, storeId);
    const conversation = await createConversation(api, configurationId);
    emulator.configure({ operationLatency: { polls: 1 } });
    const conversationDelete = await api.call<ConversationsAccepted>(
      'DELETE',
      `${CONVERSATIONS_PATH}/${conversation.id}`,
    );
    // Dependents first: while the conversation (or the configuration) is there, its parent's
    // DELETE is refused, naming it.
    const tooEarly = await api.call('DELETE', `${CONFIGURATIONS_PATH}/${configurationId}`);
    expect(tooEarly.status).toBe(409);
    expect(JSON.stringify(tooEarly.body)).toContain(`still has conversation(s) ${conversation.id}`);
    const storeTooEarly = await api.call('DELETE', `${STORE_PATH}/${storeId}`);
    expect(storeTooEarly.status).toBe(409);
    expect(JSON.stringify(storeTooEarly.body)).toContain(`still holds configuration(s) ${configurationId}`);
    expect(emulator.summary()).toMatchObject({ conversations: 1, configurations: 1 });
    const conversationOperation = await api.poll(conversationDelete.body.statusUrl);
    expect(conversationOperation.body.related).toEqual({ conversationId: conversation.id });
    const configurationDelete = await api.call<ConversationsAccepted>(
      'DELETE',
      `${CONFIGURATIONS_PATH}/${configurationId}`,
    );
    expect(emulator.summary()).toMatchObject({ conversations: 0, configurations: 1 });
    await api.poll(configurationDelete.body.statusUrl);
    expect(emulator.summary()).toMatchObject({ conversations: 0, configurations: 0 });
    expect((await api.get(`${CONVERSATIONS_PATH}/${conversation.id}`)).status).toBe(404);
    expect((await api.get(`${CONFIGURATIONS_PATH}/${configurationId}`)).status).toBe(404);
  });
});
