/** The client against the real emulator: memory stores and their operations. */
import { BadRequestError, ConflictError, NotFoundError } from '../../../src/api';
import { collect, failureOf, settle, useEmulatorWithClient } from '../support/emulator';

const setup = useEmulatorWithClient();

describe('memory stores', () => {
  it('creates a store: a 202 with every field, then PENDING, then COMPLETED with result.id', async () => {
    const { client, emulator } = setup;
    const accepted = await client.memory.createStore({
      displayName: 'support-store',
      description: 'Support',
    });
    expect(accepted.operationId).toMatch(/^proc_job_[0-7][0-9a-z]{25}$/);
    expect(accepted).toEqual({
      operationId: accepted.operationId,
      statusUrl: `${emulator.url}/v1/ControlPlane/Operations/${accepted.operationId}`,
      location: `${emulator.url}/v1/ControlPlane/Operations/${accepted.operationId}`,
      retryAfterMs: 1_000,
      related: {},
      message: expect.any(String) as string,
    });

    const pending = await client.memory.getOperation(accepted.operationId);
    expect(pending).toMatchObject({
      operationId: accepted.operationId,
      status: 'PENDING',
      retryAfterMs: 1_000,
    });
    const completed = await client.memory.getOperation(accepted.operationId);
    expect(completed.status).toBe('COMPLETED');
    expect(completed.retryAfterMs).toBeUndefined();
    expect(completed.completedAt).toEqual(expect.any(String));
    expect(completed.result).toEqual({
      type: 'RESOURCE_ID',
      id: expect.stringMatching(/^mem_store_[0-7][0-9a-z]{25}$/) as string,
    });

    const store = await client.memory.getStore(completed.result!.id!);
    expect(store).toMatchObject({
      id: completed.result?.id,
      displayName: 'support-store',
      description: 'Support',
      status: 'ACTIVE',
    });
    expect(store.version).toBe(1);
  });

  it('polls a store operation by its statusUrl', async () => {
    const { client } = setup;
    const accepted = await client.memory.createStore({ displayName: 'by-url' });
    const operation = await settle(() => client.getOperationByUrl(accepted.statusUrl));
    expect(operation).toMatchObject({ operationId: accepted.operationId, status: 'COMPLETED' });
  });

  it('lists store IDs across pages in creation order', async () => {
    const { client, emulator } = setup;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const accepted = await client.memory.createStore({ displayName: `store-${i}` });
      ids.push((await settle(() => client.memory.getOperation(accepted.operationId))).result!.id!);
    }
    const listed = await collect(client.memory.listStores({ pageSize: 2 }));
    // The emulator lists newest first by default (orderBy DESC).
    expect([...listed].sort()).toEqual([...ids].sort());
    expect(new Set(listed).size).toBe(5);
    expect(emulator.summary().requests['GET /v1/ControlPlane/Stores']).toBe(3);
  });

  it('deletes a store: 202, the operation completes, then the store is 404', async () => {
    const { client } = setup;
    const created = await client.memory.createStore({ displayName: 'doomed' });
    const storeId = (await settle(() => client.memory.getOperation(created.operationId))).result!.id!;
    const deleted = await client.memory.deleteStore(storeId);
    expect(deleted.operationId).not.toBe(created.operationId);
    expect((await settle(() => client.memory.getOperation(deleted.operationId))).status).toBe('COMPLETED');

    const error = await failureOf(client.memory.getStore(storeId));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ status: 404, code: 20404, retrySafety: 'never', method: 'GET' });
    expect(error.message).toContain(`No memory store with ID ${storeId}`);
  });

  it('refuses a duplicate display name with the conflicting store', async () => {
    const { client, emulator } = setup;
    const first = await client.memory.createStore({ displayName: 'unique-name' });
    const storeId = (await settle(() => client.memory.getOperation(first.operationId))).result!.id!;
    const error = await failureOf(client.memory.createStore({ displayName: 'unique-name' }));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({
      status: 409,
      code: 520045,
      conflictingResourceId: storeId,
      retrySafety: 'never',
    });
    expect(emulator.summary().stores).toBe(1);
  });

  it('refuses an invalid display name, naming the field', async () => {
    const error = await failureOf(setup.client.memory.createStore({ displayName: 'no spaces allowed' }));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ status: 400, retrySafety: 'never' });
    expect(error.message).toContain('displayName');
    expect(setup.emulator.summary().stores).toBe(0);
  });

  it('answers 404 for an unknown operation', async () => {
    const error = await failureOf(setup.client.memory.getOperation('proc_job_01kpttrkrnfjgvwjwcwggqdk96'));
    expect(error).toBeInstanceOf(NotFoundError);
  });
});
