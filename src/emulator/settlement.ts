import type { Latency } from './types';

/**
 * When pending work (an async operation or an action) settles: at an emulator-clock time, on
 * its Nth status read, or never (a scripted stuck operation).
 */
export type SettleRule =
  { kind: 'time'; dueAt: number } | { kind: 'polls'; reads: number } | { kind: 'never' };

/** `polls` wins over `ms` when both are set; `polls: 0` settles at once. */
export function settleRuleFor(latency: Latency, now: number): SettleRule {
  if (latency.polls !== undefined && latency.polls > 0) return { kind: 'polls', reads: latency.polls };
  return { kind: 'time', dueAt: now + (latency.polls === 0 ? 0 : (latency.ms ?? 0)) };
}

export interface PendingWork {
  readonly rule: SettleRule;
  /** Status reads so far. */
  reads: number;
  isPending(): boolean;
  settle(now: number): void;
}

/**
 * Settles time-based work lazily: the server calls `runDue` before every request and after the
 * clock moves, so no timers run and an idle emulator costs nothing. The queue is kept sorted by
 * due time, so `runDue` looks at the head only when nothing is due (the poll hot path).
 */
export class SettleScheduler {
  private queue: { dueAt: number; work: PendingWork }[] = [];

  track(work: PendingWork): void {
    if (work.rule.kind !== 'time') return;
    const dueAt = work.rule.dueAt;
    let low = 0;
    let high = this.queue.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.queue[mid]!.dueAt <= dueAt) low = mid + 1;
      else high = mid;
    }
    this.queue.splice(low, 0, { dueAt, work });
  }

  runDue(now: number): void {
    let due = 0;
    while (due < this.queue.length && this.queue[due]!.dueAt <= now) due++;
    if (due === 0) return;
    for (const { work } of this.queue.splice(0, due)) {
      if (work.isPending()) work.settle(now);
    }
  }

  /** Counts a status read; poll-based work settles on its Nth read. */
  recordRead(work: PendingWork, now: number): void {
    if (!work.isPending()) return;
    work.reads++;
    if (work.rule.kind === 'polls' && work.reads >= work.rule.reads) work.settle(now);
  }

  clear(): void {
    this.queue = [];
  }
}
