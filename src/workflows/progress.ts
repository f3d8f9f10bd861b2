/**
 * What a provisioning shows of itself while it runs: the `progress` query, the run's current
 * details (markdown in the Web UI), and the search attributes the UI and `temporal workflow
 * list` filter on. All times are workflow time, so they replay identically.
 */
import { setCurrentDetails, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import {
  OrchestratorConfigurationId,
  OrchestratorStoreId,
  PROVISION_STEPS,
  progressQuery,
  ProvisioningStep,
  type ProvisionIds,
  type ProvisionProgress,
  type ProvisionStep,
  type ResourceOrigins,
  type StepReport,
  type WorkingStep,
} from './definitions';
import { formatDuration } from './format';

export class ProgressTracker {
  private step: ProvisionStep = PROVISION_STEPS[0];
  private readonly steps: Partial<Record<WorkingStep, StepReport>> = {};
  private stuckOperationId?: string;
  readonly ids: ProvisionIds = {};
  readonly origins: Partial<ResourceOrigins> = {};
  /** IDs already written to search attributes. */
  private readonly published: ProvisionIds = {};

  constructor(private readonly title: string) {
    setHandler(progressQuery, () => this.snapshot());
  }

  /** Closes the running step (if any) and starts `step`; one search-attribute upsert. */
  begin(step: WorkingStep): void {
    this.finishRunning('done');
    this.step = step;
    this.steps[step] = { status: 'running', polls: 0, startedAt: Date.now(), elapsedMs: 0 };
    this.publish(step);
  }

  /** Marks steps made unnecessary by the input (an existing store or conversation) or by adopting. */
  skip(...steps: WorkingStep[]): void {
    for (const step of steps)
      this.steps[step] = { status: 'skipped', polls: 0, startedAt: Date.now(), elapsedMs: 0 };
  }

  polled(step: WorkingStep, polls: number): void {
    const report = this.steps[step];
    if (report) report.polls = polls;
    this.render();
  }

  /** An operation passed the stuck threshold (ID), or a stuck one settled (undefined). */
  stuck(operationId: string | undefined): void {
    this.stuckOperationId = operationId;
    this.render();
  }

  /** Records IDs as soon as they are known (the query shows them; the next upsert publishes them). */
  found(ids: ProvisionIds): void {
    for (const [name, id] of Object.entries(ids) as [keyof ProvisionIds, string | undefined][]) {
      if (id) this.ids[name] = id;
    }
    this.render();
  }

  /** How a resource was obtained (see `ResourceOrigin`); the query and the current details show it. */
  obtained<R extends keyof ResourceOrigins>(resource: R, origin: ResourceOrigins[R]): void {
    this.origins[resource] = origin;
    this.render();
  }

  /** Ends the run; every working step has run or was skipped by now. */
  complete(): Record<WorkingStep, StepReport> {
    this.finishRunning('done');
    this.step = 'completed';
    this.publish('completed');
    return this.reports() as Record<WorkingStep, StepReport>;
  }

  fail(): void {
    this.finishRunning('failed');
    this.step = 'failed';
    this.publish('failed');
  }

  snapshot(): ProvisionProgress {
    const progress: ProvisionProgress = {
      step: this.step,
      ids: { ...this.ids },
      steps: this.reports(),
      origins: { ...this.origins },
    };
    if (this.stuckOperationId) progress.stuckOperationId = this.stuckOperationId;
    return progress;
  }

  /** The steps reached so far, in order; a running step's time counts up to now. */
  private reports(): Partial<Record<WorkingStep, StepReport>> {
    const now = Date.now();
    const reports: Partial<Record<WorkingStep, StepReport>> = {};
    for (const step of PROVISION_STEPS) {
      const report = this.steps[step];
      if (!report) continue;
      const elapsedMs = report.status === 'running' ? now - report.startedAt : report.elapsedMs;
      reports[step] = { ...report, elapsedMs };
    }
    return reports;
  }

  private finishRunning(status: 'done' | 'failed'): void {
    const report = this.step === 'completed' || this.step === 'failed' ? undefined : this.steps[this.step];
    if (report?.status !== 'running') return;
    report.status = status;
    report.elapsedMs = Date.now() - report.startedAt;
  }

  /** One upsert per step: the step, plus any store/configuration ID found since the last one. */
  private publish(step: ProvisionStep): void {
    const updates: SearchAttributeUpdatePair[] = [{ key: ProvisioningStep, value: step }];
    if (this.ids.memoryStoreId && this.ids.memoryStoreId !== this.published.memoryStoreId) {
      updates.push({ key: OrchestratorStoreId, value: this.ids.memoryStoreId });
      this.published.memoryStoreId = this.ids.memoryStoreId;
    }
    if (this.ids.configurationId && this.ids.configurationId !== this.published.configurationId) {
      updates.push({ key: OrchestratorConfigurationId, value: this.ids.configurationId });
      this.published.configurationId = this.ids.configurationId;
    }
    upsertSearchAttributes(updates);
    this.render();
  }

  private render(): void {
    const rows = Object.entries(this.reports()).map(
      ([step, report]) =>
        `| ${step} | ${report.status} | ${report.polls} | ${formatDuration(report.elapsedMs)} |`,
    );
    const ids = Object.entries(this.ids).map(([name, id]) => `- ${name}: \`${String(id)}\``);
    const origins = Object.entries(this.origins).map(([resource, origin]) => `- ${resource}: ${origin}`);
    const stuck = this.stuckOperationId
      ? [
          '',
          `**Operation \`${this.stuckOperationId}\` is stuck** (pending past the threshold): ` +
            `still waiting until the deadline; contact Twilio support with this operation ID.`,
        ]
      : [];
    setCurrentDetails(
      [
        `## ${this.title}`,
        `**Step:** ${this.step}`,
        ...stuck,
        '',
        '| Step | Status | Polls | Time |',
        '| --- | --- | --- | --- |',
        ...rows,
        '',
        ...(ids.length ? ['**IDs**', ...ids] : []),
        ...(origins.length ? ['', '**Origins**', ...origins] : []),
      ].join('\n'),
    );
  }
}
