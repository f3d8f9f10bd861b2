/**
 * `npm run bench:fleet`: a fleet of 1,000 tenants on 10 stores planned and applied under one API
 * budget, on a local dev server (fairness on) with the emulator and the production worker
 * (bin/orchestrator-worker, after `npm run build`) in child processes. The emulator's operations
 * take about 2 s and its account limit is 60 requests/s and 20 in flight; the worker sets the
 * budget, ORCHESTRATOR_API_RATE=50, on the server. Figures printed, each against its target
 * (./fleet/report.ts):
 *
 * 1. plan of the fleet on the empty account and after the apply (target <= 10 s); the second
 *    apply's plan holds no item and its run changes nothing;
 * 2. apply time ÷ ideal time, the ideal being the API requests the emulator received during the
 *    apply at 50/s (target <= 1.25);
 * 3. 429s served past the account limit (and faults served) overall, in the apply's first
 *    second, and after it (target 0 after the first second);
 * 4. latency of one interactive provisioning (startProvisioning, INTERACTIVE_PRIORITY) started
 *    when half the apply's items are settled, ÷ its latency on the idle stack before the apply
 *    (target <= 2);
 * 5. the worker's peak RSS, its process tree sampled from /proc (target <= 300 MiB);
 * 6. history events of each run of the apply's continue-as-new chain (target < 10,240);
 * 7. billable actions per tenant whose configuration is created, from its provisioning child's
 *    history (target <= 12; mean and max);
 * 8. for information (no target): a change to every tenant's configuration applied as updates,
 *    its time against the requests it made at the budget's rate.
 *
 * Options: --tenants N (1000), --stores N (10; at most 13: an account holds 15 stores and the
 * two interactive provisionings make one each), --window N (default: applyFleet's for the
 * budget, 100), --timeout-s S (1800, for the whole run). Exits 1 when a target is missed.
 * Payloads are not encrypted: the worker gets an empty state folder (bench/provision/processes),
 * so no key file of the checkout applies.
 */
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { awaitProvisioning, startProvisioning } from '../src/client';
import type { EmulatorStateSummary } from '../src/emulator';
import { applyFleet, planFleet } from '../src/lifecycle/fleet';
import type { FleetSpec } from '../src/workflows/fleet/definitions';
import { FAIRNESS_SERVER_ARGS } from '../src/temporal/task-queue-budget';
import { resolveTemporalBinary } from '../src/toolchain/temporal-binaries';
import { SEARCH_ATTRIBUTE_KEYS } from '../src/workflows/definitions';
import { windowForApiRate } from '../src/workflows/fleet/apply';
import { fleetTenantWorkflowId } from '../src/workflows/fleet/definitions';
import { inputSequence } from '../test/support/inputs';
import {
  applyWindowOf,
  billableActions,
  eventMs,
  mapBounded,
  msToFirstChild,
  queueWaits,
  runChain,
  spanMs,
  sumActions,
} from './fleet/histories';
import { emulatorState, faultsTotal, requestsBetween, requestTotal, sampleTreeRss } from './fleet/observe';
import { report, type FleetMeasurements, type Throttling } from './fleet/report';
import { benchFleetSpec } from './fleet/spec';
import { cpuSnapshot, deadlineOf, fleetSettled, parseFleetBenchOptions, sleep, timed } from './fleet/run-kit';
import { EmulatorTimeline } from './fleet/timeline';
import {
  devServerPid,
  emulatorAdmin,
  startEmulatorProcess,
  startWorkerProcess,
  type ChildService,
} from './provision/processes';

const API_RATE = 50;
const ACCOUNT_LIMIT = { perSecond: 60, concurrent: 20 };
const OPERATION_MS = 2_000;
const ONBOARDED = 5;
const HISTORY_FETCHES_AT_ONCE = 8;

const progress = (line: string) =>
  process.stderr.write(`  [${new Date().toISOString().slice(11, 19)}] ${line}\n`);

const throttlingOf = (state: EmulatorStateSummary): Throttling => ({
  throttled: state.throttled,
  faults: faultsTotal(state),
});

async function main(): Promise<number> {
  const opts = parseFleetBenchOptions(process.argv.slice(2));
  const within = deadlineOf(opts.timeoutMs);
  const startLoad = loadavg()[0] ?? NaN;
  const tag = randomUUID().slice(0, 6);
  const taskQueue = `fleet-bench-${tag}`;
  const onboardedCount = Math.min(ONBOARDED, opts.tenants);
  const spec = benchFleetSpec(`fb-${tag}`, {
    tenants: opts.tenants,
    stores: opts.stores,
    onboarded: onboardedCount,
  });
  // Unless given, applyFleet's own for the budget the worker sets on the server (read from the run below).
  const expectedWindow = opts.window ?? windowForApiRate(API_RATE);

  const [testEnv, emulator] = await Promise.all([
    TestWorkflowEnvironment.createLocal({
      server: {
        executable: resolveTemporalBinary('cli').executable,
        searchAttributes: SEARCH_ATTRIBUTE_KEYS,
        extraArgs: [...FAIRNESS_SERVER_ARGS],
      },
    }),
    startEmulatorProcess(),
  ]);
  let worker: ChildService | undefined;
  let rss: { stop(): number } | undefined;
  try {
    await emulatorAdmin(emulator.ready, 'config', {
      operationLatency: { ms: OPERATION_MS },
      accountLimit: ACCOUNT_LIMIT,
    });
    worker = await startWorkerProcess(testEnv.address, taskQueue, emulator.ready, 'prebuilt', {
      ORCHESTRATOR_API_RATE: String(API_RATE),
    });
    rss = sampleTreeRss(worker.process.pid as number);
    const { client } = testEnv;
    const interactiveInput = inputSequence('interactive');
    const interactive = async () => {
      const startedAt = performance.now();
      await awaitProvisioning(await startProvisioning(client, interactiveInput(), { taskQueue }));
      return performance.now() - startedAt;
    };
    console.log(
      `Fleet benchmark: ${opts.tenants} tenants (${onboardedCount} with onboarding) on ${opts.stores} stores; ` +
        `operations ${OPERATION_MS / 1000} s; ORCHESTRATOR_API_RATE=${API_RATE}; account limit ` +
        `${ACCOUNT_LIMIT.perSecond}/s and ${ACCOUNT_LIMIT.concurrent} in flight; apply window ${expectedWindow}${opts.window ? '' : " (applyFleet's default for the budget)"}\n` +
        `dev server ${testEnv.address} (fairness on), emulator ${emulator.ready}, ` +
        `worker pid ${worker.process.pid} (bin/orchestrator-worker)\n`,
    );

    const emptyPlan = await within(
      'plan on the empty account',
      timed(() => planFleet(client, spec, { taskQueue })),
    );
    progress(`plan on the empty account: ${emptyPlan.ms.toFixed(0)} ms`);

    const idleBefore = await emulatorState(emulator.ready);
    const idleMs = await within('interactive provisioning on the idle stack', interactive());
    const idleRequests = requestTotal(await emulatorState(emulator.ready)) - requestTotal(idleBefore);
    progress(`interactive provisioning on the idle stack: ${idleMs.toFixed(0)} ms`);

    // The apply; once half its items are settled, one interactive provisioning.
    const before = await emulatorState(emulator.ready);
    const timeline = new EmulatorTimeline(emulator.ready, before);
    const applyStartedAt = performance.now();
    const applyStartedEpoch = Date.now();
    const pids = {
      worker: worker.process.pid,
      'dev server': devServerPid(testEnv.address.split(':')[1] ?? ''),
      emulator: emulator.process.pid,
      bench: process.pid,
    };
    const cpuBefore = cpuSnapshot(pids);
    const firstSecond = sleep(1_000).then(() => timeline.sample());
    const apply = await within(
      'apply start',
      applyFleet(client, spec, undefined, { taskQueue, window: opts.window }),
    );
    const items = apply.plan.items.length;
    progress(`apply ${apply.workflowId} started: ${items} items`);
    const result = apply.result();
    let ended = false;
    void result.then(
      () => (ended = true),
      () => (ended = true),
    );
    let midApply: { settledItems: number; ms: Promise<number> } | undefined;
    while (!ended) {
      await within('apply', Promise.race([result, sleep(1_000)]));
      const now = await within('apply progress', apply.progress()).catch(() => undefined);
      const settled = now ? now.summary.done + now.summary.failed : 0;
      if (!midApply && settled >= items / 2) {
        midApply = { settledItems: settled, ms: interactive() };
        progress(`interactive provisioning started at ${settled}/${items} items settled`);
      }
    }
    const applied = await result;
    const applyMs = performance.now() - applyStartedAt;
    const after = await emulatorState(emulator.ready);
    timeline.stop(after);
    const cpuAfter = cpuSnapshot(pids);
    const whenFirstSecond = (await firstSecond) ?? before;
    const midMs = midApply ? await within('interactive provisioning mid-apply', midApply.ms) : undefined;
    progress(`apply done in ${applyMs.toFixed(0)} ms: ${JSON.stringify(applied.summary)}`);

    const runs = await within('apply histories', runChain(client, apply.workflowId));
    const firstRun = runs[0]?.events ?? [];
    const window = applyWindowOf(firstRun) ?? NaN;
    const byEndpoint = requestsBetween(before, after);
    const created = applied.outcomes.filter((o) => o.state === 'done' && o.action === 'create');
    const onboarded = new Set(spec.tenants.filter((tenant) => tenant.onboarding).map((tenant) => tenant.id));
    const children = await within(
      'provisioning histories',
      mapBounded(created, HISTORY_FETCHES_AT_ONCE, async ({ tenantId }) => {
        const workflowId = fleetTenantWorkflowId(spec.name, tenantId, 'create');
        const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
        return {
          tenantId,
          onboarded: onboarded.has(tenantId),
          actions: billableActions(events),
          ms: spanMs(events),
          waits: queueWaits(events),
        };
      }),
    );
    progress(`histories read: ${runs.length} apply run(s), ${children.length} provisioning children`);

    // Plan again once the fleet's workflow has taken in the apply, then apply again.
    await within('the fleet taking in the apply', fleetSettled(client, spec.name, apply.workflowId));
    const planAfter = await within(
      'plan after the apply',
      timed(() => planFleet(client, spec, { taskQueue })),
    );
    const second = await within('second apply', applyFleet(client, spec, undefined, { taskQueue }));
    const secondResult = await within('second apply', second.result());

    // A change to every tenant, as a team ships one: each configuration's description, applied as
    // updates through the configurations' updates workflows under the same budget.
    const changedSpec: FleetSpec = {
      ...spec,
      tenants: spec.tenants.map((tenant) => ({
        ...tenant,
        configuration: { ...tenant.configuration, description: `Support line ${tenant.id}, v2` },
      })),
    };
    const beforeChange = await emulatorState(emulator.ready);
    const change = await within(
      'apply of the change',
      timed(async () => {
        const handle = await applyFleet(client, changedSpec, undefined, { taskQueue });
        return { handle, result: await handle.result() };
      }),
    );
    const afterChange = await emulatorState(emulator.ready);
    progress(`change applied in ${change.ms.toFixed(0)} ms: ${JSON.stringify(change.value.result.summary)}`);
    const peakRssBytes = rss.stop();

    const measurements: FleetMeasurements = {
      tenants: opts.tenants,
      cores: cpus().length,
      apiRate: API_RATE,
      window,
      emptyPlan: { ms: emptyPlan.ms, summary: emptyPlan.value.summary },
      idle: { ms: idleMs, requests: idleRequests },
      apply: {
        ms: applyMs,
        items,
        requests: requestTotal(after) - requestTotal(before),
        byEndpoint: byEndpoint.map(([template, count]) => `${template} ${count}`),
        rates: timeline.rates().sort((a, b) => a - b),
        outcomes: applied.outcomes,
        cpu: Object.fromEntries(
          Object.keys(pids).map((name) => {
            const [start, end] = [cpuBefore[name], cpuAfter[name]];
            const perSecond = (key: 'busy' | 'waited') =>
              ((end?.[key] ?? 0) - (start?.[key] ?? 0)) / (applyMs / 1000);
            return [name, { busy: perSecond('busy'), waited: perSecond('waited') }];
          }),
        ),
        preludeMs: eventMs(firstRun[0]) - applyStartedEpoch,
        storesMs: msToFirstChild(firstRun),
        tenantRequests: byEndpoint
          .filter(([template]) => template.includes(' /v2/'))
          .reduce((sum, [, count]) => sum + count, 0),
      },
      throttling: {
        before: throttlingOf(before),
        firstSecond: throttlingOf(whenFirstSecond),
        after: throttlingOf(after),
        when: timeline.throttling(),
      },
      midApply:
        midApply && midMs !== undefined ? { settledItems: midApply.settledItems, ms: midMs } : undefined,
      planAfter: { ms: planAfter.ms, items: planAfter.value.items.length },
      secondApply: {
        items: second.plan.items.length,
        changed: secondResult.summary.done + secondResult.summary.failed,
      },
      change: {
        ms: change.ms,
        updates: change.value.handle.plan.summary.update,
        summary: change.value.result.summary,
        requests: requestTotal(afterChange) - requestTotal(beforeChange),
        throttled: afterChange.throttled - beforeChange.throttled,
      },
      peakRssBytes,
      applyRuns: {
        workflowId: apply.workflowId,
        events: runs.map((run) => run.events.length),
        continuedAsNew: runs.filter((run) => run.continuedAsNew).length,
        actions: sumActions(runs.map((run) => billableActions(run.events))).total,
      },
      children,
    };
    const { lines, summary, ok } = report(measurements);
    console.log(
      [
        ...lines,
        '',
        `Load average (1 min) at the start ${startLoad.toFixed(2)}, at the end ${(loadavg()[0] ?? NaN).toFixed(2)}, ` +
          `on ${cpus().length} cores; other work on the machine skews every figure.`,
        `Summary: ${summary}.`,
      ].join('\n'),
    );
    return ok ? 0 : 1;
  } finally {
    rss?.stop();
    await worker?.stop();
    await emulator.stop();
    await testEnv.teardown();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
