/**
 * One way to reach Temporal from the environment, shared by the worker, the command line
 * (`npm run orchestrator`) and `npm start`: `@temporalio/envconfig` reads TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_* and TOML profiles (TEMPORAL_CONFIG_FILE,
 * TEMPORAL_PROFILE), so the local dev server, a self-hosted cluster and Temporal Cloud (API key
 * or mTLS) differ in configuration only. The task queue is read here too (`taskQueueFromEnv`),
 * once for all of them.
 */
import { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { clientInterceptors } from '../observability/interceptors';
import { tracingFromEnv } from '../observability/tracing';
import type { NativeConnection, NativeConnectionOptions } from '@temporalio/worker';
import { DEFAULT_TASK_QUEUE } from '../workflows/definitions';
import { connectWithin, DEFAULT_ADDRESS } from './bounded-connect';

export const DEFAULT_NAMESPACE = 'default';

export interface TemporalTarget {
  connectionOptions: NativeConnectionOptions;
  namespace: string;
}

/** The connection settings envconfig finds in the environment and config files. */
export function temporalTargetFromEnv(): TemporalTarget {
  const { connectionOptions, namespace } = loadClientConnectConfig();
  return { connectionOptions, namespace: namespace ?? DEFAULT_NAMESPACE };
}

/**
 * The task queue workers poll and clients start runs on: `TEMPORAL_TASK_QUEUE`, else `fallback`
 * (an empty value counts as unset, as a blank line in an env file does).
 */
export function taskQueueFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  fallback = DEFAULT_TASK_QUEUE,
): string {
  return env.TEMPORAL_TASK_QUEUE || fallback;
}

/**
 * A one-line description for logs: address, namespace and the kind of authentication, never
 * the API key, certificates or metadata values.
 */
export function describeTemporalTarget({ connectionOptions, namespace }: TemporalTarget): string {
  const { address = DEFAULT_ADDRESS, apiKey, tls } = connectionOptions;
  const auth = apiKey
    ? 'API key over TLS'
    : typeof tls === 'object' && tls?.clientCertPair
      ? 'mTLS'
      : tls
        ? 'TLS'
        : 'plaintext';
  return `${address}, namespace ${namespace} (${auth})`;
}

export interface TemporalConnection {
  /** Serves both the worker and the client (a Client accepts a NativeConnection). */
  connection: NativeConnection;
  client: Client;
  namespace: string;
}

/**
 * Connects once; the same connection carries the client's calls and a worker's polls. The
 * client encrypts with `dataConverter` (e.g. `dataConverterFromEnv()` from src/codec).
 */
export async function connectToTemporal(
  target: TemporalTarget,
  dataConverter?: DataConverter,
): Promise<TemporalConnection> {
  // Fails with TemporalUnreachableError, within a few seconds, when no server answers.
  const connection = await connectWithin(target.connectionOptions);
  const interceptors = clientInterceptors(tracingFromEnv());
  const client = new Client({ connection, namespace: target.namespace, dataConverter, interceptors });
  return { connection, client, namespace: target.namespace };
}
