import {
  DEFAULT_MAX_PAGES,
  OrchestratorClient,
  PaginationError,
  ResponseValidationError,
} from '../../src/api';
import { sendJson, startScriptedServer, type ScriptedServer } from './support/scripted-server';

let server: ScriptedServer;
let client: OrchestratorClient;

beforeEach(async () => {
  server = await startScriptedServer();
  client = new OrchestratorClient({
    credentials: { accountSid: 'AC' + '0'.repeat(32), authToken: 'token' },
    conversationsBaseUrl: server.url,
    memoryBaseUrl: server.url,
  });
});

afterEach(async () => {
  await client.close();
  await server.close();
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

function configuration(n: number) {
  return {
    id: `conv_configuration_${n}`,
    displayName: `config-${n}`,
    description: 'd',
    conversationGroupingType: 'GROUP_BY_PROFILE',
    memoryStoreId: 'mem_store_01',
  };
}

/** Serves `pages` in order; each page's nextToken is `token-<next index>`. */
function servePages(key: string, pages: unknown[][], metaKey: string = key) {
  server.handle((request, response) => {
    const token = new URL(request.url, server.url).searchParams.get('pageToken');
    const index = token === null ? 0 : Number(token.slice('token-'.length));
    const nextToken = index + 1 < pages.length ? `token-${index + 1}` : undefined;
    sendJson(response, 200, {
      [key]: pages[index],
      meta: { key: metaKey, pageSize: 2, nextToken, previousToken: token },
    });
  });
}

describe('list iterators', () => {
  it('follow nextToken across pages, sending pageSize and pageToken as the spec names them', async () => {
    servePages('configurations', [
      [configuration(1), configuration(2)],
      [configuration(3), configuration(4)],
      [configuration(5)],
    ]);
    const ids = (
      await collect(client.configurations.list({ pageSize: 2, memoryStoreId: 'mem_store_01' }))
    ).map((item) => item.id);
    expect(ids).toEqual([1, 2, 3, 4, 5].map((n) => `conv_configuration_${n}`));
    expect(server.received.map((request) => request.url)).toEqual([
      '/v2/ControlPlane/Configurations?pageSize=2&memoryStoreId=mem_store_01',
      '/v2/ControlPlane/Configurations?pageSize=2&pageToken=token-1&memoryStoreId=mem_store_01',
      '/v2/ControlPlane/Configurations?pageSize=2&pageToken=token-2&memoryStoreId=mem_store_01',
    ]);
  });

  it('fetch a page only when the previous one is used up', async () => {
    servePages('stores', [['mem_store_a', 'mem_store_b'], ['mem_store_c']]);
    const iterator = client.memory.listStores()[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toBe('mem_store_a');
    expect((await iterator.next()).value).toBe('mem_store_b');
    expect(server.received).toHaveLength(1);
    expect((await iterator.next()).value).toBe('mem_store_c');
    expect((await iterator.next()).done).toBe(true);
    expect(server.received).toHaveLength(2);
  });

  it('send a repeated status filter and read communications', async () => {
    servePages('conversations', [[{ id: 'conv_conversation_1', configurationId: 'c', status: 'ACTIVE' }]]);
    await collect(client.conversations.list({ status: ['ACTIVE', 'INACTIVE'] }));
    expect(server.received[0]?.url).toBe('/v2/Conversations?status=ACTIVE&status=INACTIVE');

    servePages('communications', [[{ id: 'conv_communication_1', content: { type: 'TEXT', text: 'hi' } }]]);
    const [communication] = await collect(client.conversations.listCommunications('conv_conversation_1'));
    expect(communication?.content?.text).toBe('hi');
    expect(server.received[1]?.url).toBe('/v2/Conversations/conv_conversation_1/Communications');
  });

  it("take items from the key meta.key names, else from the endpoint's known key", async () => {
    servePages('stores', [['mem_store_a']], 'key'); // the docs' own example says "key": "key"
    expect(await collect(client.memory.listStores())).toEqual(['mem_store_a']);
    servePages('items', [['mem_store_b']], 'items');
    expect(await collect(client.memory.listStores())).toEqual(['mem_store_b']);
  });

  it('stop at an empty nextToken and refuse a nextToken that repeats the requested one', async () => {
    server.handle((_request, response) =>
      sendJson(response, 200, { stores: ['mem_store_a'], meta: { nextToken: '' } }),
    );
    expect(await collect(client.memory.listStores())).toEqual(['mem_store_a']);

    server.handle((_request, response) =>
      sendJson(response, 200, {
        stores: ['mem_store_a'],
        meta: { key: 'stores', pageSize: 1, nextToken: 'same' },
      }),
    );
    const error = await collect(client.memory.listStores()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PaginationError);
    expect(error).toMatchObject({ retrySafety: 'never', path: '/v1/ControlPlane/Stores' });
    expect((error as Error).message).toBe(
      "GET /v1/ControlPlane/Stores: page 2 returned meta.nextToken 'same', which already fetched page 2: " +
        "the server's pages form a cycle; no further page was requested",
    );
    expect(server.received.slice(-2).map((request) => request.url)).toEqual([
      '/v1/ControlPlane/Stores',
      '/v1/ControlPlane/Stores?pageToken=same',
    ]);
  });

  it('stop when a page token repeats anywhere in the walk, A -> B -> C -> A, quoting no long token whole', async () => {
    const long = (letter: string) => letter.repeat(200);
    const cycle: Record<string, string> = {
      start: long('A'),
      [long('A')]: long('B'),
      [long('B')]: long('C'),
    };
    cycle[long('C')] = long('A');
    server.handle((request, response) => {
      const token = new URL(request.url, server.url).searchParams.get('pageToken') ?? 'start';
      sendJson(response, 200, {
        stores: ['mem_store_a'],
        meta: { nextToken: cycle[token] },
      });
    });
    const error = await collect(client.memory.listStores()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PaginationError);
    const { message } = error as Error;
    expect(message).toContain('page 4 returned meta.nextToken');
    expect(message).toContain('which already fetched page 2');
    expect(message).toContain('(200 chars)');
    expect(message).not.toContain(long('A'));
    // Pages 1-4: the start, A, B and C; the repeated A is never requested a second time.
    expect(server.received).toHaveLength(4);
  });

  it('stop after maxPages of endless distinct tokens, without requesting the next one', async () => {
    server.handle((request, response) =>
      sendJson(response, 200, {
        stores: [],
        meta: { nextToken: `token-${server.received.length}` },
      }),
    );
    const limited = new OrchestratorClient({
      credentials: { accountSid: 'AC' + '0'.repeat(32), authToken: 'token' },
      conversationsBaseUrl: server.url,
      memoryBaseUrl: server.url,
      maxPages: 25,
    });
    try {
      const error = await collect(limited.memory.listStores()).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(PaginationError);
      expect((error as Error).message).toBe(
        'GET /v1/ControlPlane/Stores: the listing has more than 25 pages (the client option maxPages); ' +
          'raise it if the account really holds that many, or use a larger pageSize; no further page was requested',
      );
      expect(server.received).toHaveLength(25);
    } finally {
      await limited.close();
    }
  });

  it(`stop an endless listing at the default of ${DEFAULT_MAX_PAGES} pages`, async () => {
    server.handle((_request, response) =>
      sendJson(response, 200, { stores: [], meta: { nextToken: `token-${server.received.length}` } }),
    );
    await expect(collect(client.memory.listStores())).rejects.toBeInstanceOf(PaginationError);
    expect(server.received).toHaveLength(DEFAULT_MAX_PAGES);
  });

  it('name the bad item of a page, and a missing meta', async () => {
    servePages('configurations', [
      [configuration(1), { ...configuration(2), conversationGroupingType: 'RANDOM' }],
    ]);
    const error = await collect(client.configurations.list()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as Error).message).toContain(
      'configurations[1].conversationGroupingType: expected one of GROUP_BY_PROFILE|',
    );

    server.handle((_request, response) => sendJson(response, 200, { stores: [] }));
    await expect(collect(client.memory.listStores())).rejects.toThrow(
      'body.meta: expected object, received undefined',
    );
  });
});
