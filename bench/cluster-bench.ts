/**
 * `npm run bench:cluster`: does adding a worker add throughput, on the production topology (the
 * real Temporal server on PostgreSQL, `npm run cluster`'s stack)? One worker, then two, on the
 * same task queue, in the same run, under the same load (target: two >= 1.6x one).
 *
 * Each worker has a fixed capacity, as a deployment sizes one: `--slots` activity and workflow
 * task slots, and every Orchestrator request takes `--http-latency-ms` (an emulator latency
 * fault), so a worker's slots, not the 2 shared cores, bound what it completes. `--lanes`
 * provisionings are kept in flight, and completions are counted in a `--window-s` window after a
 * warm-up. All use one existing store: the API allows 15 per account.
 *
 * Exits 1 when the target is missed or a provisioning fails.
 */
import { inputSequence } from '../test/support/inputs';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Client } from '@temporalio/client';
import {
  bundleWorkflowCode,
  DefaultLogger,
  NativeConnection,
  Runtime,
  type Worker,
} from '@temporalio/worker';
import { startCluster } from '../scripts/cluster/stack';
import { OrchestratorClient } from '../src/api';
import { awaitProvisioning, startProvisioning } from '../src/client';
import { startEmulator } from '../src/emulator';
import { createWorker } from '../src/worker';
import { workflowBundleOptions } from '../src/workflow-bundle-options';
import type { ProvisionInput } from '../src/workflows/provision-input';

const TARGET_RATIO = 1.6;
const WARM_UP_MS = 5_000;

const { values } = parseArgs({
  options: {
    lanes: { type: 'string', default: '40' },
    slots: { type: 'string', default: '2' },
    'http-latency-ms': { type: 'string', default: '200' },
    'window-s': { type: 'string', default: '30' },
  },
});
function positiveInteger(name: keyof typeof values): number {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name}: must be a positive integer`);
  return n;
}
const LANES = positiveInteger('lanes');
const SLOTS = positiveInteger('slots');
const HTTP_LATENCY_MS = positiveInteger('http-latency-ms');
const WINDOW_MS = positiveInteger('window-s') * 1000;

const runTag = randomUUID().slice(0, 6);
const nextInput = inputSequence('cluster-bench');

/** A happy-path input on `storeId`, polling fast enough that the slots, not the waits, set the pace. */
function benchInput(storeId?: string): ProvisionInput {
  return nextInput({
    ...(storeId ? { memoryStore: { existingStoreId: storeId } } : {}),
    polling: { initialIntervalMs: 200, maxIntervalMs: 500, jitterRatio: 0, operationDeadlineMs: 120_000 },
  });
}

async function main(): Promise<number> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  console.error('[bench:cluster] starting the cluster (PostgreSQL, Temporal server) and the emulator');
  const [cluster, emulator, workflowBundle] = await Promise.all([
    startCluster({ log: (line) => console.error(`[bench:cluster] ${line}`) }),
    startEmulator({ operationLatency: { ms: 300 }, actionLatency: { ms: 200 }, retryAfterSeconds: 0 }),
    bundleWorkflowCode(workflowBundleOptions({ logger: quietLogger })),
  ]);
  const api = new OrchestratorClient({
    credentials: emulator.credentials,
    conversationsBaseUrl: emulator.url,
    memoryBaseUrl: emulator.url,
  });
  const connections: NativeConnection[] = [];
  const client = new Client({ connection: await NativeConnection.connect({ address: cluster.address }) });
  const taskQueue = `cluster-bench-${runTag}`;

  /** Workers of `SLOTS` slots each, each on a connection of its own, as separate hosts would be. */
  async function startWorkers(count: number): Promise<() => Promise<void>> {
    const workers: { worker: Worker; running: Promise<void> }[] = [];
    for (let i = 0; i < count; i += 1) {
      const connection = await NativeConnection.connect({ address: cluster.address });
      connections.push(connection);
      const worker = await createWorker({
        connection,
        taskQueue,
        api,
        workflowBundle,
        tuning: { maxConcurrentActivityTaskExecutions: SLOTS, maxConcurrentWorkflowTaskExecutions: SLOTS },
      });
      workers.push({ worker, running: worker.run() });
    }
    return async () => {
      for (const { worker } of workers) worker.shutdown();
      await Promise.all(workers.map(({ running }) => running));
    };
  }

  /** Provisionings completed per minute in the window, with LANES in flight throughout. */
  async function throughput(storeId: string): Promise<{ perMinute: number; failed: number }> {
    const startedAt = performance.now();
    const windowStart = startedAt + WARM_UP_MS;
    const windowEnd = windowStart + WINDOW_MS;
    let completed = 0;
    let failed = 0;
    const lane = async () => {
      while (performance.now() < windowEnd) {
        try {
          await awaitProvisioning(await startProvisioning(client, benchInput(storeId), { taskQueue }));
          const now = performance.now();
          if (now >= windowStart && now < windowEnd) completed += 1;
        } catch (err) {
          failed += 1;
          console.error(
            `[bench:cluster] a provisioning failed: ${err instanceof Error ? err.message : String(err)}`,
          );
        }
      }
    };
    await Promise.all(Array.from({ length: LANES }, lane));
    return { perMinute: (completed * 60_000) / WINDOW_MS, failed };
  }

  try {
    const stopFirst = await startWorkers(1);
    const store = await awaitProvisioning(await startProvisioning(client, benchInput(), { taskQueue }));
    const storeId = store.ids.memoryStoreId;
    // From here every Orchestrator request takes HTTP_LATENCY_MS.
    emulator.addFault({ kind: 'latency', ms: HTTP_LATENCY_MS });

    console.error(`[bench:cluster] one worker, ${LANES} in flight, ${WINDOW_MS / 1000} s window`);
    const one = await throughput(storeId);
    await stopFirst();
    console.error(`[bench:cluster] two workers, ${LANES} in flight, ${WINDOW_MS / 1000} s window`);
    const stopBoth = await startWorkers(2);
    const two = await throughput(storeId);
    await stopBoth();

    const ratio = two.perMinute / one.perMinute;
    const ok = ratio >= TARGET_RATIO && one.failed + two.failed === 0;
    console.log(
      [
        `Throughput on the real Temporal server ${cluster.address} (PostgreSQL), ${LANES} provisionings in flight,`,
        `each worker ${SLOTS} activity + ${SLOTS} workflow task slots, Orchestrator requests ${HTTP_LATENCY_MS} ms:`,
        `   one worker    ${one.perMinute.toFixed(1)} provisionings/min   (${one.failed} failed)`,
        `   two workers   ${two.perMinute.toFixed(1)} provisionings/min   (${two.failed} failed)`,
        `   ratio ${ratio.toFixed(2)}   target >= ${TARGET_RATIO}   ${ok ? 'PASS' : 'MISS'}`,
      ].join('\n'),
    );
    return ok ? 0 : 1;
  } finally {
    await client.connection.close();
    for (const connection of connections) await connection.close();
    await api.close();
    await emulator.close();
    await cluster.stop();
  }
}

const quietLogger = new DefaultLogger('ERROR');

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`[bench:cluster] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
