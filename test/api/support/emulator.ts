/** The real emulator on a free port, and a client pointed at it. */
import { OrchestratorClient, type ConfigurationRequest, type Operation } from '../../../src/api';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../../src/emulator';

export interface EmulatorWithClient {
  emulator: RunningEmulator;
  client: OrchestratorClient;
  close(): Promise<void>;
}

/**
 * Operations and actions settle on their second status read: the first poll sees PENDING, the
 * second the outcome, with no waiting on clocks.
 */
export const SETTLE_ON_SECOND_READ: EmulatorOptions = {
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

/** Rejects with the error `promise` fails with; fails the test if it resolves. */
export async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}
