/**
 * The benchmark's child processes: the emulator and the worker each run on their own core(s),
 * as `npm run emulator` and `npm run worker` run them, and the worker's memory is read from
 * /proc while it works.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DEFAULT_EMULATOR_CREDENTIALS } from '../../src/emulator';

export interface ChildService {
  process: ChildProcess;
  /** The first capture of the ready line's pattern, e.g. the emulator's URL. */
  ready: string;
  stop(): Promise<void>;
}

/**
 * Environment of a child: no Temporal, Twilio or Orchestrator setting of the caller, plus `extra`;
 * and an empty state folder, so a key file `npm start` left in .local/ does not encrypt what the
 * benchmark's client reads without keys.
 */
function childEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(TEMPORAL_|TWILIO_|ORCHESTRATOR_)/.test(name)),
  );
  return { ...env, ORCHESTRATOR_STATE_DIR: EMPTY_STATE_DIR, ...extra };
}

const EMPTY_STATE_DIR = mkdtempSync(join(tmpdir(), 'bench-state-'));

/** Spawns `command args` (`name` in errors), resolving once a stdout line matches `readyLine`. */
async function spawnService(
  name: string,
  [command, ...args]: [string, ...string[]],
  env: NodeJS.ProcessEnv,
  readyLine: RegExp,
) {
  const child = spawn(command, args, {
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await exited;
  };
  const exitedEarly = exited.then(([code]) => {
    throw new Error(`${name} exited (${String(code)}) before it was ready`);
  });
  for await (const line of createInterface({ input: child.stdout })) {
    const match = readyLine.exec(line);
    if (match) {
      void exitedEarly.catch(() => undefined);
      // Keep draining stdout so the child never blocks on a full pipe.
      child.stdout.resume();
      return { process: child, ready: match[1] ?? line, stop };
    }
  }
  return exitedEarly;
}

const { accountSid, authToken } = DEFAULT_EMULATOR_CREDENTIALS;

/** The emulator with its default latencies (operations 1 s, actions 0.5 s, Retry-After 1 s). */
export function startEmulatorProcess(): Promise<ChildService> {
  return spawnService(
    'the emulator',
    [process.execPath, '--import', 'tsx', 'src/emulator/main.ts', '--port', '0'],
    { TWILIO_ACCOUNT_SID: accountSid, TWILIO_AUTH_TOKEN: authToken },
    /listening on (http:\/\/\S+)/,
  );
}

/**
 * How the worker runs: `npm run worker` (the tsx loader, workflows bundled at start-up) or
 * `npm run worker:prod` (bin/orchestrator-worker: the compiled worker on the prebuilt bundle,
 * with its memory settings; needs `npm run build`). The launcher `exec`s node: same PID.
 */
export type WorkerKind = 'tsx' | 'prebuilt';

const WORKER_COMMANDS: Record<WorkerKind, [string, ...string[]]> = {
  tsx: [process.execPath, '--import', 'tsx', 'src/worker.ts'],
  prebuilt: ['bin/orchestrator-worker'],
};

/** A worker configured by environment only, like any deployment; `tuning` adds TEMPORAL_MAX_*. */
export function startWorkerProcess(
  temporalAddress: string,
  taskQueue: string,
  emulatorUrl: string,
  kind: WorkerKind = 'tsx',
  tuning: NodeJS.ProcessEnv = {},
) {
  return spawnService(
    `the ${kind} worker`,
    WORKER_COMMANDS[kind],
    {
      ...tuning,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_TASK_QUEUE: taskQueue,
      TWILIO_ORCHESTRATOR_BASE_URL: emulatorUrl,
      TWILIO_ACCOUNT_SID: accountSid,
      TWILIO_AUTH_TOKEN: authToken,
      TEMPORAL_LOG_LEVEL: 'WARN',
    },
    /\[worker\] (polling task queue)/,
  );
}

/** Resident memory of a process in bytes: `VmRSS` now, `VmHWM` its peak since it started. */
export function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kib('VmRSS'), peak: kib('VmHWM') };
}

/** Samples a process's RSS every `intervalMs` until stopped; returns the highest sample. */
export function sampleRss(pid: number, intervalMs = 200): { stop(): number } {
  let highest = memoryOf(pid).rss;
  // A process that died (say, out of memory) keeps the highest sample taken before.
  const sample = () => {
    if (existsSync(`/proc/${pid}/status`)) highest = Math.max(highest, memoryOf(pid).rss);
  };
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return highest;
    },
  };
}

/** The emulator's admin API: forget everything (between phases), change latencies. */
export async function emulatorAdmin(url: string, path: 'reset' | 'config', body?: unknown): Promise<void> {
  const response = await fetch(`${url}/__emulator/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`emulator ${path}: HTTP ${response.status} ${await response.text()}`);
}

/** CPU time (user + system) a process has used so far, in seconds. */
export function cpuSecondsOf(pid: number): number {
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  const ticksPerSecond = 100; // USER_HZ on Linux
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/** The PID of the dev server listening on `port` (a child of the Temporal SDK's core). */
export function devServerPid(port: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args.includes('start-dev') && args[args.indexOf('--port') + 1] === port) return Number(entry);
    } catch {
      // The process ended while we looked.
    }
  }
  return undefined;
}
