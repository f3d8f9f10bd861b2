/**
 * The Temporal server, its SQL schema tool and (optionally) the Web UI server, built from the Go
 * module proxy at the versions docker-compose.yml pins, and cached in `.cluster/` by version:
 * only the first run pays the build (about 5 minutes and 2.5 GB of memory on 2 cores).
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const ROOT = join(__dirname, '..', '..');
export const CACHE_DIR = join(ROOT, '.cluster');

const run = promisify(execFile);
const BUILD_TIMEOUT_MS = 30 * 60_000;

/** The image tags of docker-compose.yml: the server (and admin-tools) and the Web UI. */
export function pinnedVersions(compose = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')): {
  server: string;
  ui: string;
} {
  const tag = (image: string, variable: string) => {
    const match = new RegExp(`${image}:\\$\\{${variable}:-([\\w.-]+)\\}`).exec(compose);
    if (!match?.[1])
      throw new Error(`docker-compose.yml: no ${image}:\${${variable}:-VERSION} image tag found`);
    return match[1];
  };
  return {
    server: tag('temporalio/server', 'TEMPORAL_VERSION'),
    ui: tag('temporalio/ui', 'TEMPORAL_UI_VERSION'),
  };
}

export interface ServerBinaries {
  version: string;
  server: string;
  sqlTool: string;
  /** The module's schema/postgresql/v12, copied next to the binaries. */
  schemaDir: string;
}

export interface UiBinaries {
  version: string;
  uiServer: string;
  /** Holds config/base.yaml and config/docker.yaml, read by `ui-server --root ROOT --env docker`. */
  root: string;
}

type Log = (line: string) => void;

/** `temporal-server`, `temporal-sql-tool` and the PostgreSQL schema, built on first use. */
export async function serverBinaries(version: string, log: Log): Promise<ServerBinaries> {
  const dir = join(CACHE_DIR, `temporal-${version}`);
  const binaries = {
    version,
    server: join(dir, 'temporal-server'),
    sqlTool: join(dir, 'temporal-sql-tool'),
    schemaDir: join(dir, 'schema', 'postgresql', 'v12'),
  };
  if (existsSync(dir)) return binaries;
  const module = `go.temporal.io/server@v${version}`;
  await buildCached(
    dir,
    log,
    `Temporal server ${version}`,
    'about 5 minutes and 2.5 GB on 2 idle cores',
    async (staging) => {
      await goInstall(staging, [
        `go.temporal.io/server/cmd/server@v${version}`,
        `go.temporal.io/server/cmd/tools/sql@v${version}`,
      ]);
      renameSync(join(staging, 'server'), join(staging, 'temporal-server'));
      renameSync(join(staging, 'sql'), join(staging, 'temporal-sql-tool'));
      const source = await moduleDir(module);
      cpSync(join(source, 'schema', 'postgresql', 'v12'), join(staging, 'schema', 'postgresql', 'v12'), {
        recursive: true,
      });
    },
  );
  return binaries;
}

/** The Temporal Web UI server and its config templates, built on first use. */
export async function uiBinaries(version: string, log: Log): Promise<UiBinaries> {
  const dir = join(CACHE_DIR, `ui-server-${version}`);
  const binaries = { version, uiServer: join(dir, 'ui-server'), root: dir };
  if (existsSync(dir)) return binaries;
  const module = `github.com/temporalio/ui-server/v2@v${version}`;
  await buildCached(dir, log, `Temporal UI server ${version}`, 'about a minute', async (staging) => {
    await goInstall(staging, [`github.com/temporalio/ui-server/v2/cmd/server@v${version}`]);
    renameSync(join(staging, 'server'), join(staging, 'ui-server'));
    // The image's template, driven by TEMPORAL_ADDRESS, TEMPORAL_UI_PORT...; under it a base
    // that binds to 127.0.0.1 (the image listens on every interface).
    mkdirSync(join(staging, 'config'));
    cpSync(join(await moduleDir(module), 'config', 'docker.yaml'), join(staging, 'config', 'docker.yaml'));
    writeFileSync(join(staging, 'config', 'base.yaml'), 'host: 127.0.0.1\n');
  });
  return binaries;
}

/** Builds into a staging folder renamed into place at the end: a failed build caches nothing. */
async function buildCached(
  dir: string,
  log: Log,
  what: string,
  cost: string,
  build: (staging: string) => Promise<void>,
) {
  const staging = `${dir}.building-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  log(`building ${what} with ${await goVersion()} (first run only: ${cost})`);
  const started = Date.now();
  try {
    await build(staging);
    renameSync(staging, dir);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  log(`built ${what} in ${Math.round((Date.now() - started) / 1000)} s, cached in ${dir}`);
}

/** Static, stripped binaries, as the release images carry. */
async function goInstall(gobin: string, packages: string[]): Promise<void> {
  await run('go', ['install', '-trimpath', '-ldflags=-s -w', ...packages], {
    env: { ...process.env, GOBIN: gobin, CGO_ENABLED: '0', GOFLAGS: '-mod=mod' },
    timeout: BUILD_TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** Where the Go module cache holds a module's source (downloading it if needed). */
async function moduleDir(module: string): Promise<string> {
  const { stdout } = await run('go', ['mod', 'download', '-json', module], {
    timeout: BUILD_TIMEOUT_MS,
    maxBuffer: 16 * 1024 * 1024,
  });
  const { Dir } = JSON.parse(stdout) as { Dir?: string };
  if (!Dir) throw new Error(`go mod download ${module} did not report the module's folder`);
  return Dir;
}

async function goVersion(): Promise<string> {
  try {
    return (await run('go', ['version'], { timeout: 10_000 })).stdout.trim();
  } catch {
    throw new Error(
      'Go is needed to build the Temporal server: install Go 1.25 or later (https://go.dev/dl/)',
    );
  }
}
