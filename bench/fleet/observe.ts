/**
 * What the fleet benchmark watches from outside: the emulator's counts (requests, 429s served)
 * through its admin API, and the resident memory of the worker's whole process tree.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { EmulatorStateSummary } from '../../src/emulator';

const STATE_TIMEOUT_MS = 5_000;

export async function emulatorState(url: string): Promise<EmulatorStateSummary> {
  const response = await fetch(`${url}/__emulator/state`, { signal: AbortSignal.timeout(STATE_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`emulator state: HTTP ${response.status}`);
  return (await response.json()) as EmulatorStateSummary;
}

/** API requests the emulator received (429s included): what the budget paid for. */
export function requestTotal(state: EmulatorStateSummary): number {
  return Object.values(state.requests).reduce((sum, count) => sum + count, 0);
}

export function faultsTotal(state: EmulatorStateSummary): number {
  return Object.values(state.faultsServed).reduce((sum, count) => sum + count, 0);
}

/** Requests by `METHOD template` between two states, most first. */
export function requestsBetween(
  before: EmulatorStateSummary,
  after: EmulatorStateSummary,
): [template: string, count: number][] {
  return Object.entries(after.requests)
    .map(([template, count]): [string, number] => [template, count - (before.requests[template] ?? 0)])
    .filter(([, count]) => count > 0)
    .sort((a, b) => b[1] - a[1]);
}

/**
 * Seconds the threads of `pid` have so far waited for a CPU while runnable (the second field of
 * each thread's /proc schedstat): on a shared machine, how much of a process's slowness is the
 * machine's. Threads that ended are not counted. 0 for a process not found.
 */
export function runQueueWaitSeconds(pid: number): number {
  let nanoseconds = 0;
  try {
    for (const thread of readdirSync(`/proc/${pid}/task`)) {
      try {
        nanoseconds += Number(
          readFileSync(`/proc/${pid}/task/${thread}/schedstat`, 'utf8').split(' ')[1] ?? 0,
        );
      } catch {
        // The thread ended while we looked.
      }
    }
  } catch {
    return 0;
  }
  return nanoseconds / 1e9;
}

/** The PIDs of `root` and every process below it. */
function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The parent PID is the second field after the command, which is in parentheses.
      const parent = Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // The process ended while we looked.
    }
  }
  const tree = [root];
  for (let index = 0; index < tree.length; index += 1) tree.push(...(children.get(tree[index]!) ?? []));
  return tree;
}

function rssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/**
 * Samples the summed VmRSS of `root`'s process tree every `intervalMs` (the production launcher
 * execs node, so the tree is the worker, plus anything it may spawn); `stop` returns the highest.
 */
export function sampleTreeRss(root: number, intervalMs = 250): { stop(): number } {
  let highest = 0;
  const sample = () => {
    highest = Math.max(
      highest,
      processTree(root).reduce((sum, pid) => sum + rssBytes(pid), 0),
    );
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return highest;
    },
  };
}
