/**
 * Every error path through the emulator's fault rules: each failure arrives as the right error
 * class with the right retry safety, and the emulator's state shows what was really applied.
 */
import { randomUUID } from 'node:crypto';
import {
  AuthenticationError,
  ConnectionError,
  OrchestratorClient,
  RateLimitError,
  RequestTimeoutError,
  ServerError,
  ServiceUnavailableError,
} from '../../../src/api';
import { startEmulator } from '../../../src/emulator';
import {
  configurationRequest,
  createStore,
  failureOf,
  settle,
  useEmulatorWithClient,
} from '../support/emulator';

const setup = useEmulatorWithClient();

const STORES_PATH = '^/v1/ControlPlane/Stores$';

describe('status faults', () => {
  it('429 carries Retry-After as delay-seconds; the next request goes through', async () => {
    const { client, emulator } = setup;
    emulator.addFault({ kind: 'status', status: 429, retryAfter: 3, times: 1, match: { path: STORES_PATH } });
    const error = await failureOf(client.memory.createStore({ displayName: 'limited' }));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({
      status: 429,
      code: 20429,
      retryAfterMs: 3_000,
      retrySafety: 'after-delay',
    });
    expect(emulator.summary().stores).toBe(0);
    await client.memory.createStore({ displayName: 'limited' });
    expect(emulator.summary().stores).toBe(1);
  });

  it('429 carries Retry-After as an HTTP-date, measured against the Date header', async () => {
    const { client, emulator } = setup;
    emulator.configure({ retryAfterSeconds: 7 });
    emulator.addFault({ kind: 'status', status: 429, retryAfter: 'http-date', times: 1 });
    const error = await failureOf(client.memory.listStores()[Symbol.asyncIterator]().next());
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(7_000);
  });

  it('503 asks for a delay; 500 on a write may have been applied, on a read is safe', async () => {
    const { client, emulator } = setup;
    emulator.addFault({ kind: 'status', status: 503, times: 1 });
    const unavailable = await failureOf(client.memory.createStore({ displayName: 'x' }));
    expect(unavailable).toBeInstanceOf(ServiceUnavailableError);
    expect(unavailable).toMatchObject({
      status: 503,
      code: 20503,
      retryAfterMs: 1_000,
      retrySafety: 'after-delay',
    });

    emulator.addFault({ kind: 'status', status: 500, times: 2 });
    const write = await failureOf(client.memory.createStore({ displayName: 'x' }));
    expect(write).toBeInstanceOf(ServerError);
    expect(write).toMatchObject({ status: 500, code: 20500, retrySafety: 'if-idempotent' });
    const read = await failureOf(client.memory.getOperation('proc_job_01kpttrkrnfjgvwjwcwggqdk96'));
    expect(read).toMatchObject({ status: 500, retrySafety: 'safe' });
  });
});

describe('connection faults', () => {
  it('reset: no response, possibly applied for a write, safe for a read', async () => {
    const { client, emulator } = setup;
    emulator.addFault({ kind: 'reset', times: 2 });
    const write = await failureOf(client.memory.createStore({ displayName: 'reset' }));
    expect(write).toBeInstanceOf(ConnectionError);
    expect(write).toMatchObject({ retrySafety: 'if-idempotent', status: undefined });
    const read = await failureOf(client.memory.getStore('mem_store_01kpttrksqe08rhv122gzq52ax'));
    expect(read).toBeInstanceOf(ConnectionError);
    expect((read as ConnectionError).retrySafety).toBe('safe');
    expect(emulator.summary().stores).toBe(0);
  });

  it('accept-then-drop: the client cannot tell, and the write was in fact applied', async () => {
    const { client, emulator } = setup;
    emulator.addFault({ kind: 'accept-then-drop', times: 1, match: { method: 'POST', path: STORES_PATH } });
    const error = await failureOf(client.memory.createStore({ displayName: 'applied-anyway' }));
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).retrySafety).toBe('if-idempotent');
    expect(emulator.summary().stores).toBe(1);
  });

  it('accept-then-drop, then a retry with the same Idempotency-Key gets the original 202', async () => {
    const { client, emulator } = setup;
    const storeId = await createStore(client, 'retry-store');
    const key = randomUUID();
    const body = configurationRequest(storeId, 'dropped');
    emulator.addFault({
      kind: 'accept-then-drop',
      times: 1,
      match: { path: '^/v2/ControlPlane/Configurations$' },
    });
    await expect(client.configurations.create(body, { idempotencyKey: key })).rejects.toBeInstanceOf(
      ConnectionError,
    );
    const retried = await client.configurations.create(body, { idempotencyKey: key });
    await settle(() => client.configurations.getOperation(retried.operationId));
    expect(emulator.summary()).toMatchObject({ configurations: 1, operations: { total: 2 } });
  });

  it('latency past the timeout: RequestTimeoutError', async () => {
    const { client, emulator } = setup;
    emulator.addFault({ kind: 'latency', ms: 1_000, times: 1 });
    const error = await failureOf(
      client.memory.getStore('mem_store_01kpttrksqe08rhv122gzq52ax', { timeoutMs: 100 }),
    );
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect(error.message).toContain('no response within 100 ms');
  });
});

describe('operation faults', () => {
  it('an HTTP-date Retry-After on a 202', async () => {
    const { client, emulator } = setup;
    emulator.addFault({ kind: 'retry-after-date', seconds: 4, times: 1 });
    expect((await client.memory.createStore({ displayName: 'dated' })).retryAfterMs).toBe(4_000);
  });

  it("a failed memory operation carries Memory's error with its code", async () => {
    const { client, emulator } = setup;
    emulator.addFault({
      kind: 'operation-fails',
      times: 1,
      error: { title: 'Provisioning failed', detail: 'no capacity', code: 20500 },
    });
    const accepted = await client.memory.createStore({ displayName: 'failing' });
    const failed = await settle(() => client.memory.getOperation(accepted.operationId));
    expect(failed.status).toBe('FAILED');
    expect(failed.error).toMatchObject({ title: 'Provisioning failed', detail: 'no capacity', code: 20500 });
    expect(failed.result).toBeUndefined();
  });

  it('a failed configuration operation carries an RFC 9457 error', async () => {
    const { client, emulator } = setup;
    const storeId = await createStore(client, 'failing-config-store');
    emulator.addFault({
      kind: 'operation-fails',
      times: 1,
      error: { title: 'Invalid', detail: 'bad capture rule' },
    });
    const accepted = await client.configurations.create(configurationRequest(storeId, 'failing'), {
      idempotencyKey: randomUUID(),
    });
    const failed = await settle(() => client.configurations.getOperation(accepted.operationId));
    expect(failed.status).toBe('FAILED');
    expect(failed.error).toMatchObject({
      title: 'Invalid',
      detail: 'bad capture rule',
      instance: accepted.statusUrl,
    });
  });

  it('a stuck operation stays PENDING', async () => {
    const { client, emulator } = setup;
    emulator.addFault({ kind: 'operation-stuck', times: 1 });
    const accepted = await client.memory.createStore({ displayName: 'stuck' });
    await expect(settle(() => client.memory.getOperation(accepted.operationId), 6)).rejects.toThrow(
      'still pending',
    );
  });
});

describe('credentials', () => {
  it('an API key SID and secret are accepted like the auth token', async () => {
    const credentials = {
      accountSid: `AC${'c'.repeat(32)}`,
      authToken: 'unused-token',
      apiKey: `SK${'d'.repeat(32)}`,
      apiSecret: 'key-secret',
    };
    const emulator = await startEmulator({ credentials });
    const client = new OrchestratorClient({
      credentials: {
        accountSid: credentials.accountSid,
        apiKey: credentials.apiKey,
        apiSecret: credentials.apiSecret,
      },
      memoryBaseUrl: emulator.url,
      conversationsBaseUrl: emulator.url,
    });
    try {
      await client.memory.createStore({ displayName: 'keyed' });
      expect(emulator.summary().stores).toBe(1);
    } finally {
      await client.close();
      await emulator.close();
    }
  });

  it('wrong credentials: 401, never retried', async () => {
    const { emulator } = setup;
    const stranger = new OrchestratorClient({
      credentials: { accountSid: emulator.credentials.accountSid, authToken: 'wrong-token' },
      memoryBaseUrl: emulator.url,
      conversationsBaseUrl: emulator.url,
    });
    try {
      const error = await failureOf(stranger.memory.listStores()[Symbol.asyncIterator]().next());
      expect(error).toBeInstanceOf(AuthenticationError);
      expect(error).toMatchObject({ status: 401, code: 20003, retrySafety: 'never' });
      expect(error.message).not.toContain('wrong-token');
    } finally {
      await stranger.close();
    }
  });
});
