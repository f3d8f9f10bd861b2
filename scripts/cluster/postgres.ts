/**
 * A PostgreSQL cluster of its own for the Temporal server: Debian's `postgresql` binaries
 * (installed with apt-get when missing and running as root), bound to 127.0.0.1 on the given
 * port, with the superuser and password of docker/temporal.env, as the postgres image makes.
 *
 * PostgreSQL refuses to run as root: as root, every command runs as the `postgres` user.
 */
import { execFile } from 'node:child_process';
import { chownSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PostgresOptions {
  /** Holds `pgdata/` and the log; owned by the `postgres` user when running as root. */
  stateDir: string;
  port: number;
  user: string;
  password: string;
  log: (line: string) => void;
}

export interface RunningPostgres {
  port: number;
  logFile: string;
  stop(): Promise<void>;
}

export async function startPostgres(options: PostgresOptions): Promise<RunningPostgres> {
  const bin = await postgresBinDir(options.log);
  const dataDir = join(options.stateDir, 'pgdata');
  const logFile = join(options.stateDir, 'postgres.log');
  const asPostgres = runAsPostgres(options.stateDir);
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    const pwfile = join(options.stateDir, 'pwfile');
    writeFileSync(pwfile, `${options.password}\n`, { mode: 0o600 });
    asPostgres.own(pwfile);
    await asPostgres.exec(join(bin, 'initdb'), [
      `--pgdata=${dataDir}`,
      `--username=${options.user}`,
      `--pwfile=${pwfile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      '--no-instructions',
    ]);
    rmSync(pwfile);
  }
  const settings = [
    `-c listen_addresses=127.0.0.1`,
    `-c port=${options.port}`,
    `-c unix_socket_directories=${options.stateDir}`,
  ].join(' ');
  // -w -t: returns once the server accepts connections, or fails after 60 s.
  await asPostgres.exec(join(bin, 'pg_ctl'), [
    'start',
    '-D',
    dataDir,
    '-l',
    logFile,
    '-w',
    '-t',
    '60',
    '-o',
    settings,
  ]);
  return {
    port: options.port,
    logFile,
    stop: () => asPostgres.exec(join(bin, 'pg_ctl'), ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '30']),
  };
}

interface PostgresUser {
  /** Gives a file to the user that runs PostgreSQL. */
  own(path: string): void;
  exec(file: string, args: string[]): Promise<void>;
}

function runAsPostgres(stateDir: string): PostgresUser {
  const isRoot = process.getuid?.() === 0;
  if (!isRoot) {
    return { own: () => undefined, exec: async (file, args) => void (await execChecked(file, args)) };
  }
  const { uid, gid } = postgresAccount();
  chownSync(stateDir, uid, gid);
  return {
    own: (path) => chownSync(path, uid, gid),
    exec: async (file, args) => void (await execChecked('runuser', ['-u', 'postgres', '--', file, ...args])),
  };
}

async function execChecked(file: string, args: string[]): Promise<string> {
  try {
    return (await run(file, args, { timeout: 120_000, cwd: '/' })).stdout;
  } catch (err) {
    const { stderr, message } = err as { stderr?: string; message: string };
    throw new Error(`${file} ${args.join(' ')} failed: ${stderr?.trim() || message}`);
  }
}

function postgresAccount(): { uid: number; gid: number } {
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const [name, , uid, gid] = line.split(':');
    if (name === 'postgres') return { uid: Number(uid), gid: Number(gid) };
  }
  throw new Error('no postgres user: install PostgreSQL with `apt-get install -y postgresql`');
}

/** initdb and pg_ctl: on the PATH, else Debian's newest /usr/lib/postgresql/N/bin, else installed. */
async function postgresBinDir(log: (line: string) => void): Promise<string> {
  const found = findPostgresBinDir();
  if (found) return found;
  if (process.getuid?.() !== 0) {
    throw new Error('PostgreSQL not found: install it with `sudo apt-get install -y postgresql`');
  }
  log('PostgreSQL not found: installing Debian package postgresql');
  await execChecked('apt-get', ['update', '-qq']);
  await execChecked('apt-get', ['install', '-y', '-qq', 'postgresql']);
  const installed = findPostgresBinDir();
  if (!installed)
    throw new Error('apt-get installed postgresql, yet initdb is not in /usr/lib/postgresql/*/bin');
  return installed;
}

function findPostgresBinDir(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    if (existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir;
  }
  const debian = '/usr/lib/postgresql';
  if (!existsSync(debian)) return undefined;
  const versions = readdirSync(debian)
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a));
  return versions.map((v) => join(debian, v, 'bin')).find((dir) => existsSync(join(dir, 'initdb')));
}
