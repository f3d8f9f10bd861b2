import {
  CONFIGURATIONS_PATH,
  type ConversationsAccepted,
  type MemoryAccepted,
  type OperationBody,
  type Reply,
  STORE_PATH,
  configurationBody,
  createStore,
  useEmulator,
  uniqueName,
} from './support';

const { emulator, api } = useEmulator();

describe('configuration ID switches', () => {
  async function createAndSettle(): Promise<{
    accepted: Reply<ConversationsAccepted>;
    operation: OperationBody;
  }> {
    const accepted = await api.post<ConversationsAccepted>(
      CONFIGURATIONS_PATH,
      configurationBody(await createStore(api)),
    );
    return { accepted, operation: (await api.poll(accepted.body.statusUrl)).body };
  }

  it('by default fills related.configurationId but not result.id (the documented limitation)', async () => {
    const { accepted, operation } = await createAndSettle();
    expect(operation.status).toBe('COMPLETED');
    expect(operation.related).toEqual({ configurationId: accepted.body.related!.configurationId });
    expect(operation.result).toBeUndefined();
    expect(operation).toMatchObject({ error: null, completedAt: expect.any(String) as string });
  });

  it('with configurationRelatedId off, leaves related out of the 202 and null in the operation', async () => {
    emulator.configure({ configurationRelatedId: false });
    const { accepted, operation } = await createAndSettle();
    expect(accepted.body).toEqual({ statusUrl: expect.any(String) as string });
    expect(operation.related).toBeNull();
    expect(operation.result).toBeUndefined();
  });

  it('with configurationResultId on, fills result.id with the configuration ID', async () => {
    emulator.configure({ configurationRelatedId: false, configurationResultId: true });
    const { operation } = await createAndSettle();
    expect(operation.result).toEqual({
      type: 'RESOURCE_ID',
      id: expect.stringMatching(/^conv_configuration_/) as string,
    });
    const listed = await api.get<{ configurations: { id: string }[] }>(CONFIGURATIONS_PATH);
    expect(listed.body.configurations.map((c) => c.id)).toEqual([operation.result!.id]);
  });
});

describe('operation lookups', () => {
  it('404s unknown operations and operations of the other host', async () => {
    const created = await api.post<MemoryAccepted>(STORE_PATH, { displayName: uniqueName() });
    const operationId = created.headers.get('operation-id')!;
    expect((await api.get(`/v2/ControlPlane/Operations/${operationId}`)).status).toBe(404);
    expect((await api.get('/v1/ControlPlane/Operations/proc_job_01h9d8r0vte3hz8tykdj329t7r')).status).toBe(
      404,
    );
    expect((await api.get(`/v1/ControlPlane/Operations/${operationId}`)).status).toBe(200);
  });

  it('counts operations by status in the summary', async () => {
    emulator.configure({ operationLatency: { polls: 5 } });
    await api.post(STORE_PATH, { displayName: uniqueName() });
    emulator.configure({ operationLatency: { ms: 0 } });
    await createStore(api);
    expect(emulator.summary().operations).toEqual({ total: 2, pending: 1, completed: 1, failed: 0 });
  });
});
