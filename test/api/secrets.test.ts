/**
 * Credentials never leave the client: every kind of error is provoked with secret credentials
 * (by a server that even echoes them back) and searched for them in every rendering.
 */
import { inspect } from 'node:util';
import { OrchestratorApiError, OrchestratorClient, type Credentials } from '../../src/api';
import { sendJson, startScriptedServer, type ScriptedServer } from './support/scripted-server';

const AUTH_TOKEN = 'auth-token-f00dfeedcafe1234';
const API_SECRET = 'api-secret-0badc0ffee5678';
const KEY = '01890a5d-aa0f-7c80-b8e6-0242ac140004';

const credentialSets: [string, Credentials, string][] = [
  ['auth token', { accountSid: 'AC' + 'a'.repeat(32), authToken: AUTH_TOKEN }, AUTH_TOKEN],
  [
    'API key',
    { accountSid: 'AC' + 'a'.repeat(32), apiKey: 'SK' + 'b'.repeat(32), apiSecret: API_SECRET },
    API_SECRET,
  ],
];

/** Every text an error can be rendered as, down its cause chain. */
function renderings(error: unknown): string[] {
  const texts: string[] = [inspect(error, { depth: 10, showHidden: true })];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 10; depth++) {
    texts.push(String(current), JSON.stringify(current), current.stack ?? '', current.message);
    current = current.cause;
  }
  // Anything else at the end of the chain is rendered by inspect above.
  return texts;
}

describe.each(credentialSets)('with %s credentials', (_kind, credentials, secret) => {
  let server: ScriptedServer;
  let client: OrchestratorClient;
  const basicToken = () => {
    const [user, password] =
      'apiKey' in credentials
        ? [credentials.apiKey, credentials.apiSecret]
        : [credentials.accountSid, credentials.authToken];
    return Buffer.from(`${user}:${password}`).toString('base64');
  };

  beforeAll(async () => {
    server = await startScriptedServer();
    client = new OrchestratorClient({
      credentials,
      conversationsBaseUrl: server.url,
      memoryBaseUrl: server.url,
      timeoutMs: 300,
    });
  });

  afterAll(async () => {
    await client.close();
    await server.close();
  });

  function expectNoSecret(error: unknown) {
    expect(error).toBeInstanceOf(Error);
    for (const text of renderings(error)) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(basicToken());
    }
  }

  async function failure(run: () => Promise<unknown>): Promise<unknown> {
    try {
      await run();
    } catch (error) {
      return error;
    }
    throw new Error('expected a failure');
  }

  /** A hostile server: puts the Authorization header it received and the secret into its error body. */
  function echoing(status: number, headers: Record<string, string> = {}) {
    server.handle((request, response) =>
      sendJson(
        response,
        status,
        {
          code: 20000 + status,
          message: `refused ${request.headers.authorization ?? ''} ${secret}`,
          more_info: secret,
          status,
        },
        headers,
      ),
    );
  }

  it.each([400, 401, 403, 404, 409, 422, 429, 500, 502, 503])(
    'keeps them out of an HTTP %i error',
    async (status) => {
      echoing(status, { 'retry-after': '1', 'x-conflicting-resource-id': 'conv_configuration_01' });
      const error = await failure(() => client.configurations.create({} as never, { idempotencyKey: KEY }));
      expect(error).toBeInstanceOf(OrchestratorApiError);
      expect((error as OrchestratorApiError).status).toBe(status);
      expect((error as Error).message).toContain('[redacted]');
      expectNoSecret(error);
    },
  );

  it('keeps them out of an RFC 9457 error', async () => {
    server.handle((request, response) =>
      sendJson(response, 400, {
        type: `https://x/${secret}`,
        title: request.headers.authorization,
        status: 400,
        code: 400,
        detail: secret,
      }),
    );
    expectNoSecret(await failure(() => client.memory.createStore({ displayName: 'x' })));
  });

  it('keeps them out of network failures: reset, drop mid-body, timeout, abort, refused', async () => {
    server.handle((_request, response) => response.socket?.resetAndDestroy());
    expectNoSecret(await failure(() => client.memory.createStore({ displayName: 'x' })));

    server.handle((_request, response) => {
      response.writeHead(200, { 'content-length': '50' });
      response.write('{"id":', () => response.socket?.destroy());
    });
    expectNoSecret(await failure(() => client.memory.getStore('mem_store_01')));

    server.handle(() => undefined);
    expectNoSecret(await failure(() => client.memory.getStore('mem_store_01')));
    expectNoSecret(
      await failure(() => client.memory.getStore('mem_store_01', { signal: AbortSignal.timeout(20) })),
    );

    const closed = await startScriptedServer();
    await closed.close();
    const refused = new OrchestratorClient({ credentials, memoryBaseUrl: closed.url });
    try {
      expectNoSecret(await failure(() => refused.memory.getStore('mem_store_01')));
    } finally {
      await refused.close();
    }
  });

  it('keeps them out of validation errors and refusals before sending', async () => {
    server.handle((_request, response) => {
      response.writeHead(200);
      response.end(`not json ${secret}`);
    });
    expectNoSecret(await failure(() => client.memory.getStore('mem_store_01')));
    server.handle((_request, response) => sendJson(response, 200, { id: secret, status: secret }));
    expectNoSecret(await failure(() => client.memory.getStore('mem_store_01')));

    expectNoSecret(
      await failure(() => client.configurations.delete('conv_configuration_01', { idempotencyKey: secret })),
    );
    expectNoSecret(await failure(() => client.memory.getStore(`${secret}/..`)));
    expectNoSecret(await failure(() => client.getOperationByUrl(`https://evil.example/${secret}`)));
  });

  it('keeps them out of option errors and out of the client when inspected', () => {
    const error = (() => {
      try {
        return new OrchestratorClient({ credentials, timeoutMs: -1, memoryBaseUrl: `https://u:${secret}@x` });
      } catch (caught) {
        return caught;
      }
    })();
    expectNoSecret(error);
    const rendered = inspect(client, { depth: 20, showHidden: true });
    expect(rendered).not.toContain(secret);
    expect(rendered).not.toContain(basicToken());
  });
});
