import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BasicAuth } from './auth';
import { EmulatorCore } from './core';
import { DEFAULT_RUNTIME_OPTIONS, resolveCredentials } from './options';
import { Router } from './router';
import { actionRoutes } from './routes/actions';
import { adminRoutes } from './routes/admin';
import { configurationRoutes } from './routes/configurations';
import { conversationRoutes } from './routes/conversations';
import { memoryStoreRoutes } from './routes/memory-stores';
import { operationRoutes } from './routes/operations';
import { createRequestListener } from './server';
import type { EmulatorOptions, RunningEmulator } from './types';

export type {
  EmulatorChanges,
  EmulatorCredentials,
  EmulatorOptions,
  EmulatorStateSummary,
  FaultMatch,
  FaultRule,
  Latency,
  RunningEmulator,
} from './types';
export { DEFAULT_EMULATOR_CREDENTIALS } from './options';
export { isUndeliverable } from './actions';

/**
 * Starts the in-memory Conversation Orchestrator emulator: the conversations host (`/v2/...`)
 * and the memory host (`/v1/...`) on one port, plus the admin API under `/__emulator/`.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const { port = 0, host = '127.0.0.1', credentials: explicit, ...changes } = options;
  const credentials = resolveCredentials(explicit);
  const core = new EmulatorCore(DEFAULT_RUNTIME_OPTIONS, credentials.accountSid);
  core.configure(changes);

  let url = '';
  const server = createServer(
    { keepAlive: true },
    createRequestListener({
      core,
      auth: new BasicAuth(credentials),
      api: new Router([
        ...operationRoutes(core),
        ...memoryStoreRoutes(core),
        ...configurationRoutes(core),
        ...conversationRoutes(core),
        ...actionRoutes(core),
      ]),
      admin: new Router(adminRoutes(core)),
      url: () => url,
    }),
  );
  await listen(server, port, host);
  const address = server.address() as AddressInfo;
  url = `http://${formatHost(host)}:${address.port}`;

  return {
    url,
    credentials,
    summary: () => core.summary(),
    addFault: (rule) => core.faults.add(rule),
    clearFaults: () => core.faults.clear(),
    advanceClock: (ms) => core.advanceClock(ms),
    configure: (patch) => core.configure(patch),
    reset: () => core.reset(),
    close: () => close(server),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // Keep-alive connections would hold close() open until they time out.
    server.closeAllConnections();
  });
}

/** `0.0.0.0`/`::` listen everywhere; the URL names the loopback address instead. */
function formatHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
