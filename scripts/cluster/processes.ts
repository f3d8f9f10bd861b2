/**
 * Child processes of the stack: started with their output in a log file, awaited until ready
 * within a deadline, stopped with a signal (SIGKILL after a grace period), and a Temporal
 * frontend that can be killed and started again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';

const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 20_000;

/** Starts `file` with stdout and stderr appended to `logFile`, in `cwd` (default: the log's folder). */
export function spawnLogged(
  file: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; logFile: string; cwd?: string },
): ChildProcess {
  const fd = openSync(options.logFile, 'a');
  try {
    const cwd = options.cwd ?? dirname(options.logFile);
    return spawn(file, args, { env: options.env, stdio: ['ignore', fd, fd], cwd });
  } finally {
    closeSync(fd);
  }
}

export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Signals the process and waits for its exit; SIGKILL after 20 s. */
export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (hasExited(child)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** Polls `ready` every 500 ms until it is true; fails after 90 s or when `child` exits first. */
export async function waitUntilReady(
  what: string,
  child: ChildProcess,
  ready: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (hasExited(child)) {
      throw new Error(
        `${what}: the process exited (${child.exitCode ?? child.signalCode}) before it was ready`,
      );
    }
    if (await ready().catch(() => false)) return;
    await sleep(500);
  }
  throw new Error(`${what}: not ready after ${READY_TIMEOUT_MS / 1000} s`);
}

/** A Temporal server process that a test or the chaos run can kill and start again. */
export interface TemporalServerProcess {
  /** Sends `signal` to the server process and resolves once it has exited. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** Starts the server (again, after `kill`) and resolves once its frontend serves. */
  start(): Promise<void>;
}

/** `launch` starts the server; `address` is its frontend, checked by gRPC health checks. */
export function temporalServerProcess(
  launch: () => ChildProcess,
  address: string,
  logFile: string,
): TemporalServerProcess {
  let child: ChildProcess | undefined;
  return {
    async start() {
      if (child && !hasExited(child)) throw new Error('the Temporal server is already running');
      child = launch();
      try {
        await waitUntilReady(`the Temporal frontend on ${address}`, child, () => frontendServing(address));
      } catch (err) {
        // The log may live in a folder removed on failure: its end says why.
        throw new Error(`${(err as Error).message}; the end of ${logFile}:\n${tail(logFile, 15)}`);
      }
    },
    async kill(signal) {
      if (child) await stopProcess(child, signal);
    },
  };
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Whether the frontend answers the WorkflowService health check as SERVING. */
async function frontendServing(address: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 2_000 });
  try {
    const { status } = await connection.healthService.check({
      service: 'temporal.api.workflowservice.v1.WorkflowService',
    });
    return Number(status) === 1; // SERVING
  } finally {
    await connection.close();
  }
}

/** A port free on 127.0.0.1 right now, chosen by the OS (from its ephemeral range). */
export function freePort(): Promise<number> {
  return listenOnce(0);
}

/**
 * A free port from `min` to `max`, tried at random at most 100 times: for ports that must stay
 * under the OS's ephemeral range (the server keeps membership ports in a SMALLINT column).
 */
export async function freePortIn(min: number, max: number): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const candidate = min + Math.floor(Math.random() * (max - min + 1));
    const port = await listenOnce(candidate).catch(() => undefined);
    if (port !== undefined) return port;
  }
  throw new Error(`no free port from ${min} to ${max} on 127.0.0.1 after 100 tries`);
}

function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(bound));
    });
  });
}
