import {
  CONFIGURATIONS_PATH,
  CONVERSATIONS_PATH,
  type CommunicationList,
  type ConfigurationList,
  type ConversationList,
  type ConversationsAccepted,
  STORE_PATH,
  type StoreList,
  type TwilioErrorBody,
  configurationBody,
  createConfiguration,
  createConversation,
  createStore,
  sendMessageBody,
  useEmulator,
} from './support';

const { emulator, api } = useEmulator();

/** Follows nextToken from the first page; returns every page's items. */
async function walk<T>(
  path: string,
  key: string,
  pageSize: number,
): Promise<{ pages: T[][]; tokens: string[] }> {
  const pages: T[][] = [];
  const tokens: string[] = [];
  let token: string | undefined;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const url = `${path}${separator}pageSize=${pageSize}${token ? `&pageToken=${encodeURIComponent(token)}` : ''}`;
    const reply = await api.get<
      Record<string, unknown> & { meta: { key: string; pageSize: number; nextToken?: string } }
    >(url);
    expect(reply.status).toBe(200);
    expect(reply.body.meta.key).toBe(key);
    const items = reply.body[key] as T[];
    expect(reply.body.meta.pageSize).toBe(items.length);
    pages.push(items);
    token = reply.body.meta.nextToken;
    if (token) tokens.push(token);
  } while (token);
  return { pages, tokens };
}

describe('memory store lists', () => {
  let storeIds: string[];
  beforeEach(async () => {
    storeIds = [];
    for (let i = 0; i < 5; i++) storeIds.push(await createStore(api));
  });

  it('returns IDs only, newest first by default, across pages joined by nextToken', async () => {
    const { pages } = await walk<string>(STORE_PATH, 'stores', 2);
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(pages.flat()).toEqual([...storeIds].reverse());
  });

  it('orders ASC on request and rejects other orders', async () => {
    const ascending = await api.get<StoreList>(`${STORE_PATH}?orderBy=ASC`);
    expect(ascending.body.stores).toEqual(storeIds);
    expect((await api.get(`${STORE_PATH}?orderBy=SIDEWAYS`)).status).toBe(400);
  });

  it('gives previousToken from the second page on, leading back to the first page', async () => {
    const first = await api.get<StoreList>(`${STORE_PATH}?pageSize=2`);
    expect(first.body.meta.previousToken).toBeUndefined();
    const second = await api.get<StoreList>(
      `${STORE_PATH}?pageSize=2&pageToken=${first.body.meta.nextToken}`,
    );
    expect(second.body.stores).not.toEqual(first.body.stores);
    const back = await api.get<StoreList>(
      `${STORE_PATH}?pageSize=2&pageToken=${second.body.meta.previousToken}`,
    );
    expect(back.body.stores).toEqual(first.body.stores);
  });

  it('accepts the PageSize / PageToken casing of the curl docs', async () => {
    const first = await api.get<StoreList>(`${STORE_PATH}?PageSize=3`);
    expect(first.body.stores).toHaveLength(3);
    const second = await api.get<StoreList>(
      `${STORE_PATH}?PageSize=3&PageToken=${first.body.meta.nextToken}`,
    );
    expect(second.body.stores).toHaveLength(2);
  });

  it('defaults pageSize to 50 and bounds it to 1-100', async () => {
    expect((await api.get<StoreList>(STORE_PATH)).body.stores).toHaveLength(5);
    for (const bad of ['0', '101', 'abc', '2.5', '-1']) {
      const reply = await api.get<TwilioErrorBody>(`${STORE_PATH}?pageSize=${bad}`);
      expect(reply.status).toBe(400);
      expect(reply.body.message).toMatch(/pageSize: must be an integer from 1 to 100/);
    }
    expect((await api.get(`${STORE_PATH}?pageSize=100`)).status).toBe(200);
  });

  it('refuses garbage, forged and foreign page tokens with 400', async () => {
    const forged = Buffer.from(JSON.stringify({ list: 'stores:DESC', offset: 1 })).toString('base64url');
    const realToken = (await api.get<StoreList>(`${STORE_PATH}?pageSize=1`)).body.meta.nextToken!;
    const tampered = `${realToken.slice(0, -2)}xx`;
    for (const token of ['garbage', forged, `${forged}.AAAA`, tampered]) {
      const reply = await api.get<TwilioErrorBody>(`${STORE_PATH}?pageToken=${encodeURIComponent(token)}`);
      expect(reply.status).toBe(400);
      expect(reply.body.message).toMatch(/pageToken/);
    }
    // A DESC token does not page an ASC list.
    expect((await api.get(`${STORE_PATH}?orderBy=ASC&pageToken=${realToken}`)).status).toBe(400);
  });
});

describe('configuration lists', () => {
  it('pages through configurations and filters by memoryStoreId', async () => {
    const storeA = await createStore(api);
    const storeB = await createStore(api);
    const inA = [
      await createConfiguration(api, storeA),
      await createConfiguration(api, storeA),
      await createConfiguration(api, storeA),
    ];
    const inB = await createConfiguration(api, storeB);

    const all = await walk<{ id: string }>(CONFIGURATIONS_PATH, 'configurations', 2);
    expect(all.pages.flat().map((c) => c.id)).toEqual([...inA, inB]);
    const filtered = await walk<{ id: string; memoryStoreId: string }>(
      `${CONFIGURATIONS_PATH}?memoryStoreId=${storeA}`,
      'configurations',
      2,
    );
    expect(filtered.pages.flat().map((c) => c.id)).toEqual(inA);
    // A token of the filtered list does not page the unfiltered one.
    expect((await api.get(`${CONFIGURATIONS_PATH}?pageToken=${filtered.tokens[0]}`)).status).toBe(400);
  });

  it('bounds pageSize to 1-1000 and checks the memoryStoreId filter pattern', async () => {
    expect((await api.get(`${CONFIGURATIONS_PATH}?pageSize=1000`)).status).toBe(200);
    const tooBig = await api.get<TwilioErrorBody>(`${CONFIGURATIONS_PATH}?pageSize=1001`);
    expect(tooBig.body.message).toMatch(/pageSize: must be an integer from 1 to 1000/);
    const badFilter = await api.get<TwilioErrorBody>(`${CONFIGURATIONS_PATH}?memoryStoreId=store-1`);
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.message).toMatch(/memoryStoreId: must match/);
  });

  it('hides a new configuration from the first listingDelayReads lists after it completes', async () => {
    emulator.configure({ listingDelayReads: 2 });
    const storeId = await createStore(api);
    const accepted = await api.post<ConversationsAccepted>(CONFIGURATIONS_PATH, configurationBody(storeId));
    const configurationId = accepted.body.related!.configurationId!;
    const listIds = async () =>
      (await api.get<ConfigurationList>(CONFIGURATIONS_PATH)).body.configurations.map((c) => c.id);
    expect(await listIds()).toEqual([]);
    expect(await listIds()).toEqual([]);
    expect(await listIds()).toEqual([configurationId]);
    // GET by ID was never delayed.
    expect((await api.get(`${CONFIGURATIONS_PATH}/${configurationId}`)).status).toBe(200);
  });
});

describe('conversation and communication lists', () => {
  it('filters conversations by status (repeatable or comma-separated) and pages them', async () => {
    const configurationId = await createConfiguration(api, await createStore(api));
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await createConversation(api, configurationId)).id);
    const { pages } = await walk<{ id: string }>(`${CONVERSATIONS_PATH}?status=ACTIVE`, 'conversations', 2);
    expect(pages.flat().map((c) => c.id)).toEqual(ids);
    expect(
      (await api.get<ConversationList>(`${CONVERSATIONS_PATH}?status=CLOSED&status=INACTIVE`)).body
        .conversations,
    ).toEqual([]);
    expect(
      (await api.get<ConversationList>(`${CONVERSATIONS_PATH}?status=CLOSED,ACTIVE`)).body.conversations,
    ).toHaveLength(3);
    const bad = await api.get<TwilioErrorBody>(`${CONVERSATIONS_PATH}?status=OPEN`);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/status: must be one of ACTIVE, INACTIVE, CLOSED/);
  });

  it('pages a conversation communications', async () => {
    const conversation = await createConversation(
      api,
      await createConfiguration(api, await createStore(api)),
    );
    const actionsPath = `${CONVERSATIONS_PATH}/${conversation.id}/Actions`;
    for (let i = 1; i <= 3; i++) await api.post(actionsPath, sendMessageBody('+15551230001', `message ${i}`));
    const { pages } = await walk<{ content: { text: string } }>(
      `${CONVERSATIONS_PATH}/${conversation.id}/Communications`,
      'communications',
      2,
    );
    expect(pages.flat().map((c) => c.content.text)).toEqual(['message 1', 'message 2', 'message 3']);
    const other = await createConversation(api, conversation.configurationId);
    const first = await api.get<CommunicationList>(
      `${CONVERSATIONS_PATH}/${conversation.id}/Communications?pageSize=1`,
    );
    const foreign = await api.get(
      `${CONVERSATIONS_PATH}/${other.id}/Communications?pageToken=${first.body.meta.nextToken}`,
    );
    expect(foreign.status).toBe(400);
  });
});
