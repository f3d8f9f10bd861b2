import {
  CONFIGURATIONS_PATH,
  CONVERSATIONS_PATH,
  type ActionBody,
  type ConversationsAccepted,
  type MemoryAccepted,
  STORE_PATH,
  type StoreBody,
  type TwilioErrorBody,
  configurationBody,
  createConfiguration,
  createConversation,
  createStore,
  sendMessageBody,
  start,
  useEmulator,
  uniqueName,
} from './support';

const { emulator, api } = useEmulator();

const createStoreRequest = () =>
  api.post<MemoryAccepted & TwilioErrorBody>(STORE_PATH, { displayName: uniqueName() });

describe('status faults', () => {
  it('answers 429 with Twilio JSON and Retry-After (default: retryAfterSeconds), without applying the request', async () => {
    emulator.configure({ retryAfterSeconds: 4 });
    emulator.addFault({ kind: 'status', status: 429, times: 1 });
    const limited = await createStoreRequest();
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: 20429, status: 429 });
    expect(limited.headers.get('retry-after')).toBe('4');
    expect(emulator.summary().stores).toBe(0);
    expect((await createStoreRequest()).status).toBe(202);
  });

  it('answers 503 with the rule Retry-After and 500 with none', async () => {
    emulator.addFault({ kind: 'status', status: 503, retryAfter: 9, times: 1 });
    emulator.addFault({ kind: 'status', status: 500, times: 1 });
    const unavailable = await createStoreRequest();
    expect(unavailable.status).toBe(503);
    expect(unavailable.body.code).toBe(20503);
    expect(unavailable.headers.get('retry-after')).toBe('9');
    const failed = await createStoreRequest();
    expect(failed.status).toBe(500);
    expect(failed.body.code).toBe(20500);
    expect(failed.headers.get('retry-after')).toBeNull();
    expect(emulator.summary().stores).toBe(0);
  });

  it("sends Retry-After as an HTTP-date with retryAfter: 'http-date'", async () => {
    emulator.configure({ retryAfterSeconds: 3 });
    emulator.addFault({ kind: 'status', status: 429, retryAfter: 'http-date', times: 1 });
    const limited = await createStoreRequest();
    const retryAfter = limited.headers.get('retry-after')!;
    expect(retryAfter).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    expect(Date.parse(retryAfter) - Date.parse(limited.headers.get('date')!)).toBe(3000);
  });

  it('applies a rule `times` times, only to matching method and path', async () => {
    emulator.addFault({
      kind: 'status',
      status: 503,
      times: 2,
      match: { method: 'post', path: '^/v1/ControlPlane/Stores$' },
    });
    expect((await api.get(STORE_PATH)).status).toBe(200);
    expect((await createStoreRequest()).status).toBe(503);
    expect((await createStoreRequest()).status).toBe(503);
    expect((await createStoreRequest()).status).toBe(202);
  });

  it('fires by rate: 0 never, 1 always', async () => {
    emulator.addFault({ kind: 'status', status: 500, rate: 0 });
    for (let i = 0; i < 5; i++) expect((await api.get(STORE_PATH)).status).toBe(200);
    emulator.addFault({ kind: 'status', status: 429, rate: 1 });
    for (let i = 0; i < 5; i++) expect((await api.get(STORE_PATH)).status).toBe(429);
    emulator.clearFaults();
    expect((await api.get(STORE_PATH)).status).toBe(200);
  });

  it('applies faults given in the start options', async () => {
    const other = await start({ faults: [{ kind: 'status', status: 503, times: 1 }] });
    try {
      expect((await other.api.get(STORE_PATH)).status).toBe(503);
      expect((await other.api.get(STORE_PATH)).status).toBe(200);
    } finally {
      await other.emulator.close();
    }
  });

  it('refuses a malformed rule with an error naming the field', () => {
    expect(() => emulator.addFault({ kind: 'status', status: 404 as 429 })).toThrow(
      /fault\.status: must be 429, 500 or 503/,
    );
    expect(() => emulator.addFault({ kind: 'latency', ms: -1 })).toThrow(/fault\.ms/);
    expect(() => emulator.addFault({ kind: 'reset', rate: 2 })).toThrow(/fault\.rate/);
    expect(() => emulator.addFault({ kind: 'reset', match: { path: '(' } })).toThrow(/fault\.match\.path/);
    expect(() => emulator.addFault({ kind: 'explode' } as never)).toThrow(/fault\.kind: must be one of/);
  });
});

describe('connection faults', () => {
  it('reset: destroys the connection without a response and does not apply the request', async () => {
    emulator.addFault({ kind: 'reset', times: 1 });
    await expect(createStoreRequest()).rejects.toThrow(/fetch failed/);
    expect(emulator.summary()).toMatchObject({ stores: 0, requests: { 'POST /v1/ControlPlane/Stores': 1 } });
  });

  it('accept-then-drop: applies the request, then drops the connection before any response byte', async () => {
    emulator.addFault({ kind: 'accept-then-drop', times: 1 });
    await expect(createStoreRequest()).rejects.toThrow(/fetch failed/);
    expect(emulator.summary()).toMatchObject({ stores: 1, operations: { total: 1 } });
  });

  it('accept-then-drop with an Idempotency-Key: the retry gets the original 202 and nothing is duplicated', async () => {
    const storeId = await createStore(api);
    const key = crypto.randomUUID();
    const body = configurationBody(storeId);
    emulator.addFault({
      kind: 'accept-then-drop',
      times: 1,
      match: { path: '^/v2/ControlPlane/Configurations$' },
    });
    await expect(
      api.call('POST', CONFIGURATIONS_PATH, { body, headers: { 'Idempotency-Key': key } }),
    ).rejects.toThrow();
    const retry = await api.call<ConversationsAccepted>('POST', CONFIGURATIONS_PATH, {
      body,
      headers: { 'Idempotency-Key': key },
    });
    expect(retry.status).toBe(202);
    const listed = await api.get<{ configurations: { id: string }[] }>(CONFIGURATIONS_PATH);
    expect(listed.body.configurations.map((c) => c.id)).toEqual([retry.body.related!.configurationId]);
    expect(emulator.summary()).toMatchObject({ configurations: 1, operations: { total: 2 } });
  });

  it('accept-then-drop on a SEND_MESSAGE sends the message: a blind resend sends it twice', async () => {
    const conversation = await createConversation(
      api,
      await createConfiguration(api, await createStore(api)),
    );
    const actionsPath = `${CONVERSATIONS_PATH}/${conversation.id}/Actions`;
    emulator.addFault({ kind: 'accept-then-drop', times: 1, match: { path: '/Actions$' } });
    await expect(api.post(actionsPath, sendMessageBody('+15551230001'))).rejects.toThrow();
    expect(emulator.summary().messagesSent).toBe(1);
    expect((await api.post(actionsPath, sendMessageBody('+15551230001'))).status).toBe(202);
    expect(emulator.summary().messagesSent).toBe(2);
  });

  it('latency: delays the response by at least the given time', async () => {
    emulator.addFault({ kind: 'latency', ms: 250, times: 1 });
    const started = performance.now();
    expect((await api.get(STORE_PATH)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(245);
  });
});

describe('operation faults', () => {
  it('operation-fails: the store create operation ends FAILED with an error and the store is FAILED', async () => {
    emulator.addFault({
      kind: 'operation-fails',
      times: 1,
      error: { title: 'Provisioning failed', detail: 'Quota', code: 520001 },
    });
    const accepted = await createStoreRequest();
    expect(accepted.status).toBe(202);
    const operation = await api.poll(accepted.body.statusUrl);
    expect(operation.body).toMatchObject({
      status: 'FAILED',
      error: { title: 'Provisioning failed', detail: 'Quota', code: 520001 },
      completedAt: expect.any(String) as string,
    });
    expect(operation.body.result).toBeUndefined();
    const storeId = (await api.get<{ stores: string[] }>(STORE_PATH)).body.stores[0]!;
    expect((await api.get<StoreBody>(`${STORE_PATH}/${storeId}`)).body.status).toBe('FAILED');
    expect(emulator.summary()).toMatchObject({ stores: 0, operations: { failed: 1, completed: 0 } });
  });

  it('operation-fails: a configuration create fails RFC 9457-style and the configuration never appears', async () => {
    const storeId = await createStore(api);
    emulator.addFault({ kind: 'operation-fails', times: 1 });
    const accepted = await api.post<ConversationsAccepted>(CONFIGURATIONS_PATH, configurationBody(storeId));
    const operation = await api.poll(accepted.body.statusUrl);
    expect(operation.body.status).toBe('FAILED');
    expect(operation.body.error).toMatchObject({
      title: 'Operation failed',
      status: 500,
      detail: expect.any(String) as string,
    });
    expect((await api.get(`${CONFIGURATIONS_PATH}/${accepted.body.related!.configurationId}`)).status).toBe(
      404,
    );
    expect(emulator.summary().configurations).toBe(0);
  });

  it('operation-fails: only requests that create work use it up', async () => {
    emulator.addFault({ kind: 'operation-fails', times: 1 });
    await api.get(STORE_PATH);
    await api.post(STORE_PATH, { displayName: 'bad name' });
    const accepted = await createStoreRequest();
    expect((await api.poll(accepted.body.statusUrl)).body.status).toBe('FAILED');
    const next = await createStoreRequest();
    expect((await api.poll(next.body.statusUrl)).body.status).toBe('COMPLETED');
  });

  it('operation-fails: a failed configuration update keeps the old fields and the version callers must send', async () => {
    const storeId = await createStore(api);
    const configurationId = await createConfiguration(api, storeId, { displayName: 'Old' });
    emulator.addFault({ kind: 'operation-fails', times: 1 });
    const path = `${CONFIGURATIONS_PATH}/${configurationId}`;
    const failed = await api.call<ConversationsAccepted>('PUT', path, {
      body: configurationBody(storeId, { displayName: 'New', version: 1 }),
    });
    expect((await api.poll(failed.body.statusUrl)).body.status).toBe('FAILED');
    expect((await api.get<{ displayName: string; version: number }>(path)).body).toMatchObject({
      displayName: 'Old',
      version: 1,
    });
    expect((await api.call('PUT', path, { body: configurationBody(storeId, { version: 1 }) })).status).toBe(
      202,
    );
  });

  it('operation-fails: a SEND_MESSAGE action ends FAILED with the fault detail as failureReason', async () => {
    const conversation = await createConversation(
      api,
      await createConfiguration(api, await createStore(api)),
    );
    const actionsPath = `${CONVERSATIONS_PATH}/${conversation.id}/Actions`;
    emulator.addFault({
      kind: 'operation-fails',
      times: 1,
      error: { detail: 'Carrier rejected the message' },
    });
    const accepted = await api.post<ActionBody>(actionsPath, sendMessageBody('+15551230001'));
    const action = await api.get<ActionBody>(`${actionsPath}/${accepted.body.id}`);
    expect(action.body).toMatchObject({ status: 'FAILED', failureReason: 'Carrier rejected the message' });
  });

  it('operation-stuck: the operation stays PENDING whatever the polls or the clock, and nothing appears', async () => {
    emulator.addFault({ kind: 'operation-stuck', times: 1 });
    emulator.configure({ operationLatency: { polls: 2 } });
    const accepted = await createStoreRequest();
    for (let i = 0; i < 5; i++) expect((await api.poll(accepted.body.statusUrl)).body.status).toBe('PENDING');
    emulator.advanceClock(7 * 24 * 60 * 60 * 1000);
    expect((await api.poll(accepted.body.statusUrl)).body.status).toBe('PENDING');
    const storeId = (await api.get<{ stores: string[] }>(STORE_PATH)).body.stores[0]!;
    expect((await api.get<StoreBody>(`${STORE_PATH}/${storeId}`)).body.status).toBe('PROVISIONING');
    expect(emulator.summary().operations).toMatchObject({ pending: 1 });
  });

  it('operation-stuck: an action stays PENDING', async () => {
    const conversation = await createConversation(
      api,
      await createConfiguration(api, await createStore(api)),
    );
    const actionsPath = `${CONVERSATIONS_PATH}/${conversation.id}/Actions`;
    emulator.addFault({ kind: 'operation-stuck', times: 1 });
    const accepted = await api.post<ActionBody>(actionsPath, sendMessageBody('+15551230001'));
    emulator.advanceClock(60 * 60 * 1000);
    expect((await api.get<ActionBody>(`${actionsPath}/${accepted.body.id}`)).body.status).toBe('PENDING');
  });
});

describe('faults served', () => {
  it('counts each fault that took effect, by status or kind, and nothing for one that did not', async () => {
    emulator.configure({ operationLatency: { polls: 5 } });
    emulator.addFault({ kind: 'status', status: 429, times: 2, match: { method: 'GET' } });
    emulator.addFault({ kind: 'status', status: 503, rate: 0, match: { method: 'GET' } });
    emulator.addFault({ kind: 'reset', times: 1, match: { method: 'DELETE' } });
    // Only requests that create work use an operation fault, and only they count it.
    emulator.addFault({ kind: 'operation-stuck', times: 1 });
    for (let i = 0; i < 3; i++) await api.get(STORE_PATH);
    await expect(api.call('DELETE', `${STORE_PATH}/mem_store_01k1etk2y5f1y9fpe2epfdtvv2`)).rejects.toThrow();
    expect(emulator.summary().faultsServed).toEqual({ 429: 2, reset: 1 });

    const accepted = await createStoreRequest();
    // No Retry-After on a list: the retry-after-date rule has nothing to rewrite there.
    emulator.addFault({ kind: 'retry-after-date', seconds: 5 });
    await api.get(STORE_PATH);
    await api.poll(accepted.body.statusUrl);
    expect(emulator.summary().faultsServed).toEqual({
      429: 2,
      reset: 1,
      'operation-stuck': 1,
      'retry-after-date': 1,
    });
  });
});

describe('retry-after-date', () => {
  it('turns Retry-After on 202s and pending reads into an HTTP-date that many seconds ahead', async () => {
    emulator.configure({ operationLatency: { polls: 5 } });
    emulator.addFault({ kind: 'retry-after-date', seconds: 5 });
    const accepted = await createStoreRequest();
    const acceptedRetry = accepted.headers.get('retry-after')!;
    expect(Date.parse(acceptedRetry) - Date.parse(accepted.headers.get('date')!)).toBe(5000);
    const pending = await api.poll(accepted.body.statusUrl);
    expect(Date.parse(pending.headers.get('retry-after')!) - Date.parse(pending.headers.get('date')!)).toBe(
      5000,
    );
  });

  it('leaves responses without Retry-After alone', async () => {
    emulator.addFault({ kind: 'retry-after-date', seconds: 5 });
    expect((await api.get(STORE_PATH)).headers.get('retry-after')).toBeNull();
  });
});
