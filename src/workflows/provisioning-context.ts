/** What every step of a provisioning works with, handed to it as one object. */
import type { WorkingStep } from './definitions';
import type { MessageDecisionGate } from './message-decision';
import type { Compensations } from './compensations';
import type { StepRunner } from './step-runner';

export interface ProvisioningContext {
  /** Keeps the books: steps, polls, IDs, and what became of each resource (./step-runner). */
  readonly run: StepRunner<WorkingStep>;
  /** What this run created, for `onFailure: 'rollback'` (./compensations). */
  readonly compensations: Compensations;
  /** A person's decision about a first message whose outcome is unknown (./message-decision). */
  readonly decisions: MessageDecisionGate;
}
