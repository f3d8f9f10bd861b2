/**
 * `npm run bench`: what running provisionings through Temporal costs and sustains, from one run
 * on a local dev server, with the emulator and the worker (`npm run worker`) in child processes.
 *
 * 1. End-to-end latency of a provisioning through Temporal against a plain async function making
 *    the same calls with the same waits, alternated run by run (target: ratio <= 1.15 at the median).
 * 2. History events per happy-path provisioning (target <= 80), and polls per operation of the
 *    durable poller against a fixed 1 s poller, on slow (10 s) operations.
 * 3. Provisionings completed per minute with 100 in flight, and the worker's peak RSS.
 * 4. Worker start-up, from spawn to polling: the prebuilt worker (bin/orchestrator-worker on the
 *    bundle `npm run build` wrote) against the tsx worker bundling at start (target <= 2 s).
 * 5. Worker RSS with 1,000 provisionings in flight (all started before any completes): the
 *    prebuilt worker with the default tuning (src/worker-tuning.ts) against the tsx worker with
 *    the SDK's defaults, as the worker ran before (target <= 300 MiB).
 *
 * Phases 1 to 3 use the tsx worker (`npm run worker`); phases 4 and 5 build dist/ first.
 * Options: --runs N (phase 1, default 20), --window-s S (phase 3 measuring window, default 30),
 * --in-flight N (phase 5, default 1000), --only latency,throughput,start-up,in-flight (phases
 * 1-2, 3, 4, 5; default all). Exits 1 when a target is missed.
 */
import { inputSequence } from '../test/support/inputs';
import type { ProvisionInput } from '../src/workflows/provision-input';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { OrchestratorClient } from '../src/api';
import { awaitProvisioning, startProvisioning } from '../src/client';
import { DEFAULT_EMULATOR_CREDENTIALS } from '../src/emulator';
import { FAIRNESS_SERVER_ARGS } from '../src/temporal/task-queue-budget';
import { resolveTemporalBinary } from '../src/toolchain/temporal-binaries';
import { SEARCH_ATTRIBUTE_KEYS, type ProvisionResult } from '../src/workflows/definitions';
import { DEFAULT_POLLING_POLICY, maxPollsBeforeDeadline } from '../src/workflows/polling-policy';
import { fixedDelay, policyDelay, provisionPlain } from './provision/plain-provisioning';
import {
  cpuSecondsOf,
  devServerPid,
  emulatorAdmin,
  memoryOf,
  sampleRss,
  startEmulatorProcess,
  startWorkerProcess,
  type ChildService,
  type WorkerKind,
} from './provision/processes';

const TARGET_RATIO = 1.15;
const TARGET_EVENTS = 80;
const IN_FLIGHT = 100;
const WARM_UP_MS = 6_000;
const SLOW_OPERATION_MS = 10_000;
const TARGET_START_UP_MS = 2_000;
const START_UP_RUNS = 3;
const TARGET_IN_FLIGHT_RSS = 300 * 2 ** 20;
/**
 * Phase 5: operations long enough for every provisioning to start before the first completes,
 * polled every 20 to 30 s, so the runs mostly wait on timers as they would on real operations.
 */
const IN_FLIGHT_OPERATION_MS = 60_000;
const IN_FLIGHT_POLLING = { initialIntervalMs: 20_000, maxIntervalMs: 30_000 };
const STARTS_AT_ONCE = 50;

const runTag = randomUUID().slice(0, 6);
const benchInput = inputSequence('bench');

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
};
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;
const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const startedAt = performance.now();
  const value = await work();
  return { value, ms: performance.now() - startedAt };
}

interface Bench {
  client: Client;
  taskQueue: string;
  api: OrchestratorClient;
  emulator: ChildService;
  worker: ChildService;
  devServerPort: string;
}

function throughTemporal(bench: Bench, input: ProvisionInput, taskQueue = bench.taskQueue) {
  return startProvisioning(bench.client, input, { taskQueue }).then(async (handle) => ({
    handle,
    result: await awaitProvisioning(handle),
  }));
}

const pollsOf = (result: ProvisionResult) =>
  `store ${result.steps['await-memory-store'].polls}, configuration ${result.steps['await-configuration'].polls}, ` +
  `message ${result.steps['await-message'].polls}`;

/** Phases 1 and 2a: sequential runs, Temporal and plain alternated, each pair on a reset emulator. */
async function latency(bench: Bench, runs: number): Promise<{ lines: string[]; ok: boolean }> {
  const temporalMs: number[] = [];
  const plainMs: number[] = [];
  const events: number[] = [];
  let lastResult: ProvisionResult | undefined;
  for (let run = 0; run <= runs; run += 1) {
    // The emulator allows 15 stores per account, as the API does.
    await emulatorAdmin(bench.emulator.ready, 'reset');
    const temporal = await timed(() => throughTemporal(bench, benchInput()));
    const plain = await timed(() => provisionPlain(bench.api, benchInput(), policyDelay));
    if (run === 0) continue; // warm-up
    temporalMs.push(temporal.ms);
    plainMs.push(plain.ms);
    events.push((await temporal.value.handle.fetchHistory()).events?.length ?? NaN);
    lastResult = temporal.value.result;
    process.stderr.write(
      `  run ${run}/${runs}: Temporal ${seconds(temporal.ms)}, plain ${seconds(plain.ms)}\n`,
    );
  }
  const ratio = quantile(temporalMs, 0.5) / quantile(plainMs, 0.5);
  const maxEvents = Math.max(...events);
  const ok = ratio <= TARGET_RATIO && maxEvents <= TARGET_EVENTS;
  return {
    ok,
    lines: [
      `1. End-to-end latency, ${runs} sequential runs each (operations 1 s, actions 0.5 s, Retry-After 1 s)`,
      `   through Temporal    median ${seconds(quantile(temporalMs, 0.5))}   p95 ${seconds(quantile(temporalMs, 0.95))}`,
      `   plain async         median ${seconds(quantile(plainMs, 0.5))}   p95 ${seconds(quantile(plainMs, 0.95))}`,
      `   ratio at the median ${ratio.toFixed(3)}   target <= ${TARGET_RATIO}   ${verdict(ratio <= TARGET_RATIO)}`,
      '',
      `2. History events per happy-path provisioning: median ${quantile(events, 0.5)}, max ${maxEvents}` +
        `   target <= ${TARGET_EVENTS}   ${verdict(maxEvents <= TARGET_EVENTS)}`,
      `   polls per operation at 1 s latency, durable poller: ${lastResult ? pollsOf(lastResult) : 'n/a'}`,
    ],
  };
}

/** Phase 2b: one provisioning of each kind at once, on operations that take 10 s. */
async function slowOperations(bench: Bench): Promise<string[]> {
  await emulatorAdmin(bench.emulator.ready, 'reset');
  await emulatorAdmin(bench.emulator.ready, 'config', { operationLatency: { ms: SLOW_OPERATION_MS } });
  const [durable, fixed] = await Promise.all([
    throughTemporal(bench, benchInput()),
    provisionPlain(bench.api, benchInput(), fixedDelay(1000)),
  ]);
  await emulatorAdmin(bench.emulator.ready, 'config', { operationLatency: { ms: 1000 } });
  const { store, configuration, message } = fixed.polls;
  const policy = DEFAULT_POLLING_POLICY;
  return [
    `   polls per operation at ${SLOW_OPERATION_MS / 1000} s latency, durable poller: ${pollsOf(durable.result)}`,
    `                                         fixed 1 s poller: store ${store}, configuration ${configuration}, message ${message}`,
    `   bound per operation (default policy, ${policy.operationDeadlineMs / 60_000} min deadline): ` +
      `${maxPollsBeforeDeadline(policy)} polls, against ${policy.operationDeadlineMs / 1000} for a fixed 1 s poller`,
  ];
}

/** CPU seconds used so far by each named process (a missing PID counts as 0). */
function cpuSnapshot(pids: Record<string, number | undefined>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(pids).map(([name, pid]) => [name, pid === undefined ? 0 : cpuSecondsOf(pid)]),
  );
}

/**
 * Phase 3: 100 lanes each run provisionings back to back; completions are counted in a window
 * after a warm-up. All use one existing store: the API allows 15 stores per account.
 */
async function throughput(bench: Bench, windowMs: number): Promise<{ lines: string[]; ok: boolean }> {
  await emulatorAdmin(bench.emulator.ready, 'reset');
  const store = await provisionPlain(bench.api, benchInput(), policyDelay);
  const pids = {
    worker: bench.worker.process.pid as number,
    'dev server': devServerPid(bench.devServerPort),
    emulator: bench.emulator.process.pid as number,
    'bench (client)': process.pid,
  };
  const idleRss = memoryOf(pids.worker).rss;
  const cpuBefore = cpuSnapshot(pids);
  const rss = sampleRss(pids.worker);
  const startedAt = performance.now();
  const windowStart = startedAt + WARM_UP_MS;
  const windowEnd = windowStart + windowMs;
  let completed = 0;
  let failed = 0;
  const lane = async () => {
    while (performance.now() < windowEnd) {
      try {
        await throughTemporal(
          bench,
          benchInput({ memoryStore: { existingStoreId: store.ids.memoryStoreId } }),
        );
        const now = performance.now();
        if (now >= windowStart && now < windowEnd) completed += 1;
      } catch {
        failed += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  const peakRss = rss.stop();
  const elapsedS = (performance.now() - startedAt) / 1000;
  const cpuAfter = cpuSnapshot(pids);
  const cores = Object.keys(pids)
    .map((name) => `${name} ${(((cpuAfter[name] ?? 0) - (cpuBefore[name] ?? 0)) / elapsedS).toFixed(2)}`)
    .join(', ');
  return {
    ok: failed === 0,
    lines: [
      `3. Throughput with ${IN_FLIGHT} provisionings in flight (on one existing store: the API allows 15 per account)`,
      `   ${((completed / windowMs) * 60_000).toFixed(0)} provisionings/min ` +
        `(${completed} completed in a ${windowMs / 1000} s window after a ${WARM_UP_MS / 1000} s warm-up; ${failed} failed)`,
      `   CPU cores busy (of ${cpus().length}): ${cores}`,
      `   worker RSS: idle ${mib(idleRss)}, peak under load ${mib(peakRss)}, ` +
        `lifetime peak ${mib(memoryOf(pids.worker).peak)} (tsx loader and workflow bundling included)`,
    ],
  };
}

/** Phase 4: spawn to the "polling" line, each kind started `START_UP_RUNS` times, alternated. */
async function startUp(bench: Bench, address: string): Promise<{ lines: string[]; ok: boolean }> {
  const times: Record<WorkerKind, number[]> = { tsx: [], prebuilt: [] };
  for (let run = 0; run < START_UP_RUNS; run += 1) {
    for (const kind of ['tsx', 'prebuilt'] as const) {
      const started = await timed(() =>
        startWorkerProcess(address, `${bench.taskQueue}-start-up`, bench.emulator.ready, kind),
      );
      times[kind].push(started.ms);
      await started.value.stop();
    }
  }
  const prebuilt = quantile(times.prebuilt, 0.5);
  const tsx = quantile(times.tsx, 0.5);
  const ok = prebuilt <= TARGET_START_UP_MS;
  return {
    ok,
    lines: [
      `4. Worker start-up, spawn to polling (median of ${START_UP_RUNS})`,
      `   prebuilt (bin/orchestrator-worker)   ${seconds(prebuilt)}   target <= ${seconds(TARGET_START_UP_MS)}   ${verdict(ok)}`,
      `   tsx, bundling at start (baseline)    ${seconds(tsx)}   ratio ${(prebuilt / tsx).toFixed(2)}`,
    ],
  };
}

/**
 * What the worker ran with before TEMPORAL_MAX_*: the SDK's defaults, 40 workflow task slots
 * and a sticky cache sized from the heap limit (@temporalio/worker's worker-options.js).
 */
function sdkDefaultTuning(): NodeJS.ProcessEnv {
  const heapMiB = getHeapStatistics().heap_size_limit / 2 ** 20;
  const cache = Math.max(Math.floor((Math.max(heapMiB - 200, 0) * 600) / 1024), 10);
  return {
    TEMPORAL_MAX_CONCURRENT_ACTIVITIES: '100',
    TEMPORAL_MAX_CONCURRENT_WORKFLOW_TASKS: '40',
    TEMPORAL_MAX_CACHED_WORKFLOWS: String(cache),
  };
}

interface InFlightMemory {
  kind: WorkerKind;
  tuning: string;
  idleRss: number;
  peakRss: number;
  allStartedBeforeFirstDone: boolean;
  ms: number;
  failed: number;
}

/**
 * Phase 5, for one worker: `count` provisionings started (on one existing store) while their
 * configuration operations take a minute, so all are in flight at once; the worker's RSS
 * sampled until the last completes.
 */
async function inFlightMemory(
  bench: Bench,
  address: string,
  kind: WorkerKind,
  tuning: NodeJS.ProcessEnv,
  count: number,
): Promise<InFlightMemory> {
  await emulatorAdmin(bench.emulator.ready, 'reset');
  const store = await provisionPlain(bench.api, benchInput(), policyDelay);
  await emulatorAdmin(bench.emulator.ready, 'config', { operationLatency: { ms: IN_FLIGHT_OPERATION_MS } });
  const taskQueue = `${bench.taskQueue}-in-flight-${kind}`;
  const worker = await startWorkerProcess(address, taskQueue, bench.emulator.ready, kind, tuning);
  const pid = worker.process.pid as number;
  const idleRss = memoryOf(pid).rss;
  const rss = sampleRss(pid);
  const startedAt = performance.now();
  let firstDoneAt = Infinity;
  let failed = 0;
  try {
    const handles = [];
    for (let next = 0; next < count; next += STARTS_AT_ONCE) {
      const batch = Math.min(STARTS_AT_ONCE, count - next);
      handles.push(
        ...(await Promise.all(
          Array.from({ length: batch }, () =>
            startProvisioning(
              bench.client,
              benchInput({
                memoryStore: { existingStoreId: store.ids.memoryStoreId },
                polling: IN_FLIGHT_POLLING,
              }),
              { taskQueue },
            ),
          ),
        )),
      );
      process.stderr.write(`  ${kind} worker: ${handles.length}/${count} started\r`);
    }
    const allStartedAt = performance.now();
    await Promise.all(
      handles.map((handle) =>
        awaitProvisioning(handle).then(
          () => (firstDoneAt = Math.min(firstDoneAt, performance.now())),
          () => (failed += 1),
        ),
      ),
    );
    process.stderr.write('\n');
    process.stderr.write(
      `  ${kind} worker: peak RSS ${mib(rss.stop())}, ${count} done in ${seconds(performance.now() - startedAt)}, ${failed} failed\n`,
    );
    return {
      kind,
      tuning: tuning.TEMPORAL_MAX_CACHED_WORKFLOWS
        ? `cache ${tuning.TEMPORAL_MAX_CACHED_WORKFLOWS}, ${tuning.TEMPORAL_MAX_CONCURRENT_WORKFLOW_TASKS} workflow task slots`
        : 'default tuning',
      idleRss,
      peakRss: rss.stop(),
      allStartedBeforeFirstDone: allStartedAt <= firstDoneAt,
      ms: performance.now() - startedAt,
      failed,
    };
  } finally {
    rss.stop();
    await worker.stop();
    await emulatorAdmin(bench.emulator.ready, 'config', { operationLatency: { ms: 1000 } });
  }
}

async function inFlight(
  bench: Bench,
  address: string,
  count: number,
): Promise<{ lines: string[]; ok: boolean }> {
  const prebuilt = await inFlightMemory(bench, address, 'prebuilt', {}, count);
  const tsx = await inFlightMemory(bench, address, 'tsx', sdkDefaultTuning(), count);
  const ok = prebuilt.peakRss <= TARGET_IN_FLIGHT_RSS && prebuilt.failed === 0 && tsx.failed === 0;
  const line = (m: InFlightMemory, label: string) =>
    `   ${label.padEnd(38)} peak ${mib(m.peakRss)} (idle ${mib(m.idleRss)}); all ${count} done in ${seconds(m.ms)}, ` +
    `${m.failed} failed${m.allStartedBeforeFirstDone ? '' : ' (some completed before all had started)'}`;
  return {
    ok,
    lines: [
      `5. Worker RSS with ${count} provisionings in flight (configuration operations take ${IN_FLIGHT_OPERATION_MS / 1000} s)`,
      line(prebuilt, `prebuilt, ${prebuilt.tuning}`),
      line(tsx, `tsx, SDK ${tsx.tuning} (baseline)`),
      `   ratio ${(prebuilt.peakRss / tsx.peakRss).toFixed(2)}   target <= ${mib(TARGET_IN_FLIGHT_RSS)}   ` +
        verdict(prebuilt.peakRss <= TARGET_IN_FLIGHT_RSS),
    ],
  };
}

/** The prebuilt worker runs what `npm run build` compiles now, not an older dist/. */
function build(): void {
  const result = spawnSync(process.execPath, ['scripts/build.js'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (result.status !== 0) throw new Error('npm run build failed (errors above)');
}

const PHASES = ['latency', 'throughput', 'start-up', 'in-flight'] as const;
type Phase = (typeof PHASES)[number];

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      runs: { type: 'string', default: '20' },
      'window-s': { type: 'string', default: '30' },
      'in-flight': { type: 'string', default: '1000' },
      only: { type: 'string', default: PHASES.join(',') },
    },
  });
  const names = values.only.split(',').map((name) => name.trim());
  const only = PHASES.filter((phase) => names.includes(phase));
  const unknown = names.filter((name) => !PHASES.includes(name as Phase));
  if (unknown.length > 0)
    throw new Error(`--only takes phases among ${PHASES.join(', ')}; not ${unknown.join(', ')}`);
  const runs = Number(values.runs);
  const windowMs = Number(values['window-s']) * 1000;
  const inFlightCount = Number(values['in-flight']);
  if (!(runs >= 1 && windowMs >= 1000 && Number.isInteger(inFlightCount) && inFlightCount >= 1)) {
    throw new Error('--runs must be >= 1, --window-s >= 1 and --in-flight a whole number >= 1');
  }
  if (only.includes('start-up') || only.includes('in-flight')) build();
  const startLoad = loadavg()[0] ?? NaN;

  const taskQueue = `bench-${runTag}`;
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
  const worker = await startWorkerProcess(testEnv.address, taskQueue, emulator.ready);
  const api = new OrchestratorClient({
    credentials: { ...DEFAULT_EMULATOR_CREDENTIALS },
    conversationsBaseUrl: emulator.ready,
    memoryBaseUrl: emulator.ready,
  });
  const bench: Bench = {
    client: testEnv.client,
    taskQueue,
    api,
    emulator,
    worker,
    devServerPort: testEnv.address.split(':')[1] ?? '',
  };
  try {
    console.log(
      `Provisioning benchmark: dev server ${testEnv.address}, emulator ${emulator.ready} ` +
        `(pid ${emulator.process.pid}), worker pid ${worker.process.pid}`,
    );
    // Each phase's figures are printed as soon as it ends: the last phases take minutes.
    const phases: Record<Phase, () => Promise<{ lines: string[]; ok: boolean }>> = {
      latency: async () => {
        const first = await latency(bench, runs);
        return { ok: first.ok, lines: [...first.lines, ...(await slowOperations(bench))] };
      },
      throughput: () => throughput(bench, windowMs),
      'start-up': () => startUp(bench, testEnv.address),
      'in-flight': () => inFlight(bench, testEnv.address, inFlightCount),
    };
    let ok = true;
    for (const phase of only) {
      const result = await phases[phase]();
      console.log(['', ...result.lines].join('\n'));
      ok &&= result.ok;
    }
    console.log(
      `\nLoad average (1 min) at the start ${startLoad.toFixed(2)}, at the end ${(loadavg()[0] ?? NaN).toFixed(2)}, ` +
        `on ${cpus().length} cores; other work skews every figure.`,
    );
    return ok ? 0 : 1;
  } finally {
    await api.close();
    await worker.stop();
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
