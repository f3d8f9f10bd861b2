/**
 * Runs this project's entry points as a person does, in a child process (`node --import tsx`,
 * one process, so signals reach it directly), collecting its output.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

export interface Run {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal's name) when the process ends. */
  exited: Promise<number | string>;
  /** Resolves once stderr contains `text`; rejects if the process ends first. */
  stderrContains(text: string): Promise<void>;
}

/** The environment without any Temporal or Twilio setting of the person running the tests. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(TEMPORAL_|TWILIO_|ORCHESTRATOR_)/.test(name)),
  );
  return { ...env, ...extra };
}

const running = new Set<Run>();

/**
 * For `afterEach`: Ctrl-C every child still running and wait for it, so a failed assertion
 * never leaves one behind (a SIGKILLed `npm start` would orphan its dev server).
 */
export async function stopRunningScripts(): Promise<void> {
  const runs = [...running];
  for (const run of runs) if (run.child.exitCode === null) run.child.kill('SIGINT');
  await Promise.all(runs.map((run) => run.exited));
}

export function runScript(script: string, args: string[], env: NodeJS.ProcessEnv): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, env });
  let stdout = '';
  let stderr = '';
  const stderrWaiters: { text: string; resolve: () => void }[] = [];
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const waiter of stderrWaiters.filter((w) => stderr.includes(w.text))) waiter.resolve();
  });
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => {
      running.delete(run);
      resolve(code ?? signal ?? 'unknown');
    }),
  );
  const run: Run = {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
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
