/**
 * The queue of a configuration's updates: applied one at a time, in the order accepted, each with
 * a step runner of its own, and the status of each kept for the `updateStatus` query.
 */
import { condition } from '@temporalio/workflow';
import type { UpdateStatus, UpdateStep } from './definitions';
import type { StepRunner } from './step-runner';

/** Updates whose status a run keeps for the `updateStatus` query, the most recent first to stay. */
const STATUSES_KEPT = 100;

type Run = StepRunner<UpdateStep>;

export class UpdateQueue {
  /** Update IDs accepted and not yet finished, in order: the first one is being applied. */
  private readonly queue: string[] = [];
  private running?: { updateId: string; run: Run };
  private readonly finished = new Map<string, { failed: boolean; run: Run }>();
  /** How many updates were applied, and how many failed. */
  readonly counts = { completed: 0, failed: 0 };

  /**
   * Waits for the update's turn, then applies it with the step runner `start` makes (the run's
   * `progress` query follows the update being applied).
   */
  async inTurn<T>(updateId: string, start: () => Run, apply: (run: Run) => Promise<T>): Promise<T> {
    this.queue.push(updateId);
    await condition(() => this.queue[0] === updateId);
    const run = start();
    this.running = { updateId, run };
    let failed = true;
    try {
      const value = await apply(run);
      failed = false;
      return value;
    } finally {
      this.counts[failed ? 'failed' : 'completed'] += 1;
      this.remember(updateId, { failed, run });
      this.running = undefined;
      this.queue.shift();
    }
  }

  /** Waiting behind others, running, finished, or unknown to this run. */
  status(updateId: string): UpdateStatus {
    if (this.running?.updateId === updateId)
      return { state: 'running', progress: this.running.run.snapshot() };
    const done = this.finished.get(updateId);
    if (done) return { state: done.failed ? 'failed' : 'completed', progress: done.run.snapshot() };
    const position = this.queue.indexOf(updateId);
    return position === -1 ? { state: 'unknown' } : { state: 'queued', ahead: position };
  }

  /** No update waits or runs. */
  get empty(): boolean {
    return this.queue.length === 0;
  }

  private remember(updateId: string, status: { failed: boolean; run: Run }): void {
    this.finished.set(updateId, status);
    const oldest = this.finished.keys().next().value;
    if (this.finished.size > STATUSES_KEPT && oldest !== undefined) this.finished.delete(oldest);
  }
}
