/**
 * The fleet benchmark's figures, each target with its verdict, and why where it helps: the
 * apply's phases and the rate its window allows, where the 429s fell, and what a tenant's
 * actions are made of.
 */
import type { ApplyResult, ApplySummary, PlanSummary } from '../../src/workflows/fleet/definitions';
import { sumActions, type ActionCount } from './histories';

export const TARGETS = {
  planMs: 10_000,
  applyRatio: 1.25,
  latencyRatio: 2,
  rssBytes: 300 * 2 ** 20,
  historyEvents: 10_240,
  actionsPerTenant: 12,
};

/** 429s served past the account limit, and faults served, up to a moment. */
export interface Throttling {
  throttled: number;
  faults: number;
}

export interface FleetMeasurements {
  tenants: number;
  /** The machine's. */
  cores: number;
  apiRate: number;
  window: number;
  emptyPlan: { ms: number; summary: PlanSummary };
  idle: { ms: number; requests: number };
  apply: {
    ms: number;
    items: number;
    requests: number;
    /** `METHOD template count`, most first. */
    byEndpoint: string[];
    /** Requests per second in each 1 s sample, sorted. */
    rates: number[];
    outcomes: ApplyResult['outcomes'];
    /**
     * Per process, over the apply, per second: CPU seconds used (cores kept busy), and seconds
     * its threads waited for a CPU while runnable (the machine's share of its slowness).
     */
    cpu: Record<string, { busy: number; waited: number }>;
    /** From the start of `applyFleet` (its plan and the fleet's update) to the apply run's start. */
    preludeMs: number;
    /** From the apply run's start to its first tenant. */
    storesMs: number;
    /** The tenants' (/v2) requests. */
    tenantRequests: number;
  };
  throttling: { before: Throttling; firstSecond: Throttling; after: Throttling; when: string[] };
  midApply: { settledItems: number; ms: number } | undefined;
  planAfter: { ms: number; items: number };
  secondApply: { items: number; changed: number };
  /** The apply of a change to every tenant's configuration (no target: for information). */
  change: { ms: number; updates: number; summary: ApplySummary; requests: number; throttled: number };
  peakRssBytes: number;
  applyRuns: { workflowId: string; events: number[]; continuedAsNew: number; actions: number };
  children: {
    tenantId: string;
    onboarded: boolean;
    actions: ActionCount;
    ms: number;
    waits: { activityMs: number[]; workflowTaskMs: number[] };
  }[];
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const p95 = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.ceil(values.length * 0.95) - 1] ?? NaN;

export function report(m: FleetMeasurements): { lines: string[]; summary: string; ok: boolean } {
  const results: { name: string; ok: boolean }[] = [];
  const verdict = (name: string, figure: string, target: string, ok: boolean) => {
    results.push({ name, ok });
    return `   ${figure}   target ${target}   ${ok ? 'PASS' : 'FAIL'}`;
  };
  const { apply, throttling: t } = m;
  const plan = m.emptyPlan.summary;
  const idealMs = (apply.requests / m.apiRate) * 1000;
  const applyRatio = apply.ms / idealMs;
  const created = apply.outcomes.filter((o) => o.state === 'done' && o.action === 'create').length;
  const failed = apply.outcomes.flatMap((o) => (o.state === 'failed' ? [`${o.tenantId}: ${o.failure}`] : []));
  const tenantsMs = apply.ms - apply.preludeMs - apply.storesMs;
  const childMs = mean(m.children.map((child) => child.ms));
  const perTenant = apply.tenantRequests / Math.max(1, created);
  const activityWaits = m.children.flatMap((child) => child.waits.activityMs);
  const workflowTaskWaits = m.children.flatMap((child) => child.waits.workflowTaskMs);
  const cpu = Object.entries(apply.cpu).map(
    ([name, { busy, waited }]) => `${name} ${busy.toFixed(2)} busy, ${waited.toFixed(2)} waiting`,
  );
  const latencyRatio = (m.midApply?.ms ?? NaN) / m.idle.ms;
  const afterFirst = {
    throttled: t.after.throttled - t.firstSecond.throttled,
    faults: t.after.faults - t.firstSecond.faults,
  };
  const totals = m.children.map((child) => child.actions.total);
  const plain = m.children.filter((child) => !child.onboarded);
  const onboarded = m.children.filter((child) => child.onboarded);
  const share = sumActions(plain.map((child) => child.actions));
  const perPlain = (key: keyof ActionCount) => (share[key] / plain.length).toFixed(2);

  const lines = [
    `1. Plan of ${m.tenants} tenants on the empty account: ${seconds(m.emptyPlan.ms)} ` +
      `(create ${plan.create}, update ${plan.update}, adopt ${plan.adopt}, delete ${plan.delete}, unchanged ${plan.unchanged})`,
    verdict(
      'plan (empty account)',
      seconds(m.emptyPlan.ms),
      `<= ${seconds(TARGETS.planMs)}`,
      m.emptyPlan.ms <= TARGETS.planMs,
    ),
    '',
    `2. Interactive provisioning on the idle stack: ${seconds(m.idle.ms)} (${m.idle.requests} API requests)`,
    '',
    `3. Apply of ${apply.items} items: ${seconds(apply.ms)} for ${apply.requests} API requests (the mid-apply ` +
      `provisioning's included); ideal at ${m.apiRate}/s ${seconds(idealMs)}`,
    verdict(
      'apply ÷ ideal',
      `ratio ${applyRatio.toFixed(2)}`,
      `<= ${TARGETS.applyRatio}`,
      applyRatio <= TARGETS.applyRatio,
    ),
    `   tenants: ${created} created, ${failed.length} failed${failed.length > 0 ? ` (first: ${failed.slice(0, 3).join('; ')})` : ''}`,
    `   requests/s in 1 s samples: median ${(apply.rates[Math.floor(apply.rates.length / 2)] ?? NaN).toFixed(1)}, ` +
      `max ${(apply.rates[apply.rates.length - 1] ?? NaN).toFixed(1)}; over the apply ${(apply.requests / (apply.ms / 1000)).toFixed(1)}`,
    `   phases: plan and start ${seconds(apply.preludeMs)}; stores ${seconds(apply.storesMs)} (made all at once); ` +
      `tenants ${seconds(tenantsMs)} at ${(apply.tenantRequests / (tenantsMs / 1000)).toFixed(1)} requests/s (their /v2 requests)`,
    `   the window's bound: ${m.window} tenants in flight × ${perTenant.toFixed(1)} requests each ÷ ${seconds(childMs)} ` +
      `per provisioning child = ${((m.window * perTenant) / (childMs / 1000)).toFixed(1)} requests/s, against the budget's ${m.apiRate}`,
    `   waits in the children's histories, schedule to start: activity tasks mean ${seconds(mean(activityWaits))} ` +
      `(p95 ${seconds(p95(activityWaits))}), workflow tasks mean ${seconds(mean(workflowTaskWaits))} (p95 ${seconds(p95(workflowTaskWaits))})`,
    `   CPU over the apply, seconds per second (${m.cores} cores): ${cpu.join('; ')} for a CPU`,
    `   requests by endpoint: ${apply.byEndpoint.join(', ')}`,
    '',
    '4. 429s served past the account limit (throttled; faultsServed in parentheses)',
    `   whole run ${t.after.throttled} (${t.after.faults}); before the apply ${t.before.throttled} (${t.before.faults}); ` +
      `the apply's first second ${t.firstSecond.throttled - t.before.throttled} (${t.firstSecond.faults - t.before.faults})`,
    verdict(
      '429s after the first second',
      `after the apply's first second ${afterFirst.throttled} (${afterFirst.faults})`,
      '0',
      afterFirst.throttled === 0 && afterFirst.faults === 0,
    ),
    ...(t.when.length > 0 ? [`   when (seconds into the apply): ${t.when.join(', ')}`] : []),
    '',
    `5. Interactive provisioning started mid-apply (at ${m.midApply?.settledItems ?? '-'}/${apply.items} items settled): ` +
      `${seconds(m.midApply?.ms ?? NaN)}, against ${seconds(m.idle.ms)} idle`,
    verdict(
      'interactive latency ratio',
      `ratio ${latencyRatio.toFixed(2)}`,
      `<= ${TARGETS.latencyRatio}`,
      latencyRatio <= TARGETS.latencyRatio,
    ),
    '',
    `6. Plan of ${m.tenants} tenants after the apply: ${seconds(m.planAfter.ms)}, ${m.planAfter.items} item(s)`,
    verdict(
      'plan (after apply)',
      seconds(m.planAfter.ms),
      `<= ${seconds(TARGETS.planMs)}`,
      m.planAfter.ms <= TARGETS.planMs,
    ),
    verdict(
      'second apply',
      `second apply: ${m.secondApply.items} plan item(s), ${m.secondApply.changed} change(s) made`,
      '0',
      m.secondApply.items === 0 && m.secondApply.changed === 0,
    ),
    '',
    '7. Worker peak RSS (bin/orchestrator-worker: its process tree, sampled every 250 ms)',
    verdict(
      'worker peak RSS',
      mib(m.peakRssBytes),
      `<= ${mib(TARGETS.rssBytes)}`,
      m.peakRssBytes <= TARGETS.rssBytes,
    ),
    '',
    `8. History events of ${m.applyRuns.workflowId}, run by run (${m.applyRuns.continuedAsNew} continue-as-new)`,
    verdict(
      'apply history events',
      m.applyRuns.events.join(', '),
      `< ${TARGETS.historyEvents} each`,
      m.applyRuns.events.every((events) => events < TARGETS.historyEvents),
    ),
    '',
    `9. Billable actions per tenant whose configuration is created (${m.children.length} provisioning children' histories)`,
    verdict(
      'billable actions per tenant (mean)',
      `mean ${mean(totals).toFixed(2)}`,
      `<= ${TARGETS.actionsPerTenant}`,
      mean(totals) <= TARGETS.actionsPerTenant,
    ),
    verdict(
      'billable actions per tenant (max)',
      `max ${Math.max(...totals)}`,
      `<= ${TARGETS.actionsPerTenant}`,
      Math.max(...totals) <= TARGETS.actionsPerTenant,
    ),
    `   without onboarding (${plain.length}): mean ${perPlain('total')}, max ${Math.max(...plain.map((c) => c.actions.total))} = ` +
      `starts ${perPlain('starts')} + activities ${perPlain('activities')} + timers ${perPlain('timers')} + ` +
      `upserts ${perPlain('upserts')} + signals/updates ${perPlain('messages')}`,
    `   with onboarding (${onboarded.length}): mean ${mean(onboarded.map((c) => c.actions.total)).toFixed(2)}, ` +
      `max ${Math.max(...onboarded.map((c) => c.actions.total))}`,
    `   besides, the apply run's own actions: ${m.applyRuns.actions}, ${(m.applyRuns.actions / Math.max(1, created)).toFixed(2)} per created tenant`,
    '',
    `10. A change to every tenant's configuration (its description; no target, for information)`,
    `   ${m.change.updates} updates planned; applied in ${seconds(m.change.ms)}: ${m.change.summary.done} done, ` +
      `${m.change.summary.failed} failed; ${m.change.requests} API requests ` +
      `(${(m.change.requests / Math.max(1, m.change.updates)).toFixed(1)} per tenant), ideal at ${m.apiRate}/s ` +
      `${seconds((m.change.requests / m.apiRate) * 1000)}, ratio ${(m.change.ms / ((m.change.requests / m.apiRate) * 1000)).toFixed(2)}; ` +
      `429s ${m.change.throttled}`,
  ];
  const missed = results.filter((result) => !result.ok).map((result) => result.name);
  const summary =
    `${results.length - missed.length}/${results.length} targets met${missed.length > 0 ? ` (missed: ${missed.join(', ')})` : ''}; ` +
    `apply ${seconds(apply.ms)} = ${applyRatio.toFixed(2)} × ideal, 429s after the first second ${afterFirst.throttled}, ` +
    `interactive ×${latencyRatio.toFixed(2)}, plans ${seconds(m.emptyPlan.ms)} / ${seconds(m.planAfter.ms)}, ` +
    `RSS ${mib(m.peakRssBytes)}, max events ${Math.max(...m.applyRuns.events)}, ` +
    `actions/tenant ${mean(totals).toFixed(2)} (max ${Math.max(...totals)})`;
  return { lines, summary, ok: missed.length === 0 };
}
