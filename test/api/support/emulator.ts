/** The real emulator on a free port, and a client pointed at it. */
import { randomUUID } from 'node:crypto';
import { OrchestratorClient, type ConfigurationRequest, type Operation } from '../../../src/api';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../../src/emulator';
import { type Settling, resetToDefaults } from '../../emulator/support';

export interface EmulatorWithClient {
  emulator: RunningEmulator;
  client: OrchestratorClient;
  close(): Promise<void>;
}

/**
 * Operations and actions settle on their second status read: the first poll sees PENDING, the
 * second the outcome, with no waiting on clocks.
 */
export const SETTLE_ON_SECOND_READ: Settling = {
  operationLatency: { polls: 2 },
  actionLatency: { polls: 2 },
};

export async function startEmulatorWithClient(options: EmulatorOptions = {}): Promise<EmulatorWithClient> {
  const emulator = await startEmulator({ ...SETTLE_ON_SECOND_READ, ...options });
  const { accountSid, authToken } = emulator.credentials;
  const client = new OrchestratorClient({
    credentials: { accountSid, authToken },
    conversationsBaseUrl: emulator.url,
    memoryBaseUrl: emulator.url,
  });
  return {
    emulator,
    client,
    close: async () => {
      await client.close();
      await emulator.close();
    },
  };
}

/**
 * One emulator and client for the whole test file: started before its first test, closed after
 * its last, and `resetToDefaults` (settling on the second read) before each test. Read `emulator`
 * and `client` inside hooks and tests, as they throw before the emulator has started.
 */
export function useEmulatorWithClient(): Pick<EmulatorWithClient, 'emulator' | 'client'> {
  let started: EmulatorWithClient | undefined;
  const current = (): EmulatorWithClient => {
    if (!started) throw new Error('useEmulatorWithClient: it starts in beforeAll; use it in hooks and tests');
    return started;
  };
  beforeAll(async () => {
    started = await startEmulatorWithClient();
  });
  afterAll(() => started?.close());
  beforeEach(() => resetToDefaults(current().emulator, SETTLE_ON_SECOND_READ));
  return {
    get emulator() {
      return current().emulator;
    },
    get client() {
      return current().client;
    },
  };
}

/** Polls until the operation is no longer PENDING/RUNNING; fails after `maxPolls`. */
export async function settle(poll: () => Promise<Operation>, maxPolls = 5): Promise<Operation> {
  for (let i = 0; i < maxPolls; i++) {
    const operation = await poll();
    if (operation.status !== 'PENDING' && operation.status !== 'RUNNING') return operation;
  }
  throw new Error(`operation still pending after ${maxPolls} polls`);
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

export function configurationRequest(memoryStoreId: string, displayName: string): ConfigurationRequest {
  return {
    displayName,
    description: `Configuration ${displayName}`,
    conversationGroupingType: 'GROUP_BY_PARTICIPANT_ADDRESSES',
    memoryStoreId,
  };
}

/** Creates a memory store and waits for its operation; returns the store's ID from `result`. */
export async function createStore(client: OrchestratorClient, displayName: string): Promise<string> {
  const accepted = await client.memory.createStore({ displayName });
  return (await settle(() => client.memory.getOperation(accepted.operationId))).result!.id!;
}

/** Creates a configuration (with an Idempotency-Key) and waits for it; returns its ID from `related`. */
export async function createConfiguration(
  client: OrchestratorClient,
  storeId: string,
  displayName: string,
): Promise<string> {
  const accepted = await client.configurations.create(configurationRequest(storeId, displayName), {
    idempotencyKey: randomUUID(),
  });
  await settle(() => client.configurations.getOperation(accepted.operationId));
  return accepted.related.configurationId!;
}

/** Rejects with the error `promise` fails with; fails the test if it resolves. */
export async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}
