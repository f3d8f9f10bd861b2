/**
 * The embedded Temporal dev server of `npm start`: the Temporal CLI found by the toolchain
 * resolver, its state in a SQLite file (so runs survive restarts and stay inspectable in the
 * Web UI), the Web UI on (decoding payloads through a codec server when given one), the
 * provisioning's search attributes registered, and fairness on (FAIRNESS_SERVER_ARGS).
 *
 * It prefers the CLI's usual ports (7233, Web UI 8233) so `temporal` commands and
 * `npm run orchestrator` reach it without configuration, and takes free ports when those are busy.
 */
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import type { DataConverter } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { clientInterceptors } from '../observability/interceptors';
import { tracingFromEnv } from '../observability/tracing';
import { FAIRNESS_SERVER_ARGS } from '../temporal/task-queue-budget';
import { resolveTemporalBinary } from '../toolchain/temporal-binaries';
import { SEARCH_ATTRIBUTE_KEYS } from '../workflows/definitions';

export const PREFERRED_PORT = 7233;
export const PREFERRED_UI_PORT = 8233;

export interface EmbeddedTemporal {
  env: TestWorkflowEnvironment;
  /** gRPC frontend, `host:port`. */
  address: string;
  /** e.g. `http://localhost:8233`. */
  uiUrl: string;
  dbFile: string;
}

/** Resolves with the port to bind: the preferred one when free, else one the OS picks. */
async function portToUse(preferred: number): Promise<number> {
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const { port: bound } = server.address() as { port: number };
        server.close(() => resolve(bound));
      });
    });
  return listen(preferred).catch(() => listen(0));
}

export interface EmbeddedTemporalOptions {
  /** The data converter of `env.client` (encryption). @default the SDK's, unencrypted */
  dataConverter?: DataConverter;
  /**
   * Given the Web UI's origins (known once its port is), returns the remote codec endpoint the
   * Web UI should decode payloads through (`--ui-codec-endpoint`). @default none
   */
  uiCodecEndpoint?: (uiOrigins: string[]) => Promise<string>;
}

export async function startEmbeddedTemporal(
  dbFile: string,
  options: EmbeddedTemporalOptions = {},
): Promise<EmbeddedTemporal> {
  mkdirSync(dirname(dbFile), { recursive: true });
  const port = await portToUse(PREFERRED_PORT);
  const uiPort = await portToUse(PREFERRED_UI_PORT);
  const codecEndpoint = await options.uiCodecEndpoint?.([
    `http://localhost:${uiPort}`,
    `http://127.0.0.1:${uiPort}`,
  ]);
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: resolveTemporalBinary('cli').executable,
      dbFilename: dbFile,
      port,
      ui: true,
      uiPort,
      searchAttributes: SEARCH_ATTRIBUTE_KEYS,
      extraArgs: [...FAIRNESS_SERVER_ARGS, ...(codecEndpoint ? ['--ui-codec-endpoint', codecEndpoint] : [])],
    },
    // Traced as a client of connectToTemporal is, when the environment turns tracing on.
    client: { dataConverter: options.dataConverter, interceptors: clientInterceptors(tracingFromEnv()) },
  });
  return { env, address: env.address, uiUrl: `http://localhost:${uiPort}`, dbFile };
}
