/**
 * What a lifecycle run shows of itself while it runs: the `progress` query, the run's current
 * details (markdown in the Web UI), and the search attributes the UI and `temporal workflow
 * list` filter on, of which it is the one writer. All times are workflow time, so they replay
 * identically.
 *
 * Only ./step-runner drives it: step functions never touch it.
 */
import { setCurrentDetails, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import {
  AwaitingDecision,
  LifecycleOperation,
  OrchestratorConfigurationId,
  OrchestratorStoreId,
  progressQuery,
  ProvisioningStep,
  StuckOperationId,
  type FinalStep,
  type LifecycleOperationName,
  type RunProgress,
  type StepReport,
} from './definitions';
import { formatDuration } from './format';

/** What a run will do, for its progress. */
export interface ProgressPlan<S extends string> {
  operation: LifecycleOperationName;
  /** The heading of the current details, e.g. `Provisioning configuration "Support"`. No personal data. */
  title: string;
  /** The working steps, in order. */
  steps: readonly S[];
  /**
   * `at-end`: the step and IDs go to search attributes only when the run ends, not as each step
   * begins (see `stepSearchAttributes` of the provisioning input). @default 'every-step'
   */
  searchAttributes?: 'every-step' | 'at-end';
}

/** What a step learned: IDs (undefined ones are not known yet) and resource outcomes. */
interface ProgressRecord {
  ids?: Readonly<Record<string, string | undefined>>;
  resources?: Readonly<Record<string, string>>;
}

/** IDs published as search attributes as soon as they are known. */
const SEARCHABLE_IDS = [
  ['memoryStoreId', OrchestratorStoreId],
  ['configurationId', OrchestratorConfigurationId],
] as const;

export class ProgressTracker<S extends string> {
  private step: S | FinalStep;
  private readonly steps: Partial<Record<S, StepReport>> = {};
  private stuckOperationId?: string;
  /** What a person must decide, while the run waits for it. */
  private decision?: { kind: string; explanation: string };
  private readonly ids: Record<string, string> = {};
  private readonly resources: Record<string, string> = {};
  /** IDs already written to search attributes. */
  private readonly published: Record<string, string> = {};
  /**
   * `LifecycleOperation` goes with the first upsert: the clients of the update and the teardown
   * set it at start, the provisioning's does not, and another caller may not either.
   */
  private operationPublished = false;

  constructor(private readonly plan: ProgressPlan<S>) {
    this.step = plan.steps[0]!;
    setHandler(progressQuery, () => this.snapshot());
  }

  get current(): S | FinalStep {
    return this.step;
  }

  /** Closes the running step (if any) and starts `step`; one search-attribute upsert, unless only `at-end`. */
  begin(step: S): void {
    this.finishRunning('done');
    this.step = step;
    this.steps[step] = { status: 'running', polls: 0, startedAt: Date.now(), elapsedMs: 0 };
    if (this.plan.searchAttributes === 'at-end') this.render();
    else this.publish(step);
  }

  /** Marks steps made unnecessary by the input or by what an earlier look found. */
  skip(...steps: S[]): void {
    for (const step of steps)
      this.steps[step] = { status: 'skipped', polls: 0, startedAt: Date.now(), elapsedMs: 0 };
    this.render();
  }

  /** The running step's status reads so far. */
  polled(polls: number): void {
    const report = this.isWorking(this.step) ? this.steps[this.step] : undefined;
    if (report) report.polls = polls;
    this.render();
  }

  /** An operation passed the stuck threshold (ID), or a stuck one settled (undefined). */
  stuck(operationId: string | undefined): void {
    this.stuckOperationId = operationId;
    upsertSearchAttributes([{ key: StuckOperationId, value: operationId ?? null }]);
    this.render();
  }

  /**
   * The run waits for a person's decision (`kind` is the `AwaitingDecision` search attribute; the
   * explanation, markdown, says what is unknown and what each choice means), or no longer does.
   */
  awaitingDecision(decision: { kind: string; explanation: string } | undefined): void {
    this.decision = decision;
    upsertSearchAttributes([{ key: AwaitingDecision, value: decision ? decision.kind : null }]);
    this.render();
  }

  /**
   * IDs as soon as they are known (the query shows them; the next upsert publishes them), and what
   * the run did with a resource: `created`, `adopted`, `deleted`, `kept`, ...
   */
  record({ ids = {}, resources = {} }: ProgressRecord): void {
    for (const [name, id] of Object.entries(ids)) if (id) this.ids[name] = id;
    Object.assign(this.resources, resources);
    this.render();
  }

  /** Ends the run; returns the report of every step reached. */
  finish(step: FinalStep): Partial<Record<S, StepReport>> {
    this.finishRunning(step === 'completed' ? 'done' : 'failed');
    this.step = step;
    this.publish(step);
    return this.reports();
  }

  snapshot(): RunProgress<S> {
    const progress: RunProgress<S> = {
      operation: this.plan.operation,
      plan: this.plan.steps,
      step: this.step,
      ids: { ...this.ids },
      steps: this.reports(),
      resources: { ...this.resources },
    };
    if (this.stuckOperationId) progress.stuckOperationId = this.stuckOperationId;
    if (this.decision) progress.awaitingDecision = this.decision.kind;
    return progress;
  }

  private isWorking(step: S | FinalStep): step is S {
    return (this.plan.steps as readonly string[]).includes(step);
  }

  /** The steps reached so far, in order; a running step's time counts up to now. */
  private reports(): Partial<Record<S, StepReport>> {
    const now = Date.now();
    const reports: Partial<Record<S, StepReport>> = {};
    for (const step of this.plan.steps) {
      const report = this.steps[step];
      if (!report) continue;
      const elapsedMs = report.status === 'running' ? now - report.startedAt : report.elapsedMs;
      reports[step] = { ...report, elapsedMs };
    }
    return reports;
  }

  private finishRunning(status: 'done' | 'failed'): void {
    const report = this.isWorking(this.step) ? this.steps[this.step] : undefined;
    if (report?.status !== 'running') return;
    report.status = status;
    report.elapsedMs = Date.now() - report.startedAt;
  }

  /** One upsert per step: the step, plus any store/configuration ID found since the last one. */
  private publish(step: S | FinalStep): void {
    const updates: SearchAttributeUpdatePair[] = [{ key: ProvisioningStep, value: step }];
    if (!this.operationPublished) {
      updates.push({ key: LifecycleOperation, value: this.plan.operation });
      this.operationPublished = true;
    }
    for (const [name, key] of SEARCHABLE_IDS) {
      const id = this.ids[name];
      if (id && id !== this.published[name]) {
        updates.push({ key, value: id });
        this.published[name] = id;
      }
    }
    upsertSearchAttributes(updates);
    this.render();
  }

  private render(): void {
    const rows = Object.entries<StepReport>(this.reports() as Record<string, StepReport>).map(
      ([step, report]) =>
        `| ${step} | ${report.status} | ${report.polls} | ${formatDuration(report.elapsedMs)} |`,
    );
    const ids = Object.entries(this.ids).map(([name, id]) => `- ${name}: \`${id}\``);
    const resources = Object.entries(this.resources).map(([name, outcome]) => `- ${name}: ${outcome}`);
    const stuck = this.stuckOperationId
      ? [
          '',
          `**Operation \`${this.stuckOperationId}\` is stuck** (pending past the threshold): ` +
            `still waiting until the deadline; contact Twilio support with this operation ID.`,
        ]
      : [];
    const decision = this.decision ? ['', `**Waiting for your decision:** ${this.decision.explanation}`] : [];
    setCurrentDetails(
      [
        `## ${this.plan.title}`,
        `**Step:** ${this.step}`,
        ...decision,
        ...stuck,
        '',
        '| Step | Status | Polls | Time |',
        '| --- | --- | --- | --- |',
        ...rows,
        '',
        ...(ids.length ? ['**IDs**', ...ids] : []),
        ...(resources.length ? ['', '**Resources**', ...resources] : []),
      ].join('\n'),
    );
  }
}
