/**
 * The emulator's counts sampled each second through an apply, to tell when requests were made
 * and 429s served: the budget's shape over time, and where the throttling fell.
 */
import type { EmulatorStateSummary } from '../../src/emulator';
import { emulatorState, requestTotal } from './observe';

export interface Sample {
  /** Milliseconds since the timeline started. */
  atMs: number;
  requests: number;
  throttled: number;
}

export class EmulatorTimeline {
  readonly samples: Sample[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly startedAt = performance.now();

  constructor(
    private readonly url: string,
    start: EmulatorStateSummary,
    intervalMs = 1_000,
  ) {
    this.record(start);
    this.timer = setInterval(() => void this.sample(), intervalMs);
  }

  /** The state now, recorded in the timeline. */
  async sample(): Promise<EmulatorStateSummary | undefined> {
    try {
      const state = await emulatorState(this.url);
      this.record(state);
      return state;
    } catch {
      // A sample missed (the machine is busy) leaves a longer interval, not a wrong one.
      return undefined;
    }
  }

  stop(end: EmulatorStateSummary): void {
    clearInterval(this.timer);
    this.record(end);
  }

  /** Requests per second over each interval between samples. */
  rates(): number[] {
    const sorted = [...this.samples].sort((a, b) => a.atMs - b.atMs);
    return sorted.slice(1).flatMap((sample, index) => {
      const before = sorted[index]!;
      const seconds = (sample.atMs - before.atMs) / 1000;
      return seconds > 0.2 ? [(sample.requests - before.requests) / seconds] : [];
    });
  }

  /** The intervals in which 429s were served: `from-to s: n`, at most `limit` of them. */
  throttling(limit = 8): string[] {
    const sorted = [...this.samples].sort((a, b) => a.atMs - b.atMs);
    const found = sorted.slice(1).flatMap((sample, index) => {
      const before = sorted[index]!;
      const served = sample.throttled - before.throttled;
      return served > 0
        ? [`${(before.atMs / 1000).toFixed(1)}-${(sample.atMs / 1000).toFixed(1)} s: ${served}`]
        : [];
    });
    return found.length > limit ? [...found.slice(0, limit), `… ${found.length - limit} more`] : found;
  }

  private record(state: EmulatorStateSummary): void {
    this.samples.push({
      atMs: performance.now() - this.startedAt,
      requests: requestTotal(state),
      throttled: state.throttled,
    });
  }
}
