/**
 * The fleet benchmark's plumbing: its options, one deadline for the whole run, timing, CPU
 * snapshots of its processes, and waiting for the fleet's workflow to take in an apply.
 */
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import { getFleetState } from '../../src/lifecycle/fleet';
import { cpuSecondsOf } from '../provision/processes';
import { runQueueWaitSeconds } from './observe';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface FleetBenchOptions {
  tenants: number;
  stores: number;
  /** The apply's window; undefined: its default. */
  window: number | undefined;
  timeoutMs: number;
}

export function parseFleetBenchOptions(args: string[]): FleetBenchOptions {
  const { values } = parseArgs({
    args,
    options: {
      tenants: { type: 'string', default: '1000' },
      stores: { type: 'string', default: '10' },
      window: { type: 'string' },
      'timeout-s': { type: 'string', default: '1800' },
    },
  });
  const whole = (name: string, text: string, min: number, max: number) => {
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < min || value > max)
      throw new Error(`--${name} must be a whole number from ${min} to ${max} (got '${text}')`);
    return value;
  };
  return {
    tenants: whole('tenants', values.tenants, 1, 100_000),
    stores: whole('stores', values.stores, 1, 13),
    window: values.window === undefined ? undefined : whole('window', values.window, 1, 100),
    timeoutMs: whole('timeout-s', values['timeout-s'], 60, 86_400) * 1000,
  };
}

/**
 * A deadline `timeoutMs` from now for everything the run waits on: `within(what, work)` is
 * `work`, or an error naming `what` once the time is spent.
 */
export function deadlineOf(timeoutMs: number): <T>(what: string, work: Promise<T>) => Promise<T> {
  const deadline = performance.now() + timeoutMs;
  return async (what, work) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${what}: not done within --timeout-s ${timeoutMs / 1000}`)),
        Math.max(0, deadline - performance.now()),
      );
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
}

export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const startedAt = performance.now();
  const value = await work();
  return { value, ms: performance.now() - startedAt };
}

export /** CPU seconds used, and spent waiting for a CPU, so far by each named process (one not found counts 0). */
function cpuSnapshot(
  pids: Record<string, number | undefined>,
): Record<string, { busy: number; waited: number }> {
  return Object.fromEntries(
    Object.entries(pids).map(([name, pid]) => [
      name,
      pid === undefined
        ? { busy: 0, waited: 0 }
        : { busy: cpuSecondsOf(pid), waited: runQueueWaitSeconds(pid) },
    ]),
  );
}

/** How long the fleet's workflow may take to merge an apply it saw end: a few workflow tasks. */
const SETTLE_POLLS = 240;
const SETTLE_POLL_MS = 500;

/** Resolves once the fleet's workflow has merged the apply `workflowId` into its state. */
export async function fleetSettled(client: Client, fleet: string, workflowId: string): Promise<void> {
  for (let poll = 0; poll < SETTLE_POLLS; poll += 1) {
    const state = await getFleetState(client, fleet);
    if (state && !state.applying && state.lastApply?.workflowId === workflowId) return;
    await sleep(SETTLE_POLL_MS);
  }
  throw new Error(
    `fleet ${fleet} did not take in ${workflowId} within ${(SETTLE_POLLS * SETTLE_POLL_MS) / 1000} s`,
  );
}
