import {
  CONFIGURATIONS_PATH,
  CONVERSATIONS_PATH,
  type ConversationsAccepted,
  type TwilioErrorBody,
  configurationBody,
  createConfiguration,
  createConversation,
  createStore,
  newIdempotencyKey,
  useEmulator,
} from './support';

const DAY_MS = 24 * 60 * 60 * 1000;

const { emulator, api } = useEmulator();
let storeId: string;

beforeEach(async () => {
  storeId = await createStore(api);
});

function postConfiguration(body: unknown, key: string) {
  return api.call<ConversationsAccepted>('POST', CONFIGURATIONS_PATH, {
    body,
    headers: { 'Idempotency-Key': key },
  });
}

describe('Idempotency-Key', () => {
  it('returns the original 202 for the same key and body, and creates nothing new', async () => {
    const key = newIdempotencyKey();
    const body = configurationBody(storeId);
    const first = await postConfiguration(body, key);
    const operationsAfterFirst = emulator.summary().operations.total;
    // Same body with its keys in another order is the same request.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const second = await postConfiguration(reordered, key);

    expect(second.status).toBe(202);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('operation-id')).toBe(first.headers.get('operation-id'));
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    expect(emulator.summary().operations.total).toBe(operationsAfterFirst);
    expect(emulator.summary().configurations).toBe(1);
  });

  it('refuses the same key with a different body with 422', async () => {
    const key = newIdempotencyKey();
    await postConfiguration(configurationBody(storeId, { displayName: 'First' }), key);
    const reused = await api.call<TwilioErrorBody>('POST', CONFIGURATIONS_PATH, {
      body: configurationBody(storeId, { displayName: 'Second' }),
      headers: { 'Idempotency-Key': key },
    });
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({ status: 422, code: 20422 });
    expect(reused.body.message).toMatch(/Idempotency-Key/);
    expect(emulator.summary().configurations).toBe(1);
  });

  it('refuses the same key on another endpoint with 422', async () => {
    const key = newIdempotencyKey();
    const created = await postConfiguration(configurationBody(storeId), key);
    const configurationId = created.body.related!.configurationId!;
    const deleted = await api.call('DELETE', `${CONFIGURATIONS_PATH}/${configurationId}`, {
      headers: { 'Idempotency-Key': key },
    });
    expect(deleted.status).toBe(422);
    expect(emulator.summary().configurations).toBe(1);
  });

  it.each([
    'not-a-uuid',
    '01890a5d-aa0f-7c80-b8e6-0242ac14000',
    '01890a5daa0f7c80b8e60242ac140004',
    'zzzzzzzz-aa0f-7c80-b8e6-0242ac140004',
  ])('refuses the malformed key %p with 400 before doing anything', async (key) => {
    const reply = await api.call<TwilioErrorBody>('POST', CONFIGURATIONS_PATH, {
      body: configurationBody(storeId),
      headers: { 'Idempotency-Key': key },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.message).toMatch(/Idempotency-Key: must be a UUID/);
    expect(emulator.summary().operations.total).toBe(1);
  });

  it('forgets a key after 24 hours of emulator time', async () => {
    const key = newIdempotencyKey();
    const body = configurationBody(storeId);
    const first = await postConfiguration(body, key);
    emulator.advanceClock(DAY_MS - 1_000);
    const withinDay = await postConfiguration(body, key);
    expect(withinDay.headers.get('operation-id')).toBe(first.headers.get('operation-id'));

    emulator.advanceClock(1_000);
    const afterDay = await postConfiguration(body, key);
    expect(afterDay.status).toBe(202);
    expect(afterDay.headers.get('operation-id')).not.toBe(first.headers.get('operation-id'));
    expect(emulator.summary().configurations).toBe(2);
  });

  it('does not remember refused requests: a fixed retry with the same key goes through', async () => {
    const key = newIdempotencyKey();
    const refused = await postConfiguration(configurationBody(storeId, { displayName: 'bad!' }), key);
    expect(refused.status).toBe(400);
    const fixed = await postConfiguration(configurationBody(storeId), key);
    expect(fixed.status).toBe(202);
  });

  it('makes configuration PUT and DELETE and conversation DELETE replay-safe', async () => {
    const configurationId = await createConfiguration(api, storeId);
    const conversation = await createConversation(api, configurationId);
    const putKey = newIdempotencyKey();
    const put = () =>
      api.call('PUT', `${CONFIGURATIONS_PATH}/${configurationId}`, {
        body: configurationBody(storeId, { displayName: 'Renamed', version: 1 }),
        headers: { 'Idempotency-Key': putKey },
      });
    const firstPut = await put();
    // Without the key, the retry would be a version conflict (the first PUT moved it to 2).
    const retriedPut = await put();
    expect(retriedPut.status).toBe(202);
    expect(retriedPut.headers.get('operation-id')).toBe(firstPut.headers.get('operation-id'));

    const deleteKey = newIdempotencyKey();
    const remove = () =>
      api.call('DELETE', `${CONVERSATIONS_PATH}/${conversation.id}`, {
        headers: { 'Idempotency-Key': deleteKey },
      });
    const firstDelete = await remove();
    // The conversation is gone by now (instant latency); the retry still gets the original 202.
    const retriedDelete = await remove();
    expect(retriedDelete.status).toBe(202);
    expect(retriedDelete.headers.get('operation-id')).toBe(firstDelete.headers.get('operation-id'));
  });
});
