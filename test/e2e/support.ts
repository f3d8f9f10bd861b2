/**
 * The stack of the end-to-end tests: a real Temporal dev server (the CLI binary the toolchain
 * resolves, with the provisioning's search attributes registered), the emulator over a real
 * socket, and the worker `npm run worker` runs (`createWorker`), on a task queue of its own.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { OrchestratorClient } from '../../src/api';
import { startEmulator, type EmulatorCredentials, type RunningEmulator } from '../../src/emulator';
import { resolveTemporalBinary } from '../../src/toolchain/temporal-binaries';
import { createWorker } from '../../src/worker';
import { workflowBundleOptions } from '../../src/workflow-bundle-options';
import { SEARCH_ATTRIBUTE_KEYS } from '../../src/workflows/definitions';
import type { ProvisionInput } from '../../src/workflows/provision-input';
import { startTogether } from '../setup/resources';

/** Distinctive values, so a test can prove none of them reached the history. */
export const E2E_CREDENTIALS: EmulatorCredentials = {
  accountSid: `AC${'e2'.repeat(16)}`,
  authToken: 'e2e-auth-token-8c1f3b',
};

export interface E2eStack {
  testEnv: TestWorkflowEnvironment;
  client: Client;
  emulator: RunningEmulator;
  taskQueue: string;
  stop(): Promise<void>;
}

const quietBundlerLogger = new DefaultLogger('ERROR');

/**
 * Operations settle in 300 ms and actions in 200 ms, with no Retry-After: a provisioning takes
 * about a second and a half with the fast polling of `e2eInput`.
 */
export function startE2eStack(): Promise<E2eStack> {
  return startTogether(async (resources) => {
    const [testEnv, emulator, workflowBundle] = await Promise.all([
      resources.start(
        TestWorkflowEnvironment.createLocal({
          server: {
            executable: resolveTemporalBinary('cli').executable,
            searchAttributes: SEARCH_ATTRIBUTE_KEYS,
          },
        }),
        (env) => env.teardown(),
      ),
      resources.start(
        startEmulator({
          credentials: E2E_CREDENTIALS,
          operationLatency: { ms: 300 },
          actionLatency: { ms: 200 },
          retryAfterSeconds: 0,
        }),
        (started) => started.close(),
      ),
      resources.start(bundleWorkflowCode(workflowBundleOptions({ logger: quietBundlerLogger }))),
    ]);
    const api = new OrchestratorClient({
      credentials: { accountSid: E2E_CREDENTIALS.accountSid, authToken: E2E_CREDENTIALS.authToken },
      conversationsBaseUrl: emulator.url,
      memoryBaseUrl: emulator.url,
    });
    resources.add(() => api.close());
    const taskQueue = `e2e-${randomUUID()}`;
    resources.run(
      await resources.start(
        createWorker({ connection: testEnv.nativeConnection, taskQueue, api, workflowBundle }),
      ),
    );
    return { testEnv, client: testEnv.client, emulator, taskQueue, stop: () => resources.stopAll() };
  });
}

/** A valid input with unique names and polling fast enough for a test. */
export function e2eInput(): ProvisionInput {
  const tag = randomUUID().slice(0, 8);
  return {
    provisioningId: `e2e-${tag}`,
    memoryStore: { displayName: `e2e-store-${tag}` },
    configuration: { displayName: `e2e config ${tag}`, description: 'End-to-end test configuration' },
    conversation: {
      name: `e2e-conversation-${tag}`,
      participants: [
        { name: 'Ada', type: 'CUSTOMER', addresses: [{ channel: 'SMS', address: '+15551230001' }] },
      ],
    },
    message: {
      from: { address: '+15551239999', channel: 'SMS' },
      to: [{ address: '+15551230001', channel: 'SMS' }],
      text: 'Hello from the end-to-end test',
    },
    // 100 ms to 300 ms: about 200 polls fit in the minute's deadline, within the cap of 500.
    polling: { initialIntervalMs: 100, maxIntervalMs: 300, jitterRatio: 0, operationDeadlineMs: 60_000 },
  };
}
