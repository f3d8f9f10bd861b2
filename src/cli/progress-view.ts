/**
 * The step-by-step progress display of `npm start` and `npm run orchestrator` (every lifecycle
 * workflow: the steps come from the run's own `plan`).
 *
 * On a terminal the block of step lines is redrawn in place; anywhere else (CI logs, a pipe)
 * one line is printed per step change, so the output stays readable as a log.
 */
import type { RunProgress, StepReport } from '../workflows/definitions';
import { formatDuration } from '../workflows/format';

/** Any lifecycle run's progress, as the view reads it. */
type Progress = Pick<RunProgress<string, object, object>, 'plan' | 'step' | 'steps' | 'stuckOperationId'>;

const SYMBOL: Record<StepReport['status'] | 'pending', string> = {
  pending: ' ',
  running: '>',
  done: '✓',
  skipped: '-',
  failed: '✗',
};

/** Time spent in a step: live for a running one, as reported for the others. */
function elapsedOf(report: StepReport, nowMs: number): number {
  return report.status === 'running'
    ? Math.max(report.elapsedMs, nowMs - report.startedAt)
    : report.elapsedMs;
}

/**
 * The report of a step the run has reached, else undefined (pending). Steps run in the order of
 * the plan, so one after the current step has not started, whatever a report says.
 */
export function reachedReport(progress: Progress, step: string): StepReport | undefined {
  const current = progress.plan.indexOf(progress.step);
  const reached = current === -1 || progress.plan.indexOf(step) <= current; // -1: the run has ended
  return reached ? progress.steps[step] : undefined;
}

/** One line per working step, e.g. `  ✓ await-memory-store        done      1 poll    1.2s`. */
export function renderStepLines(progress: Progress, nowMs: number): string[] {
  const lines = progress.plan.map((step) => {
    const report = reachedReport(progress, step);
    const status = report?.status ?? 'pending';
    const head = `  ${SYMBOL[status]} ${step.padEnd(26)}${status.padEnd(9)}`;
    if (!report) return head.trimEnd();
    return `${head} ${pollCount(report.polls).padEnd(9)} ${formatDuration(elapsedOf(report, nowMs))}`;
  });
  if (progress.stuckOperationId) lines.push(stuckLine(progress.stuckOperationId));
  return lines;
}

function stuckLine(operationId: string): string {
  return `  ! operation ${operationId} is pending past the stuck threshold (contact support with its ID)`;
}

/** One log line for a step whose status just changed. */
export function renderStepChange(step: string, report: StepReport): string {
  if (report.status === 'running') return `  ${step}: running`;
  return `  ${step}: ${report.status} (${pollCount(report.polls)}, ${formatDuration(report.elapsedMs)})`;
}

function pollCount(polls: number): string {
  return `${polls} ${polls === 1 ? 'poll' : 'polls'}`;
}

export interface ProgressView {
  update(progress: Progress): void;
}

/** Redraws the block of step lines in place (ANSI cursor movement). */
export class LiveProgressView implements ProgressView {
  private drawnLines = 0;

  constructor(private readonly out: NodeJS.WritableStream) {}

  update(progress: Progress): void {
    const lines = renderStepLines(progress, Date.now());
    const up = this.drawnLines > 0 ? `\x1b[${this.drawnLines}F` : '';
    this.out.write(`${up}${lines.map((line) => `\x1b[2K${line}\n`).join('')}`);
    this.drawnLines = lines.length;
  }
}

/** Prints a line whenever a step starts or settles. */
export class StepLogView implements ProgressView {
  private readonly seen = new Map<string, StepReport['status']>();
  private stuckReported?: string;

  constructor(private readonly out: NodeJS.WritableStream) {}

  update(progress: Progress): void {
    for (const step of progress.plan) {
      const report = reachedReport(progress, step);
      if (!report || this.seen.get(step) === report.status) continue;
      this.seen.set(step, report.status);
      this.out.write(`${renderStepChange(step, report)}\n`);
    }
    if (progress.stuckOperationId && progress.stuckOperationId !== this.stuckReported) {
      this.stuckReported = progress.stuckOperationId;
      this.out.write(`${stuckLine(progress.stuckOperationId)}\n`);
    }
  }
}

/** The live view on a terminal, the step log elsewhere. */
export function progressViewFor(out: NodeJS.WriteStream): ProgressView {
  return out.isTTY ? new LiveProgressView(out) : new StepLogView(out);
}
