/**
 * The Temporal side of `npm start`: the cluster named by TEMPORAL_ADDRESS (with envconfig's
 * TLS / API key settings), else the embedded dev server with its state under `.local/`.
 */
import { join, resolve } from 'node:path';
import type { Client } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { connectToTemporal, describeTemporalTarget, temporalTargetFromEnv } from '../temporal/connection';
import { ensureSearchAttributes } from '../temporal/search-attributes';
import { DEFAULT_TASK_QUEUE } from '../workflows/definitions';
import { startEmbeddedTemporal } from './dev-server';
import { webUiBaseUrl } from './web-ui';

/** Git-ignored; holds the dev server's SQLite state between runs. `ORCHESTRATOR_STATE_DIR` overrides it. */
export const LOCAL_STATE_DIR = resolve(__dirname, '..', '..', '.local');

export interface StartTemporal {
  client: Client;
  connection: NativeConnection;
  namespace: string;
  /** Polled by this process's worker only (see below). */
  taskQueue: string;
  /** For the console. */
  description: string;
  /** `host:port` of the gRPC frontend. */
  address: string;
  uiBaseUrl?: string;
  close(): Promise<void>;
}

/**
 * On a shared cluster the demo's worker polls a task queue of its own: a worker backed by the
 * in-process emulator must never take real provisionings from the team's queue.
 */
export async function openTemporalForStart(tag: string, env = process.env): Promise<StartTemporal> {
  if (env.TEMPORAL_ADDRESS) {
    const target = temporalTargetFromEnv();
    const { client, connection, namespace } = await connectToTemporal(target);
    await ensureSearchAttributes(connection, namespace);
    return {
      client,
      connection,
      namespace,
      taskQueue: env.TEMPORAL_TASK_QUEUE || `${DEFAULT_TASK_QUEUE}-start-${tag}`,
      description: describeTemporalTarget(target),
      address: env.TEMPORAL_ADDRESS,
      uiBaseUrl: webUiBaseUrl(env),
      close: () => connection.close(),
    };
  }
  const dbFile = join(env.ORCHESTRATOR_STATE_DIR || LOCAL_STATE_DIR, 'temporal.db');
  const embedded = await startEmbeddedTemporal(dbFile);
  return {
    client: embedded.env.client,
    connection: embedded.env.nativeConnection,
    namespace: 'default',
    taskQueue: env.TEMPORAL_TASK_QUEUE || DEFAULT_TASK_QUEUE,
    description: `embedded dev server at ${embedded.address} (state in ${dbFile})`,
    address: embedded.address,
    uiBaseUrl: embedded.uiUrl,
    close: () => embedded.env.teardown(),
  };
}
