/** The client against the real emulator: configurations and conversations-host operations. */
import { randomUUID } from 'node:crypto';
import { BadRequestError, ConflictError, NotFoundError, UnprocessableEntityError } from '../../../src/api';
import {
  collect,
  configurationRequest,
  createConfiguration,
  createStore,
  failureOf,
  settle,
  useEmulatorWithClient,
} from '../support/emulator';

const setup = useEmulatorWithClient();

describe('configurations', () => {
  it('creates with an Idempotency-Key: related.configurationId in the 202, no result.id when done', async () => {
    const { client, emulator } = setup;
    const storeId = await createStore(client, 'config-store');
    const request = {
      ...configurationRequest(storeId, 'Support config'),
      statusCallbacks: [{ url: 'https://example.com/status', method: 'POST' as const }],
      channelSettings: {
        SMS: { statusTimeouts: { inactive: 10, closed: 15 }, captureRules: [{ from: '*', to: '*' }] },
      },
      intelligenceConfigurationIds: ['agent1'],
    };
    const accepted = await client.configurations.create(request, { idempotencyKey: randomUUID() });
    const configurationId = accepted.related.configurationId;
    expect(configurationId).toMatch(/^conv_configuration_[0-7][0-9a-z]{25}$/);
    expect(accepted).toMatchObject({
      statusUrl: `${emulator.url}/v2/ControlPlane/Operations/${accepted.operationId}`,
      location: accepted.statusUrl,
      retryAfterMs: 1_000,
    });

    expect((await client.configurations.getOperation(accepted.operationId)).status).toBe('PENDING');
    const completed = await client.configurations.getOperation(accepted.operationId);
    expect(completed).toMatchObject({ status: 'COMPLETED', related: { configurationId }, error: null });
    expect(completed.result).toBeUndefined(); // the documented limitation

    const configuration = await client.configurations.get(configurationId!);
    expect(configuration).toMatchObject({
      ...request,
      id: configurationId,
      version: 1,
      memoryExtractionEnabled: false,
    });
  });

  it('replays the original 202 for the same key and body, and starts nothing new', async () => {
    const { client, emulator } = setup;
    const storeId = await createStore(client, 'replay-store');
    const key = randomUUID();
    const first = await client.configurations.create(configurationRequest(storeId, 'replayed'), {
      idempotencyKey: key,
    });
    const again = await client.configurations.create(configurationRequest(storeId, 'replayed'), {
      idempotencyKey: key,
    });
    expect(again).toEqual(first);
    await settle(() => client.configurations.getOperation(first.operationId));
    expect(emulator.summary().configurations).toBe(1);
    expect(emulator.summary().operations.total).toBe(2); // the store's and one configuration's
  });

  it('refuses the same key with a different body: 422, never retried', async () => {
    const { client } = setup;
    const storeId = await createStore(client, 'reuse-store');
    const key = randomUUID();
    await client.configurations.create(configurationRequest(storeId, 'first'), { idempotencyKey: key });
    const error = await failureOf(
      client.configurations.create(configurationRequest(storeId, 'second'), { idempotencyKey: key }),
    );
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect(error).toMatchObject({ status: 422, code: 20422, retrySafety: 'never' });
    expect(error.message).toContain('Idempotency-Key');
  });

  it('lists across pages, filtered by memoryStoreId', async () => {
    const { client, emulator } = setup;
    const [storeA, storeB] = [await createStore(client, 'store-a'), await createStore(client, 'store-b')];
    const inA: string[] = [];
    for (let i = 0; i < 5; i++) inA.push(await createConfiguration(client, storeA, `a-${i}`));
    const inB = [
      await createConfiguration(client, storeB, 'b-0'),
      await createConfiguration(client, storeB, 'b-1'),
    ];

    const listedA = await collect(client.configurations.list({ pageSize: 2, memoryStoreId: storeA }));
    expect(listedA.map((configuration) => configuration.id)).toEqual(inA);
    expect(listedA.every((configuration) => configuration.memoryStoreId === storeA)).toBe(true);
    expect(emulator.summary().requests['GET /v2/ControlPlane/Configurations']).toBe(3);

    const all = await collect(client.configurations.list({ pageSize: 3 }));
    expect(all.map((configuration) => configuration.id)).toEqual([...inA, ...inB]);
  });

  it('updates with the current version, and refuses a stale one with 409', async () => {
    const { client } = setup;
    const storeId = await createStore(client, 'update-store');
    const id = await createConfiguration(client, storeId, 'to-update');
    const update = { ...configurationRequest(storeId, 'to-update'), description: 'Updated', version: 1 };
    const accepted = await client.configurations.update(id, update, { idempotencyKey: randomUUID() });
    expect(accepted.related).toEqual({ configurationId: id });
    expect((await settle(() => client.configurations.getOperation(accepted.operationId))).status).toBe(
      'COMPLETED',
    );
    expect(await client.configurations.get(id)).toMatchObject({ description: 'Updated', version: 2 });

    const stale = await failureOf(client.configurations.update(id, update, { idempotencyKey: randomUUID() }));
    expect(stale).toBeInstanceOf(ConflictError);
    expect(stale).toMatchObject({
      status: 409,
      code: 20409,
      conflictingResourceId: id,
      retrySafety: 'never',
    });
  });

  it('deletes: 202, then the configuration is 404', async () => {
    const { client } = setup;
    const id = await createConfiguration(client, await createStore(client, 'delete-store'), 'to-delete');
    const accepted = await client.configurations.delete(id, { idempotencyKey: randomUUID() });
    expect(accepted.related).toEqual({ configurationId: id });
    await settle(() => client.configurations.getOperation(accepted.operationId));
    const error = await failureOf(client.configurations.get(id));
    expect(error).toBeInstanceOf(NotFoundError);
  });

  it('follows the switches: no related ID in the 202, result.id in the operation', async () => {
    const { client, emulator } = setup;
    const storeId = await createStore(client, 'switch-store');
    emulator.configure({ configurationRelatedId: false, configurationResultId: true });
    const accepted = await client.configurations.create(configurationRequest(storeId, 'switched'), {
      idempotencyKey: randomUUID(),
    });
    expect(accepted.related).toEqual({});
    const completed = await settle(() => client.getOperationByUrl(accepted.statusUrl));
    expect(completed.related).toBeNull();
    expect(completed.result?.id).toMatch(/^conv_configuration_/);
    expect((await client.configurations.get(completed.result!.id!)).displayName).toBe('switched');
  });

  it.each([
    ['a display name over 32 characters', { displayName: 'x'.repeat(33) }, 'displayName'],
    ['a malformed memoryStoreId', { memoryStoreId: 'memora_service_123' }, 'memoryStoreId'],
    ['an unknown grouping type', { conversationGroupingType: 'GROUP_BY_MOOD' }, 'conversationGroupingType'],
    [
      'six intelligence configurations',
      { intelligenceConfigurationIds: ['1', '2', '3', '4', '5', '6'] },
      'intelligenceConfigurationIds',
    ],
  ])('refuses %s with a 400 naming the field', async (_case, override, field) => {
    const { client, emulator } = setup;
    const storeId = await createStore(client, 'validation-store');
    const error = await failureOf(
      client.configurations.create({ ...configurationRequest(storeId, 'bad'), ...override } as never, {
        idempotencyKey: randomUUID(),
      }),
    );
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ status: 400, retrySafety: 'never' });
    expect(error.message).toContain(field);
    expect(emulator.summary().operations.total).toBe(1);
  });
});
