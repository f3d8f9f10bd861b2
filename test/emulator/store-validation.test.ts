import {
  type MemoryAccepted,
  STORE_PATH,
  type TwilioErrorBody,
  useEmulator,
  uniqueName,
  expectBadRequest,
} from './support';

const { emulator, api } = useEmulator();

describe('request bodies', () => {
  it('refuses a body that is not JSON, and a JSON body that is not an object', async () => {
    await expectBadRequest(api, 'POST', STORE_PATH, '{"displayName":', /body: not valid JSON/);
    await expectBadRequest(api, 'POST', STORE_PATH, '["x"]', /body: must be a JSON object/);
  });
});

describe('memory store validation', () => {
  it.each([
    [{}, /displayName: is required/],
    [{ displayName: 'has space' }, /displayName: must match \^\[a-zA-Z0-9-\]\+\$/],
    [{ displayName: 'under_score' }, /displayName: must match/],
    [{ displayName: 'x'.repeat(989) }, /displayName: must be at most 988 characters/],
    [{ displayName: 'ok', description: '' }, /description: must not be empty or only whitespace/],
    [
      { displayName: 'ok', description: '\u200b\ufeff ' },
      /description: must not be empty or only whitespace/,
    ],
    [
      { displayName: 'ok', description: 'broken \ud800' },
      /description: must not hold a lone UTF-16 surrogate/,
    ],
    [{ displayName: 'ok', description: 'd'.repeat(129) }, /description: must be at most 128 characters/],
    [{ displayName: 42 }, /displayName: must be a string/],
  ])('refuses %j', async (body, message) => {
    await expectBadRequest(api, 'POST', STORE_PATH, body, message);
    expect(emulator.summary().stores).toBe(0);
  });

  it('accepts a 128-character description and a 988-character name (the most a workflow ID holds)', async () => {
    const reply = await api.post(STORE_PATH, { displayName: 'x'.repeat(988), description: 'd'.repeat(128) });
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
    await expectBadRequest(
      api,
      'POST',
      STORE_PATH,
      { displayName: uniqueName() },
      /at most 15 memory stores/,
    );
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
