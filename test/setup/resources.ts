/**
 * What a test file (or a test stack) started, each with its stop. `stopAll` stops everything
 * even when the set-up threw part-way: it first awaits whatever is still starting (a dev server
 * coming up, a workflow bundle being built, a browser launching), so that a failed `beforeAll`
 * leaves no server running, no worker polling and no bundling going on into the next test file
 * (jest runs them all in one process).
 */
import type { Worker } from '@temporalio/worker';

type Stop = () => unknown;

export class Resources {
  private readonly stops: Stop[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private stopping: Promise<void> | undefined;
  private stopped = false;

  /**
   * Tracks `starting` until it settles; once it has started, `stop` is registered for it.
   * Something that finishes starting after `stopAll` began is stopped at once, and the promise
   * returned rejects, so a set-up still going on does not build on it.
   */
  start<T>(starting: Promise<T>, stop?: (started: T) => unknown): Promise<T> {
    const started = (async () => {
      const value = await starting;
      if (!this.stopping) {
        if (stop) this.stops.push(() => stop(value));
        return value;
      }
      await stop?.(value);
      throw new Error('Resources: stopAll began while this was starting');
    })();
    this.inFlight.add(started);
    const settled = () => this.inFlight.delete(started);
    started.then(settled, settled);
    return started;
  }

  /** Registers the stop of something already running. */
  add(stop: Stop): void {
    if (this.stopped) throw new Error('Resources: add after stopAll ended');
    this.stops.push(stop);
  }

  /** Runs `worker` until `stopAll`, which shuts it down and waits for its run to end. */
  run(worker: Worker): void {
    if (this.stopping) throw new Error('Resources: run after stopAll began');
    const running = worker.run();
    this.add(async () => {
      // A worker whose run failed on its own is no longer running: its failure is what matters.
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    });
  }

  /**
   * Awaits everything still starting, then stops everything started, newest first; once, however
   * often it is called. Throws what the stops threw, after all of them ran.
   */
  stopAll(): Promise<void> {
    this.stopping ??= this.stopEverything();
    return this.stopping;
  }

  private async stopEverything(): Promise<void> {
    const failures: unknown[] = [];
    // Ends: what is in flight settles, and what finishes starting from now on stops itself
    // instead of adding a stop, so the stops only run out.
    while (this.inFlight.size > 0 || this.stops.length > 0) {
      await Promise.allSettled(this.inFlight);
      for (let stop = this.stops.pop(); stop; stop = this.stops.pop()) {
        try {
          await stop();
        } catch (error) {
          failures.push(error);
        }
      }
    }
    this.stopped = true;
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1)
      throw new AggregateError(failures, `${failures.length} resources failed to stop`);
  }
}

/**
 * Resources for the whole test file, all stopped in `afterAll`, also when `beforeAll` (or a
 * test) threw.
 */
export function useResources(): Resources {
  const resources = new Resources();
  afterAll(() => resources.stopAll());
  return resources;
}

/**
 * Builds something made of several parts (a test stack) with resources of its own: if `build`
 * throws, the parts started so far are stopped before the error is rethrown. The result's own
 * stop is `resources.stopAll`.
 */
export async function startTogether<T>(build: (resources: Resources) => Promise<T>): Promise<T> {
  const resources = new Resources();
  try {
    return await build(resources);
  } catch (error) {
    try {
      await resources.stopAll();
    } catch (stopError) {
      throw new AggregateError(
        [error, stopError],
        'the set-up failed, and so did stopping what it had started',
      );
    }
    throw error;
  }
}
