import type { EmulatorStateSummary } from '../../src/emulator';
import { type MemoryAccepted, STORE_PATH, type TwilioErrorBody, useEmulator, uniqueName } from './support';

const { emulator, api } = useEmulator();

/** The admin API needs no credentials. */
const admin = (method: string, path: string, body?: unknown) =>
  api.call(method, `/__emulator/${path}`, { body, auth: false });

describe('admin API over HTTP', () => {
  it('GET state reports counts and requests by template, and is not counted itself', async () => {
    await api.post(STORE_PATH, { displayName: uniqueName() });
    await api.get(STORE_PATH);
    const state = await admin('GET', 'state');
    expect(state.status).toBe(200);
    expect(state.body).toEqual({
      stores: 1,
      configurations: 0,
      conversations: 0,
      messagesSent: 0,
      operations: { total: 1, pending: 0, completed: 1, failed: 0 },
      requests: { 'POST /v1/ControlPlane/Stores': 1, 'GET /v1/ControlPlane/Stores': 1 },
      faultsServed: {},
      throttled: 0,
    } satisfies EmulatorStateSummary);
  });

  it('POST faults adds a rule, DELETE faults removes them all, and a bad rule is a 400', async () => {
    expect((await admin('POST', 'faults', { kind: 'status', status: 503 })).status).toBe(201);
    expect((await api.get(STORE_PATH)).status).toBe(503);
    expect((await admin('DELETE', 'faults')).status).toBe(204);
    expect((await api.get(STORE_PATH)).status).toBe(200);
    // Removing the rules keeps the count of what they served.
    expect((await admin('GET', 'state')).body).toMatchObject({ faultsServed: { 503: 1 } });

    const bad = await api.call<TwilioErrorBody>('POST', '/__emulator/faults', {
      body: { kind: 'status', status: 418 },
      auth: false,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/fault\.status: must be 429, 500 or 503/);
  });

  it('POST clock moves the emulator clock (time-based operations settle)', async () => {
    emulator.configure({ operationLatency: { ms: 10 * 60 * 1000 } });
    const accepted = await api.post<MemoryAccepted>(STORE_PATH, { displayName: uniqueName() });
    expect((await api.poll(accepted.body.statusUrl)).body.status).toBe('PENDING');
    const moved = await admin('POST', 'clock', { advanceMs: 10 * 60 * 1000 });
    expect(moved.status).toBe(200);
    expect((await api.poll(accepted.body.statusUrl)).body.status).toBe('COMPLETED');
    expect((await admin('POST', 'clock', { advanceMs: -5 })).status).toBe(400);
    expect((await admin('POST', 'clock', {})).status).toBe(400);
  });

  it('POST config changes run-time options and names a bad field', async () => {
    const changed = await admin('POST', 'config', {
      operationLatency: { polls: 2 },
      configurationRelatedId: false,
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ operationLatency: { polls: 2 }, configurationRelatedId: false });
    const accepted = await api.post<MemoryAccepted>(STORE_PATH, { displayName: uniqueName() });
    expect((await api.poll(accepted.body.statusUrl)).body.status).toBe('PENDING');
    expect((await api.poll(accepted.body.statusUrl)).body.status).toBe('COMPLETED');

    for (const [body, message] of [
      [{ retryAfterSeconds: -1 }, /retryAfterSeconds: must be a non-negative integer/],
      [{ operationLatency: { seconds: 1 } }, /operationLatency\.seconds: unknown field/],
      [{ port: 80 }, /port: unknown option/],
      [{ faults: 'none' }, /faults: must be an array/],
    ] as const) {
      const reply = await api.call<TwilioErrorBody>('POST', '/__emulator/config', { body, auth: false });
      expect(reply.status).toBe(400);
      expect(reply.body.message).toMatch(message);
    }
  });

  it('POST config with faults replaces the fault list', async () => {
    emulator.addFault({ kind: 'status', status: 500 });
    await admin('POST', 'config', { faults: [{ kind: 'status', status: 429, times: 1 }] });
    expect((await api.get(STORE_PATH)).status).toBe(429);
    expect((await api.get(STORE_PATH)).status).toBe(200);
  });

  it('POST reset forgets resources, operations, faults and counts', async () => {
    const accepted = await api.post<MemoryAccepted>(STORE_PATH, { displayName: uniqueName() });
    emulator.addFault({ kind: 'status', status: 429, times: 1, match: { method: 'GET' } });
    expect((await api.get(STORE_PATH)).status).toBe(429);
    emulator.addFault({ kind: 'status', status: 500, match: { method: 'DELETE' } });
    expect((await admin('POST', 'reset')).status).toBe(204);
    expect((await api.poll(accepted.body.statusUrl)).status).toBe(404);
    const state = (await admin('GET', 'state')).body as EmulatorStateSummary;
    expect(state).toMatchObject({ stores: 0, operations: { total: 0 }, requests: {} });
    expect(state.faultsServed).toEqual({});
    expect((await api.call('DELETE', `${STORE_PATH}/mem_store_01k1etk2y5f1y9fpe2epfdtvv2`)).status).toBe(404);
  });

  it('404s unknown admin endpoints', async () => {
    expect((await admin('GET', 'nothing')).status).toBe(404);
  });
});
