/**
 * What a fleet apply shows of itself: the `applyProgress` query and its current details in the
 * Web UI (counts by state, the tenants and stores that failed and why), kept across its
 * continue-as-new runs. Only ./apply drives it.
 */
import { setCurrentDetails } from '@temporalio/workflow';
import type { ApplyProgress, ApplyResult, ApplySummary, StoreOutcome, TenantOutcome } from './definitions';

/** What the runs before a continued one did. */
export interface CarriedOutcomes {
  stores: StoreOutcome[];
  tenants: TenantOutcome[];
}

/** Failures listed in the details; the query and the result list them all. */
const DETAILS_FAILURES = 20;

export class ApplyBook {
  private readonly stores: StoreOutcome[];
  private readonly tenants: TenantOutcome[];
  private running = 0;

  constructor(
    private readonly fleet: string,
    private pending: number,
    carried: CarriedOutcomes | undefined,
  ) {
    this.stores = [...(carried?.stores ?? [])];
    this.tenants = [...(carried?.tenants ?? [])];
    this.render();
  }

  started(): void {
    this.pending -= 1;
    this.running += 1;
    this.render();
  }

  store(outcome: StoreOutcome): void {
    this.stores.push(outcome);
    this.ended();
  }

  tenant(outcome: TenantOutcome): void {
    this.tenants.push(outcome);
    this.ended();
  }

  /** The store of that name as this apply (or a run before it) left it. */
  storeOutcome(displayName: string): StoreOutcome | undefined {
    return [...this.stores].reverse().find((outcome) => outcome.store === displayName);
  }

  carried(): CarriedOutcomes {
    return { stores: [...this.stores], tenants: [...this.tenants] };
  }

  summary(): ApplySummary {
    const outcomes = [...this.stores, ...this.tenants];
    const failed = outcomes.filter((outcome) => outcome.state === 'failed').length;
    return { done: outcomes.length - failed, failed, pending: this.pending, running: this.running };
  }

  progress(): ApplyProgress {
    return {
      fleet: this.fleet,
      summary: this.summary(),
      failed: this.tenants.flatMap((o) =>
        o.state === 'failed' ? [{ tenantId: o.tenantId, failure: o.failure }] : [],
      ),
      failedStores: this.stores.flatMap((o) =>
        o.state === 'failed' ? [{ store: o.store, failure: o.failure }] : [],
      ),
    };
  }

  result(): ApplyResult {
    return {
      fleet: this.fleet,
      summary: this.summary(),
      stores: [...this.stores],
      outcomes: [...this.tenants],
    };
  }

  private ended(): void {
    this.running -= 1;
    this.render();
  }

  private render(): void {
    const { summary, failed, failedStores } = this.progress();
    const failures = [
      ...failedStores.map(({ store, failure }) => `- store \`${store}\`: ${failure}`),
      ...failed.map(({ tenantId, failure }) => `- tenant \`${tenantId}\`: ${failure}`),
    ];
    const more = failures.length - DETAILS_FAILURES;
    setCurrentDetails(
      [
        `## Applying fleet ${this.fleet}`,
        `**Done:** ${summary.done} · **Failed:** ${summary.failed} · **Running:** ${summary.running} · ` +
          `**Pending:** ${summary.pending}`,
        ...(failures.length > 0
          ? [
              '',
              '**Failed**',
              ...failures.slice(0, DETAILS_FAILURES),
              ...(more > 0 ? [`- … and ${more} more`] : []),
            ]
          : []),
      ].join('\n'),
    );
  }
}
