/**
 * The Temporal side of `npm start`: the cluster named by TEMPORAL_ADDRESS (with envconfig's
 * TLS / API key settings), else the embedded dev server with its state under `.local/`.
 * The settings are read first, on their own, so a bad one is reported before anything starts.
 */
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { NativeConnection } from '@temporalio/worker';
import {
  connectToTemporal,
  describeTemporalTarget,
  taskQueueFromEnv,
  temporalTargetFromEnv,
  type TemporalTarget,
} from '../temporal/connection';
import { startCodecServer, type RunningCodecServer } from '../codec/codec-server';
import { stateDirFromEnv } from '../codec/configured-keys';
import { encryptedDataConverter } from '../codec/data-converter';
import { EncryptionCodec } from '../codec/encryption-codec';
import type { KeyRing } from '../codec/key-ring';
import { ensureSearchAttributes } from '../temporal/search-attributes';
import { DEFAULT_TASK_QUEUE } from '../workflows/definitions';
import { ConfigurationError, namesOfSetVariables } from '../common/configuration-error';
import { startEmbeddedTemporal } from './dev-server';
import { webUiBaseUrl } from './web-ui';

export type TemporalSettings =
  | { kind: 'cluster'; target: TemporalTarget; address: string; uiBaseUrl?: string; taskQueue: string }
  | { kind: 'embedded'; dbFile: string; taskQueue: string };

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
  /** Encrypts payloads and failures: the client's, for the worker too. */
  dataConverter: DataConverter;
  /** Closes the connection, then stops the embedded dev server; the worker must have stopped. */
  close(): Promise<void>;
}

/**
 * On a shared cluster the demo's worker polls a task queue of its own: a worker backed by the
 * in-process emulator must never take real provisionings from the team's queue.
 *
 * @throws ConfigurationError when envconfig cannot read the cluster's settings.
 */
export function temporalSettingsFromEnv(tag: string, env: NodeJS.ProcessEnv = process.env): TemporalSettings {
  if (env.TEMPORAL_ADDRESS) {
    return {
      kind: 'cluster',
      target: clusterTarget(env),
      address: env.TEMPORAL_ADDRESS,
      uiBaseUrl: webUiBaseUrl(env),
      taskQueue: taskQueueFromEnv(env, `${DEFAULT_TASK_QUEUE}-start-${tag}`),
    };
  }
  return {
    kind: 'embedded',
    dbFile: join(stateDirFromEnv(env), 'temporal.db'),
    taskQueue: taskQueueFromEnv(env),
  };
}

function clusterTarget(env: NodeJS.ProcessEnv): TemporalTarget {
  try {
    return temporalTargetFromEnv();
  } catch (err) {
    // Only the first line, and not as a cause: a TOML parse error goes on to quote the offending
    // line, which may hold an API key.
    const reason = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    const variables = namesOfSetVariables(
      env,
      Object.keys(env).filter((name) => name.startsWith('TEMPORAL_')),
    );
    throw new ConfigurationError(`Cannot use the Temporal settings in ${variables}: ${reason}`);
  }
}

/**
 * Connects (or starts the embedded dev server) with a client that encrypts with `ring`. The
 * embedded server's Web UI decodes through a codec server started here on loopback, with a
 * fresh token in the endpoint it is given (the Web UI sends no token of its own).
 */
export async function openTemporalForStart(
  settings: TemporalSettings,
  ring: KeyRing,
): Promise<StartTemporal> {
  const dataConverter = encryptedDataConverter(ring);
  if (settings.kind === 'cluster') {
    const { client, connection, namespace } = await connectToTemporal(settings.target, dataConverter);
    try {
      await ensureSearchAttributes(connection, namespace);
    } catch (err) {
      await connection.close();
      throw err;
    }
    return {
      client,
      connection,
      namespace,
      taskQueue: settings.taskQueue,
      description: describeTemporalTarget(settings.target),
      address: settings.address,
      uiBaseUrl: settings.uiBaseUrl,
      dataConverter,
      close: () => connection.close(),
    };
  }
  let codecServer: RunningCodecServer | undefined;
  let embedded;
  try {
    embedded = await startEmbeddedTemporal(settings.dbFile, {
      dataConverter,
      uiCodecEndpoint: async (allowedOrigins) => {
        codecServer = await startCodecServer({
          codec: new EncryptionCodec(ring),
          token: randomBytes(24).toString('hex'),
          allowedOrigins,
        });
        return codecServer.uiEndpoint;
      },
    });
  } catch (err) {
    await codecServer?.close();
    throw err;
  }
  const { env } = embedded;
  return {
    client: env.client,
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue: settings.taskQueue,
    description:
      `embedded dev server at ${embedded.address} (state in ${settings.dbFile}), ` +
      `Web UI decoding through the codec server at ${codecServer!.url}`,
    address: embedded.address,
    uiBaseUrl: embedded.uiUrl,
    dataConverter,
    close: async () => {
      await env.teardown();
      await codecServer!.close();
    },
  };
}
