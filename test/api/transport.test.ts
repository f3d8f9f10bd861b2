/**
 * The client over real sockets against small scripted servers: what it sends, and how it reads
 * every kind of failure.
 */
import {
  ConflictError,
  ConnectionError,
  InvalidRequestError,
  OrchestratorClient,
  RateLimitError,
  RequestTimeoutError,
  ResponseValidationError,
  ServerError,
} from '../../src/api';
import { sendJson, startScriptedServer, type ScriptedServer } from './support/scripted-server';

const ACCOUNT_SID = 'AC' + '0'.repeat(32);
const KEY = '01890a5d-aa0f-7c80-b8e6-0242ac140004';
const STORE_ID = 'mem_store_01kpttrksqe08rhv122gzq52ax';
const CONFIGURATION = {
  displayName: 'support',
  description: 'Support',
  conversationGroupingType: 'GROUP_BY_PROFILE' as const,
  memoryStoreId: STORE_ID,
};

let server: ScriptedServer;
let client: OrchestratorClient;

beforeEach(async () => {
  server = await startScriptedServer();
  client = clientFor(server.url);
});

afterEach(async () => {
  await client.close();
  await server.close();
});

function clientFor(url: string, timeoutMs?: number): OrchestratorClient {
  return new OrchestratorClient({
    credentials: { accountSid: ACCOUNT_SID, authToken: 'token-value' },
    conversationsBaseUrl: url,
    memoryBaseUrl: url,
    timeoutMs,
  });
}

async function caught(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

function accept(statusUrl = `${server.url}/v2/ControlPlane/Operations/proc_job_01`) {
  server.handle((_request, response) =>
    sendJson(
      response,
      202,
      { statusUrl, related: { configurationId: 'conv_configuration_01' } },
      { 'retry-after': '1' },
    ),
  );
}

describe('requests', () => {
  it('sends HTTP Basic auth, JSON and the spec paths', async () => {
    server.handle((_request, response) =>
      sendJson(response, 202, {
        message: 'accepted',
        statusUrl: `${server.url}/v1/ControlPlane/Operations/proc_job_01`,
      }),
    );
    await client.memory.createStore({ displayName: 'support' });
    const [request] = server.received;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/v1/ControlPlane/Stores');
    expect(request?.headers.authorization).toBe(
      `Basic ${Buffer.from(`${ACCOUNT_SID}:token-value`).toString('base64')}`,
    );
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.accept).toBe('application/json');
    expect(JSON.parse(request?.body ?? '')).toEqual({ displayName: 'support' });
    expect(request?.headers['idempotency-key']).toBeUndefined();
  });

  it('authenticates with an API key SID and secret instead of the account', async () => {
    const keyClient = new OrchestratorClient({
      credentials: { accountSid: ACCOUNT_SID, apiKey: 'SK' + '1'.repeat(32), apiSecret: 'key-secret' },
      conversationsBaseUrl: server.url,
      memoryBaseUrl: server.url,
    });
    try {
      accept();
      await keyClient.conversations.delete('conv_conversation_01', { idempotencyKey: KEY });
      expect(server.received[0]?.headers.authorization).toBe(
        `Basic ${Buffer.from(`SK${'1'.repeat(32)}:key-secret`).toString('base64')}`,
      );
    } finally {
      await keyClient.close();
    }
  });

  it('sends Idempotency-Key on configuration create, update, delete and conversation delete only', async () => {
    accept();
    await client.configurations.create(CONFIGURATION, { idempotencyKey: KEY });
    await client.configurations.update(
      'conv_configuration_01',
      { ...CONFIGURATION, version: 2 },
      { idempotencyKey: KEY },
    );
    await client.configurations.delete('conv_configuration_01', { idempotencyKey: KEY });
    await client.conversations.delete('conv_conversation_01', { idempotencyKey: KEY });
    await client.memory.deleteStore(STORE_ID);
    expect(
      server.received.map((request) => [request.method, request.url, request.headers['idempotency-key']]),
    ).toEqual([
      ['POST', '/v2/ControlPlane/Configurations', KEY],
      ['PUT', '/v2/ControlPlane/Configurations/conv_configuration_01', KEY],
      ['DELETE', '/v2/ControlPlane/Configurations/conv_configuration_01', KEY],
      ['DELETE', '/v2/Conversations/conv_conversation_01', KEY],
      ['DELETE', `/v1/ControlPlane/Stores/${STORE_ID}`, undefined],
    ]);
    expect(JSON.parse(server.received[1]?.body ?? '')).toMatchObject({ version: 2 });
    expect(server.received[2]?.body).toBe('');
  });

  it.each(['', 'not-a-uuid', `${KEY} `, KEY.replaceAll('-', ''), undefined])(
    'refuses the malformed Idempotency-Key %p before sending anything',
    async (idempotencyKey) => {
      const error = await caught(
        client.configurations.create(CONFIGURATION, { idempotencyKey } as { idempotencyKey: string }),
      );
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect(error.message).toContain('idempotencyKey: must be a UUID');
      expect((error as InvalidRequestError).retrySafety).toBe('never');
      expect(server.received).toHaveLength(0);
    },
  );

  it('refuses an ID that would change the path, before sending anything', async () => {
    for (const storeId of ['..', 'a/b', '', 'mem store']) {
      const error = await caught(client.memory.getStore(storeId));
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect(error.message).toContain('storeId: must be 1-256 letters');
    }
    expect(server.received).toHaveLength(0);
  });

  it('shares one connection pool when both hosts are the same origin', async () => {
    server.handle((request, response) =>
      sendJson(response, 200, { operationId: 'proc_job_01', status: 'PENDING', statusUrl: request.url }),
    );
    // Two of each in turn: undici alternates idle connections, so strict alternation could line up.
    for (let i = 0; i < 3; i++) {
      await client.memory.getOperation('proc_job_01');
      await client.memory.getOperation('proc_job_01');
      await client.configurations.getOperation('proc_job_01');
      await client.configurations.getOperation('proc_job_01');
    }
    const memory = '/v1/ControlPlane/Operations/proc_job_01';
    const conversations = '/v2/ControlPlane/Operations/proc_job_01';
    expect(server.received.map((request) => request.url)).toEqual(
      Array(3).fill([memory, memory, conversations, conversations]).flat(),
    );
    // Separate pools per host would keep the two hosts' requests on disjoint connections.
    const portsOf = (prefix: string) =>
      new Set(server.received.filter((request) => request.url.startsWith(prefix)).map((r) => r.remotePort));
    const memoryPorts = portsOf('/v1/');
    expect([...portsOf('/v2/')].some((port) => memoryPorts.has(port))).toBe(true);
  });

  it('reads Retry-After of an operation poll', async () => {
    server.handle((_request, response) =>
      sendJson(response, 200, { operationId: 'proc_job_01', status: 'PENDING' }, { 'retry-after': '2' }),
    );
    expect(await client.memory.getOperation('proc_job_01')).toEqual({
      operationId: 'proc_job_01',
      status: 'PENDING',
      retryAfterMs: 2_000,
    });
  });
});

describe('getOperationByUrl', () => {
  it('polls a statusUrl on a configured host', async () => {
    server.handle((_request, response) =>
      sendJson(response, 200, { operationId: 'proc_job_07', status: 'COMPLETED' }),
    );
    const operation = await client.getOperationByUrl(
      `${server.url}/v2/ControlPlane/Operations/proc_job_07?x=1`,
    );
    expect(operation.status).toBe('COMPLETED');
    expect(server.received[0]?.url).toBe('/v2/ControlPlane/Operations/proc_job_07?x=1');
  });

  it('never sends credentials to another origin', async () => {
    const foreign = await startScriptedServer();
    try {
      for (const statusUrl of [
        `${foreign.url}/v2/ControlPlane/Operations/proc_job_01`,
        `${server.url.replace('127.0.0.1', 'localhost')}/v2/ControlPlane/Operations/proc_job_01`,
        `https://${server.url.slice('http://'.length)}/v2/ControlPlane/Operations/proc_job_01`,
        '/v2/ControlPlane/Operations/proc_job_01',
        'not a url',
      ]) {
        const error = await caught(client.getOperationByUrl(statusUrl));
        expect(error).toBeInstanceOf(InvalidRequestError);
        expect(error.message).toContain(`statusUrl: must be an absolute URL on ${server.url}`);
      }
      expect(foreign.received).toHaveLength(0);
      expect(server.received).toHaveLength(0);
    } finally {
      await foreign.close();
    }
  });
});

describe('failures', () => {
  it('times out a silent server after timeoutMs, not the default 30 s', async () => {
    server.handle(() => undefined);
    const started = Date.now();
    const error = await caught(client.memory.getOperation('proc_job_01', { timeoutMs: 200 }));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect(error.message).toBe(
      'GET /v1/ControlPlane/Operations/proc_job_01 failed: no response within 200 ms',
    );
    expect((error as RequestTimeoutError).retrySafety).toBe('safe');

    const slowClient = clientFor(server.url, 150);
    try {
      const write = await caught(slowClient.configurations.create(CONFIGURATION, { idempotencyKey: KEY }));
      expect(write).toBeInstanceOf(RequestTimeoutError);
      expect(write.message).toContain('no response within 150 ms');
      expect((write as RequestTimeoutError).retrySafety).toBe('if-idempotent');
    } finally {
      await slowClient.close();
    }
  });

  it('times out a body that stalls halfway', async () => {
    server.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      response.write('{"operationId":');
    });
    const error = await caught(client.memory.getOperation('proc_job_01', { timeoutMs: 200 }));
    expect(error).toBeInstanceOf(RequestTimeoutError);
  });

  it("honours the caller's AbortSignal, during and before the request", async () => {
    server.handle(() => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const during = await caught(
      client.memory.createStore({ displayName: 'x' }, { signal: controller.signal }),
    );
    expect(during).toBeInstanceOf(RequestTimeoutError);
    expect(during.message).toContain("aborted by the caller's signal");
    expect((during as RequestTimeoutError).retrySafety).toBe('if-idempotent');

    const before = await caught(
      client.memory.createStore({ displayName: 'x' }, { signal: AbortSignal.abort() }),
    );
    expect(before).toBeInstanceOf(RequestTimeoutError);
    expect((before as RequestTimeoutError).retrySafety).toBe('safe');
    expect(server.received).toHaveLength(1);
  });

  it('reports a reset after the request was sent as possibly applied', async () => {
    server.handle((_request, response) => response.socket?.resetAndDestroy());
    const write = await caught(client.memory.createStore({ displayName: 'x' }));
    expect(write).toBeInstanceOf(ConnectionError);
    expect(write).not.toBeInstanceOf(RequestTimeoutError);
    expect((write as ConnectionError).retrySafety).toBe('if-idempotent');
    expect(write.message).toMatch(/^POST \/v1\/ControlPlane\/Stores failed: connection (reset|closed)/);
    const read = await caught(client.memory.getStore(STORE_ID));
    expect((read as ConnectionError).retrySafety).toBe('safe');
  });

  it('reports a connection closed mid-body as possibly applied', async () => {
    server.handle((_request, response) => {
      response.writeHead(202, { 'content-type': 'application/json', 'content-length': '100' });
      response.write('{"statusUrl":', () => response.socket?.destroy());
    });
    const error = await caught(client.configurations.create(CONFIGURATION, { idempotencyKey: KEY }));
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).retrySafety).toBe('if-idempotent');
  });

  it('reports a refused connection as safe to retry, even for a write', async () => {
    const closed = await startScriptedServer();
    await closed.close();
    const refusedClient = clientFor(closed.url);
    try {
      const error = await caught(refusedClient.memory.createStore({ displayName: 'x' }));
      expect(error).toBeInstanceOf(ConnectionError);
      expect((error as ConnectionError).retrySafety).toBe('safe');
      expect(error.message).toBe('POST /v1/ControlPlane/Stores failed: connection refused (ECONNREFUSED)');
    } finally {
      await refusedClient.close();
    }
  });

  it('rejects a 2xx body that is not JSON, or of the wrong shape', async () => {
    server.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<html>maintenance</html>');
    });
    const notJson = await caught(client.memory.getStore(STORE_ID));
    expect(notJson).toBeInstanceOf(ResponseValidationError);
    expect(notJson.message).toBe(
      `GET /v1/ControlPlane/Stores/${STORE_ID} (HTTP 200) returned a body that is not JSON`,
    );

    server.handle((_request, response) =>
      sendJson(response, 200, { id: STORE_ID, displayName: 'x', status: 'GONE' }),
    );
    const wrongShape = await caught(client.memory.getStore(STORE_ID));
    expect(wrongShape).toBeInstanceOf(ResponseValidationError);
    expect(wrongShape.message).toContain('store.status: expected one of QUEUED|PROVISIONING|ACTIVE|FAILED');
  });

  it('reads an RFC 9457 409 with the conflicting resource and request ID headers', async () => {
    server.handle((_request, response) =>
      sendJson(
        response,
        409,
        {
          type: 'https://www.twilio.com/docs/errors/20409',
          title: 'Conflict',
          status: 409,
          code: 20409,
          detail: 'version 1 is stale',
        },
        {
          'x-conflicting-resource-id': 'conv_configuration_01',
          'twilio-request-id': 'RQ42',
          'content-type': 'application/problem+json',
        },
      ),
    );
    const error = await caught(
      client.configurations.update(
        'conv_configuration_01',
        { ...CONFIGURATION, version: 1 },
        { idempotencyKey: KEY },
      ),
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({
      status: 409,
      code: 20409,
      conflictingResourceId: 'conv_configuration_01',
      requestId: 'RQ42',
      retrySafety: 'never',
      method: 'PUT',
      path: '/v2/ControlPlane/Configurations/conv_configuration_01',
    });
    expect(error.message).toContain('Conflict: version 1 is stale');
  });

  it('reads a 429 whose Retry-After is an HTTP-date, against the Date header', async () => {
    const serverNow = Date.now() - 3_600_000; // the server's clock is an hour behind ours
    server.handle((_request, response) =>
      sendJson(
        response,
        429,
        { code: 20429, message: 'Too many requests', status: 429 },
        {
          'retry-after': new Date(serverNow + 12_000).toUTCString(),
          date: new Date(serverNow).toUTCString(),
        },
      ),
    );
    const error = await caught(client.memory.listStores()[Symbol.asyncIterator]().next());
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ code: 20429, retrySafety: 'after-delay' });
    expect((error as RateLimitError).retryAfterMs).toBeGreaterThanOrEqual(11_000);
    expect((error as RateLimitError).retryAfterMs).toBeLessThanOrEqual(13_000);
  });

  it('refuses requests after close', async () => {
    await client.close();
    const error = await caught(client.memory.getStore(STORE_ID));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toContain('the client is closed');
    expect(server.received).toHaveLength(0);
  });

  it('maps a 500 on a write to ServerError', async () => {
    server.handle((_request, response) =>
      sendJson(response, 500, { code: 20500, message: 'Internal', status: 500 }),
    );
    const error = await caught(
      client.actions.create('conv_conversation_01', {
        type: 'SEND_MESSAGE',
        payload: {
          from: { address: '+18005550100', channel: 'SMS' },
          to: [{ address: '+18005550101', channel: 'SMS' }],
          content: { text: 'hi' },
        },
      }),
    );
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).retrySafety).toBe('if-idempotent');
  });
});
