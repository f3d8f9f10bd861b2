/**
 * The production stack of docker-compose.yml without Docker: PostgreSQL, the schema one-shot
 * (docker/setup-schema.sh), the Temporal server (one process, all services) with the compose
 * file's environment (docker/temporal.env), the namespace one-shot (docker/setup-namespace.sh)
 * and, optionally, the Web UI server. Everything binds to 127.0.0.1.
 *
 * `npm run cluster` (./main.ts) runs it until Ctrl-C; the cluster tests and benchmark start it
 * with `startCluster` and kill and restart the server through `RunningCluster.server`.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { parseEnv, promisify } from 'node:util';
import { resolveTemporalBinary } from '../../src/toolchain/temporal-binaries';
import { CACHE_DIR, ROOT, pinnedVersions, serverBinaries, uiBinaries } from './binaries';
import { startPostgres, type RunningPostgres } from './postgres';
import {
  freePort,
  freePortIn,
  spawnLogged,
  stopProcess,
  temporalServerProcess,
  waitUntilReady,
  type TemporalServerProcess,
} from './processes';

const run = promisify(execFile);

export interface ClusterOptions {
  /** Also build (first time) and start the Web UI server. */
  ui?: boolean;
  /** Keep the database in .cluster/data between runs instead of a throwaway folder. */
  keepData?: boolean;
  /** The frontend's gRPC port. @default a free port */
  frontendPort?: number;
  /** The Web UI's port (with `ui`). @default a free port */
  uiPort?: number;
  /** Progress lines. @default console.error */
  log?: (line: string) => void;
}

export interface RunningCluster {
  /** host:port of the frontend (gRPC). */
  address: string;
  namespace: string;
  /** The Web UI, when started. */
  uiUrl?: string;
  postgresPort: number;
  /** Where the logs (server.log, postgres.log, ui.log) and, unless kept, the database live. */
  stateDir: string;
  server: TemporalServerProcess;
  /** Stops what it started (UI, server, PostgreSQL); removes a throwaway database. */
  stop(): Promise<void>;
}

const NAMESPACE = 'default';
const SETUP_TIMEOUT_MS = 5 * 60_000;

export async function startCluster(options: ClusterOptions = {}): Promise<RunningCluster> {
  const log = options.log ?? ((line: string) => console.error(line));
  const versions = pinnedVersions();
  const binaries = await serverBinaries(versions.server, log);
  const ui = options.ui ? await uiBinaries(versions.ui, log) : undefined;

  const stateDir = options.keepData
    ? join(CACHE_DIR, 'data')
    : mkdtempSync(join(tmpdir(), 'orchestrator-cluster-'));
  mkdirSync(stateDir, { recursive: true });
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse())
      await cleanup().catch((err: unknown) => log(`[cluster] ${String(err)}`));
    cleanups.length = 0;
    if (!options.keepData) rmSync(stateDir, { recursive: true, force: true });
  };

  try {
    const database = readDatabaseSettings();
    const postgres: RunningPostgres = await startPostgres({
      stateDir,
      port: await freePort(),
      user: database.POSTGRES_USER ?? 'temporal',
      password: database.POSTGRES_PWD ?? 'temporal',
      log,
    });
    cleanups.push(() => postgres.stop());
    log(`[cluster] PostgreSQL on 127.0.0.1:${postgres.port} (${stateDir})`);

    // The compose file's server environment, pointed at this PostgreSQL and these ports.
    const serverEnv: NodeJS.ProcessEnv = {
      ...database,
      POSTGRES_SEEDS: '127.0.0.1',
      DB_PORT: String(postgres.port),
      VISIBILITY_DB_PORT: String(postgres.port),
      BIND_ON_IP: '127.0.0.1',
      DYNAMIC_CONFIG_FILE_PATH: join(ROOT, 'docker', 'dynamicconfig', 'development-sql.yaml'),
      ...(await serverPorts(options.frontendPort)),
    };
    await runSetupScript('setup-schema.sh', {
      ...serverEnv,
      SCHEMA_DIR: binaries.schemaDir,
      PATH: withPath(dirname(binaries.sqlTool)),
    });

    const address = `127.0.0.1:${serverEnv.FRONTEND_GRPC_PORT}`;
    const logFile = join(stateDir, 'server.log');
    const server = temporalServerProcess(
      () => spawnLogged(binaries.server, ['start'], { env: { ...cleanEnv(), ...serverEnv }, logFile }),
      address,
      logFile,
    );
    // A throwaway database is deleted next: no need to wait for the server's graceful drain.
    cleanups.push(() => server.kill(options.keepData ? 'SIGTERM' : 'SIGKILL'));
    await server.start();

    await runSetupScript('setup-namespace.sh', {
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: NAMESPACE,
      PATH: withPath(dirname(temporalCli())),
    });
    log(`[cluster] Temporal frontend on ${address}, namespace ${NAMESPACE}, search attributes registered`);

    let uiUrl: string | undefined;
    if (ui) {
      const uiPort = options.uiPort ?? (await freePort());
      const uiServer = spawnLogged(ui.uiServer, ['--root', ui.root, '--env', 'docker', 'start'], {
        env: {
          ...cleanEnv(),
          TEMPORAL_ADDRESS: address,
          TEMPORAL_UI_PORT: String(uiPort),
          TEMPORAL_DEFAULT_NAMESPACE: NAMESPACE,
        },
        logFile: join(stateDir, 'ui.log'),
      });
      cleanups.push(() => stopProcess(uiServer, 'SIGTERM'));
      uiUrl = `http://127.0.0.1:${uiPort}`;
      await waitUntilReady(`the Web UI at ${uiUrl}`, uiServer, async () => (await fetch(uiUrl!)).ok);
      log(`[cluster] Web UI on ${uiUrl}`);
    }

    return { address, namespace: NAMESPACE, uiUrl, postgresPort: postgres.port, stateDir, server, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** docker/temporal.env: the database settings the compose file gives the server and the schema one-shot. */
function readDatabaseSettings(): Record<string, string> {
  return parseEnv(readFileSync(join(ROOT, 'docker', 'temporal.env'), 'utf8')) as Record<string, string>;
}

/**
 * The one-process server's gRPC, HTTP and membership ports (docker.yaml's variables), all free.
 * Membership ports stay under 32768: the cluster_membership table keeps them as SMALLINT.
 */
async function serverPorts(frontendPort?: number): Promise<Record<string, string>> {
  const ports: Record<string, string> = { FRONTEND_GRPC_PORT: String(frontendPort ?? (await freePort())) };
  for (const name of ['FRONTEND_HTTP_PORT', 'HISTORY_GRPC_PORT', 'MATCHING_GRPC_PORT', 'WORKER_GRPC_PORT']) {
    ports[name] = String(await freePort());
  }
  for (const service of ['FRONTEND', 'HISTORY', 'MATCHING', 'WORKER']) {
    ports[`${service}_MEMBERSHIP_PORT`] = String(await freePortIn(20_000, 32_767));
  }
  return ports;
}

/** Runs one of the compose file's one-shot scripts (docker/) with `env` only. */
async function runSetupScript(script: string, env: NodeJS.ProcessEnv): Promise<void> {
  try {
    await run('/bin/sh', [join(ROOT, 'docker', script)], {
      env,
      timeout: SETUP_TIMEOUT_MS,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (err) {
    const { stdout, stderr, message } = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`docker/${script} failed: ${message}\n${stdout ?? ''}${stderr ?? ''}`.trim());
  }
}

/** The Temporal CLI `npm install` put in .temporal/ (the admin-tools image's `temporal`). */
function temporalCli(): string {
  const { executable } = resolveTemporalBinary('cli');
  if (executable.type !== 'existing-path') throw new Error('no Temporal CLI found: run `npm install`');
  return executable.path;
}

function withPath(dir: string): string {
  return [dir, process.env.PATH ?? '/usr/bin:/bin'].join(delimiter);
}

/** The environment without any Temporal setting of the person running this. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TEMPORAL_')));
}
