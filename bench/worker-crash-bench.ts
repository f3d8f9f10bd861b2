/**
 * `npm run bench:worker-crash`: how long a provisioning stalls when its worker is killed
 * (SIGKILL) in the middle of an activity, until another worker runs the call again. Measured for
 * the workflows as they are (activities heartbeat, 5 s heartbeat timeout) against the baseline
 * before heartbeats (only the 30 s start-to-close timeout), in the same run, on a dev server.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { awaitProvisioning, startProvisioning } from '../src/client';
import { DEFAULT_EMULATOR_CREDENTIALS, startEmulator, type RunningEmulator } from '../src/emulator';
import { FAIRNESS_SERVER_ARGS } from '../src/temporal/task-queue-budget';
import { resolveTemporalBinary } from '../src/toolchain/temporal-binaries';
import { SEARCH_ATTRIBUTE_KEYS } from '../src/workflows/definitions';
import { workflowBundleOptions } from '../src/workflow-bundle-options';
import { wallClockInput } from '../test/support/inputs';

type Profile = 'baseline' | 'current';
const CREATE_CONFIGURATION = 'POST /v2/ControlPlane/Configurations';
/** The first create is held this long: the worker dies while waiting for its answer. */
const HELD_MS = 120_000;

/** The workflows as they are, or the baseline: the activity options without `heartbeatTimeout`. */
async function bundle(profile: Profile): Promise<string> {
  const { code } = await bundleWorkflowCode(
    workflowBundleOptions({
      logger: new DefaultLogger('ERROR'),
      webpackConfigHook: (config) => {
        if (profile === 'baseline') {
          config.module?.rules?.push({
            test: /activity-calls\.ts$/,
            enforce: 'pre',
            use: [{ loader: join(__dirname, 'worker-crash', 'without-heartbeat-timeout-loader.js') }],
          });
        }
        return config;
      },
    }),
  );
  const path = join(mkdtempSync(join(tmpdir(), 'worker-crash-')), `${profile}.js`);
  writeFileSync(path, code);
  return path;
}

function startWorker(bundlePath: string, address: string, taskQueue: string, emulatorUrl: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/worker-crash/worker.ts'], {
    env: {
      ...process.env,
      WORKFLOW_BUNDLE: bundlePath,
      TEMPORAL_ADDRESS: address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      EMULATOR_URL: emulatorUrl,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = (async () => {
    for await (const line of createInterface({ input: child.stdout })) {
      if (line.includes('[worker] polling')) {
        child.stdout.resume();
        return;
      }
    }
    throw new Error('the worker exited before it polled');
  })();
  return { child, ready };
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(20);
  }
}

/**
 * Milliseconds from the SIGKILL until the killed call reaches the API again from a second worker,
 * started right after the kill (on a prebuilt bundle it polls within a second or two).
 */
async function stall(
  profile: Profile,
  env: TestWorkflowEnvironment,
  emulator: RunningEmulator,
): Promise<number> {
  const bundlePath = await bundle(profile);
  const taskQueue = `crash-${profile}-${randomUUID()}`;
  const creates = () => emulator.summary().requests[CREATE_CONFIGURATION] ?? 0;
  const before = creates();
  emulator.addFault({
    kind: 'latency',
    ms: HELD_MS,
    times: 1,
    match: { method: 'POST', path: '^/v2/ControlPlane/Configurations$' },
  });

  const first = startWorker(bundlePath, env.address, taskQueue, emulator.url);
  await first.ready;
  const handle = await startProvisioning(env.client, wallClockInput({}, { prefix: 'crash' }), { taskQueue });
  // Killed while its create is held by the emulator: well within the request's own 10 s timeout.
  await until(() => creates() > before, 60_000, 'the first configuration create');
  first.child.kill('SIGKILL');
  await once(first.child, 'exit');
  const killedAt = Date.now();
  const second = startWorker(bundlePath, env.address, taskQueue, emulator.url);
  await second.ready;
  await until(() => creates() > before + 1, HELD_MS, 'the retried configuration create');
  const stalledMs = Date.now() - killedAt;
  await awaitProvisioning(handle);
  second.child.kill('SIGTERM');
  await once(second.child, 'exit');
  return stalledMs;
}

async function main(): Promise<void> {
  const [env, emulator] = await Promise.all([
    TestWorkflowEnvironment.createLocal({
      server: {
        executable: resolveTemporalBinary('cli').executable,
        searchAttributes: SEARCH_ATTRIBUTE_KEYS,
        extraArgs: [...FAIRNESS_SERVER_ARGS],
      },
    }),
    startEmulator({
      credentials: DEFAULT_EMULATOR_CREDENTIALS,
      operationLatency: { ms: 300 },
      actionLatency: { ms: 200 },
      retryAfterSeconds: 0,
    }),
  ]);
  try {
    const baseline = await stall('baseline', env, emulator);
    const current = await stall('current', env, emulator);
    console.log('Worker killed mid-activity (SIGKILL), stall until another worker runs the call again:');
    console.log(`  baseline (start-to-close 30 s only):        ${(baseline / 1000).toFixed(1)} s`);
    console.log(`  current (heartbeat every 1 s, timeout 5 s): ${(current / 1000).toFixed(1)} s`);
    console.log(
      `  ratio current/baseline: ${(current / baseline).toFixed(2)} (target: a few seconds, not half a minute)`,
    );
  } finally {
    await emulator.close();
    await env.teardown();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
