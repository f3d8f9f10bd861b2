/**
 * The one step runner of the lifecycle workflows. It keeps the books — progress query, current
 * details, search attributes, poll counts, the stuck flag — so that step functions read as the
 * business process:
 *
 *     const creation = await run.step('create-memory-store', () => activities.createMemoryStore(store));
 *     const operation = await run.step('await-memory-store', () => run.poll({ ... }));
 *     run.obtained('memoryStore', 'created', { memoryStoreId: operation.result?.id });
 */
import { isCancellation } from '@temporalio/workflow';
import type { FinalStep, RunProgress, StepReport } from './definitions';
import { pollUntilSettled, type PollSpec } from './poll-operation';
import type { PollingPolicy } from './polling-policy';
import { ProgressTracker, type ProgressPlan } from './progress';

export interface StepWait<T> extends Omit<PollSpec<T>, 'policy' | 'onPoll' | 'onStuckChange'> {
  /** A policy of its own (e.g. for a listing's retries). @default the run's */
  policy?: PollingPolicy;
  /**
   * `false` for a wait on something that is not an operation (a message to be listed, an adopted
   * store to turn ACTIVE): it is never flagged as a stuck operation, whose flag names its ID and
   * advises contacting Twilio support with it. @default true
   */
  flagsStuck?: boolean;
  /**
   * `false` for a wait that is not the running step's own (a rollback's, run inside the step that
   * failed): its polls leave the step's report as it was. @default true
   */
  countsPolls?: boolean;
}

export class StepRunner<S extends string> {
  private readonly progress: ProgressTracker<S>;

  constructor(
    plan: ProgressPlan<S>,
    readonly policy: PollingPolicy,
  ) {
    this.progress = new ProgressTracker(plan);
  }

  /**
   * Runs the whole workflow body; its end is the run's last step: `completed`, `cancelled` (the
   * run was cancelled) or `failed`. Returns the body's result and the report of every step.
   */
  async run<T>(body: () => Promise<T>): Promise<{ value: T; steps: Partial<Record<S, StepReport>> }> {
    let value: T;
    try {
      value = await body();
    } catch (error) {
      this.progress.finish(isCancellation(error) ? 'cancelled' : 'failed');
      throw error;
    }
    return { value, steps: this.progress.finish('completed') };
  }

  /** Runs `body` as step `name`: the step shows as running from now until the next one begins. */
  async step<T>(name: S, body: () => Promise<T>): Promise<T> {
    this.progress.begin(name);
    return body();
  }

  /** Steps the run will not need: given in the input, or made unnecessary by what it found. */
  skip(...names: S[]): void {
    this.progress.skip(...names);
  }

  /** Polls with the run's policy, counting the polls for the running step and flagging a stuck operation. */
  poll<T>({ flagsStuck = true, countsPolls = true, policy = this.policy, ...spec }: StepWait<T>): Promise<T> {
    return pollUntilSettled({
      ...spec,
      policy: flagsStuck ? policy : { ...policy, stuckAfterMs: Number.POSITIVE_INFINITY },
      onPoll: countsPolls ? (polls) => this.progress.polled(polls) : undefined,
      onStuckChange: (operationId) => this.progress.stuck(operationId),
    });
  }

  /**
   * What a step obtained, in one record: how the run came by the resource (`created`, `adopted`,
   * `given`, `sent`, ...) and the IDs it learned, shown at once and searchable from the next step on.
   */
  obtained(resource: string, origin: string, ids: Readonly<Record<string, string | undefined>>): void {
    this.progress.record({ ids, resources: { [resource]: origin } });
  }

  /** IDs as soon as they are known: shown at once, and searchable from the next step on. */
  found(ids: Readonly<Record<string, string | undefined>>): void {
    this.progress.record({ ids });
  }

  /** Flags the run as waiting for a person's decision (search attribute, current details, progress), or clears it. */
  awaitingDecision(decision: { kind: string; explanation: string } | undefined): void {
    this.progress.awaitingDecision(decision);
  }

  /** Every ID recorded so far. */
  get ids(): Record<string, string> {
    return this.progress.snapshot().ids;
  }

  /** What the run did with a resource (`deleted`, `kept: why`, `unchanged`, ...). */
  resource(name: string, outcome: string): void {
    this.progress.record({ resources: { [name]: outcome } });
  }

  /** The run's progress as the `progress` query answers it (e.g. for a query of one update among several). */
  snapshot(): RunProgress<S> {
    return this.progress.snapshot();
  }

  /** The step the run is at (for a report of where a run stopped). */
  get currentStep(): S | FinalStep {
    return this.progress.current;
  }
}
