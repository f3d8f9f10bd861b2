/**
 * What both observability tests run against: a real dev server (with the provisioning's search
 * attributes) and the emulator over a socket, its operations settling in 300 ms, actions in
 * 200 ms, and one operation poll refused with 429 (with `Retry-After: 1`) so that a
 * rate-limited call shows in spans and metrics.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { resolveTemporalBinary } from '../../src/toolchain/temporal-binaries';
import { SEARCH_ATTRIBUTE_KEYS } from '../../src/workflows/definitions';
import { E2E_CREDENTIALS } from '../e2e/support';
import { startTogether } from '../setup/resources';

export interface ObservedStack {
  testEnv: TestWorkflowEnvironment;
  emulator: RunningEmulator;
  stop(): Promise<void>;
}

export const RATE_LIMITED_RETRY_AFTER_SECONDS = 1;

export function startObservedStack(): Promise<ObservedStack> {
  return startTogether(async (resources) => {
    const [testEnv, emulator] = await Promise.all([
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
          faults: [
            {
              kind: 'status',
              status: 429,
              retryAfter: RATE_LIMITED_RETRY_AFTER_SECONDS,
              times: 1,
              match: { method: 'GET', path: '^/v1/ControlPlane/Operations/' },
            },
          ],
        }),
        (started) => started.close(),
      ),
    ]);
    return { testEnv, emulator, stop: () => resources.stopAll() };
  });
}
