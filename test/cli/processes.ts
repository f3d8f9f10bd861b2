/**
 * Runs this project's entry points as a person does, in a child process (`node --import tsx`,
 * one process, so signals reach it directly), collecting its output.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PREFERRED_PORT } from '../../src/cli/dev-server';

export const ROOT = join(__dirname, '..', '..');

export interface Run {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal's name) when the process ends. */
  exited: Promise<number | string>;
  /** Ctrl-C. */
  interrupt(): void;
  /** Resolves once stderr contains `text`; rejects if the process ends first. */
  stderrContains(text: string): Promise<void>;
}

let emptyStateDir: string | undefined;

/**
 * The environment without any Temporal, Twilio or Orchestrator setting of the person running the
 * tests, and with an empty state folder: the key file an `npm start` left in this checkout's
 * .local/ would otherwise encrypt what a test's own worker cannot read.
 */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(TEMPORAL_|TWILIO_|ORCHESTRATOR_)/.test(name)),
  );
  emptyStateDir ??= mkdtempSync(join(tmpdir(), 'no-state-'));
  return { ...env, ORCHESTRATOR_STATE_DIR: emptyStateDir, ...extra };
}

const running = new Set<Run>();

/**
 * For `afterEach`: Ctrl-C every child still running and wait for it, so a failed assertion
 * never leaves one behind (a SIGKILLed `npm start` would orphan its dev server).
 */
export async function stopRunningScripts(): Promise<void> {
  const runs = [...running];
  for (const run of runs) if (run.child.exitCode === null) run.interrupt();
  await Promise.all(runs.map((run) => run.exited));
}

export function runScript(script: string, args: string[], env: NodeJS.ProcessEnv): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, env });
  return track(child, () => child.kill('SIGINT'));
}

/** After a Ctrl-C, how long a command line's process group may take to end before it is killed. */
const GROUP_GRACE_MS = 60_000;

/**
 * A command line as a person types it (`npm start -- --keep-running`), run by `sh` in a process
 * group of its own. Its Ctrl-C is a terminal's: SIGINT to the whole group, npm and everything
 * under it. It counts as exited once nothing of the group is left; whatever is left
 * `GROUP_GRACE_MS` after a Ctrl-C or after the shell ended is killed, so nothing outlives a test.
 */
export function runCommandLine(commandLine: string, env: NodeJS.ProcessEnv): Run {
  const child = spawn('sh', ['-c', commandLine], { cwd: ROOT, env, detached: true });
  // 'exit' may come before the last output is read: the run ends once both pipes have closed too.
  const outputRead = Promise.all([once(child.stdout, 'close'), once(child.stderr, 'close')]);
  let ended = false;
  const signalGroup = (signal: NodeJS.Signals) => {
    // Never once it ended: its ID may be another group's by then.
    if (ended) return;
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // ESRCH: the group has ended.
    }
  };
  const groupAlive = () => {
    try {
      process.kill(-child.pid!, 0);
      return true;
    } catch {
      return false;
    }
  };
  const interrupt = () => {
    signalGroup('SIGINT');
    setTimeout(() => signalGroup('SIGKILL'), GROUP_GRACE_MS).unref();
  };
  const groupEnded = async () => {
    for (const deadline = Date.now() + GROUP_GRACE_MS; groupAlive() && Date.now() < deadline;) {
      await sleep(100);
    }
    if (groupAlive()) signalGroup('SIGKILL');
    ended = true;
    await outputRead;
  };
  return track(child, interrupt, groupEnded);
}

/** Collects a child's output; `exited` resolves once it ended and `ended()` has resolved. */
function track(child: ChildProcess, interrupt: () => void, ended = async () => {}): Run {
  let stdout = '';
  let stderr = '';
  const stderrWaiters: { text: string; resolve: () => void }[] = [];
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const waiter of stderrWaiters.filter((w) => stderr.includes(w.text))) waiter.resolve();
  });
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => {
      void ended().then(() => {
        running.delete(run);
        resolve(code ?? signal ?? 'unknown');
      });
    }),
  );
  const run: Run = {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    interrupt,
    stderrContains: (text) =>
      stderr.includes(text)
        ? Promise.resolve()
        : Promise.race([
            new Promise<void>((resolve) => stderrWaiters.push({ text, resolve })),
            exited.then((code) => {
              throw new Error(`exited (${code}) before printing "${text}":\n${stderr}`);
            }),
          ]),
  };
  running.add(run);
  return run;
}

/** The last pretty-printed JSON object on stdout (anything may precede it). */
export function lastJsonObject(stdout: string): unknown {
  const start = stdout.lastIndexOf('\n{\n');
  return JSON.parse(start >= 0 ? stdout.slice(start + 1) : stdout);
}

/**
 * Command lines of the running processes that contain `text` (e.g. a test's state directory,
 * which the dev server's command line names), read from /proc (Linux).
 */
export function processesMentioning(text: string): string[] {
  const commandLines = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      } catch {
        return ''; // ended while we looked
      }
    });
  return commandLines.filter((commandLine) => commandLine.includes(text));
}

/**
 * A second shell beside `npm start -- --keep-running`, read off its banner: the emulator's URL,
 * and the environment a person would have there. It shares only the state folder (the same
 * checkout), and sets TEMPORAL_ADDRESS only when npm start had to take another port than 7233
 * (another server on this machine): a person would then set it to the one it printed.
 */
export function secondShellBeside(
  npmStartStderr: string,
  stateDir: string,
): { emulatorUrl: string; env: NodeJS.ProcessEnv } {
  const address = /\n {2}Temporal: ([^\s,]+)/.exec(npmStartStderr)![1]!;
  const emulatorUrl = /Emulator: (http:\/\/127\.0\.0\.1:\d+)/.exec(npmStartStderr)![1]!;
  const env = cleanEnv({
    ORCHESTRATOR_STATE_DIR: stateDir,
    ...(address.endsWith(`:${PREFERRED_PORT}`) ? {} : { TEMPORAL_ADDRESS: address }),
  });
  return { emulatorUrl, env };
}

/**
 * Ctrl-C to every process group still running, npm start's among them, and waits for each to end;
 * then checks npm start stopped cleanly (npm itself ends by the signal it was sent, as a shell's
 * foreground job does) and left no process behind.
 */
export async function stopNpmStart(start: Run | undefined, stateDir: string): Promise<void> {
  await stopRunningScripts();
  if (start) expect(start.stderr()).toContain('\nStopped.\n');
  expect(processesMentioning(stateDir)).toEqual([]);
}
