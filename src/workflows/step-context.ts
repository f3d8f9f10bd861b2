/**
 * What every provisioning step needs: the polling policy, the progress tracker, and the
 * activities (each call with its own summary for the Web UI).
 */
import type { ProvisioningActivities } from '../activities';
import type { ResourceOrigin, WorkingStep } from './definitions';
import { pollUntilSettled, type PollOutcome, type PollSpec } from './poll-operation';
import type { PollingPolicy } from './polling-policy';
import type { ProgressTracker } from './progress';

/**
 * How Temporal runs an activity call: `retried` by its retry policy (the default), or
 * `single-attempt`, for a call whose failure only the workflow can judge (SEND_MESSAGE).
 */
export type ActivityProfile = 'retried' | 'single-attempt';

export interface StepContext {
  policy: PollingPolicy;
  progress: ProgressTracker;
  /** The activities, with a one-line summary the Web UI shows for the call. */
  activities(summary: string, profile?: ActivityProfile): ProvisioningActivities;
}

/** A resource a step obtained, and how. */
export interface Obtained {
  id: string;
  origin: ResourceOrigin;
}

/**
 * Reconcile before creating: what belongs under `parent` may already exist — from an earlier
 * run of this provisioning (a failed one may be started again under the same identity) or from
 * whoever else uses a store or conversation the input names — unless this run created the
 * parent, which is then new and empty: looking under it would only cost history.
 */
export function mayHoldEarlierWork(parent: Obtained): boolean {
  return parent.origin !== 'created';
}

export interface StepWait<T> extends Omit<PollSpec<T>, 'policy' | 'onPoll' | 'onStuckChange'> {
  /**
   * `false` for a wait on something that is not an operation (a message to be listed, an adopted
   * store to turn ACTIVE): it is never flagged as a stuck operation, whose flag names its ID and
   * advises contacting Twilio support with it. @default true
   */
  flagsStuck?: boolean;
}

/** Polls for `step` with the context's policy, reporting each poll and a stuck operation. */
export function awaitStep<T>(
  context: StepContext,
  step: WorkingStep,
  { flagsStuck = true, ...spec }: StepWait<T>,
): Promise<PollOutcome<T>> {
  const { progress } = context;
  return pollUntilSettled({
    ...spec,
    policy: flagsStuck ? context.policy : { ...context.policy, stuckAfterMs: Number.POSITIVE_INFINITY },
    onPoll: (polls) => progress.polled(step, polls),
    onStuckChange: (operationId) => progress.stuck(operationId),
  });
}
