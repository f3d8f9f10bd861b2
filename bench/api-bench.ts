/**
 * `npm run bench:api`: how fast the emulator answers operation polls, what the API client costs
 * per request over a bare undici request, and what refusing an endless body costs. Runs the
 * emulator in a child process, so its CPU is measured on a core of its own, and stops by itself
 * after a fixed number of requests.
 *
 * Targets: >= 3,000 polls/s from the emulator; client overhead <= 1.20x raw undici (issue 2).
 * Refusing a 200 MB body at the 1 MiB cap takes <= 2x reading a 1 MB body, and the server gets
 * to send <= 16 MiB of it (issue 7). Exits with status 1 when a target is missed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { Pool } from 'undici';
import { OrchestratorClient, ResponseTooLargeError } from '../src/api';
import { DEFAULT_EMULATOR_CREDENTIALS } from '../src/emulator';

const THROUGHPUT = { requests: 20_000, warmup: 1_000, concurrency: 32 };
const LATENCY = { requests: 3_000, warmup: 500 };
const TARGET_POLLS_PER_SECOND = 3_000;
const TARGET_OVERHEAD = 1.2;
const BODIES = { requests: 20, warmup: 3, endlessBytes: 200 * 1_048_576, fittingBytes: 1_000_000 };
const TARGET_REFUSAL_RATIO = 2;
const TARGET_SENT_BYTES = 16 * 1_048_576;
/** The whole run is bounded; this only fires if something hangs. */
const WATCHDOG_MS = 55_000;

const { accountSid, authToken } = DEFAULT_EMULATOR_CREDENTIALS;
const AUTHORIZATION = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;

async function main(): Promise<void> {
  const emulator = await startEmulatorProcess();
  const client = new OrchestratorClient({
    credentials: { accountSid, authToken },
    conversationsBaseUrl: emulator.url,
    memoryBaseUrl: emulator.url,
  });
  const pool = new Pool(emulator.url);
  try {
    const { operationId } = await client.memory.createStore({ displayName: 'bench-store' });
    const path = `/v1/ControlPlane/Operations/${operationId}`;
    const rawPoll = async () => {
      const response = await pool.request({ method: 'GET', path, headers: { authorization: AUTHORIZATION } });
      if (response.statusCode !== 200) throw new Error(`raw poll answered HTTP ${response.statusCode}`);
      return response.body.json();
    };
    const clientPoll = () => client.memory.getOperation(operationId);

    console.log(
      `Orchestrator API benchmark — emulator in child process ${emulator.process.pid} at ${emulator.url}`,
    );
    const pollsPerSecond = await measureThroughput(rawPoll);
    const { raw, viaClient } = await measureLatency(rawPoll, clientPoll);
    const overhead = viaClient.median / raw.median;

    const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
    const pollsOk = pollsPerSecond >= TARGET_POLLS_PER_SECOND;
    const overheadOk = overhead <= TARGET_OVERHEAD;
    console.log(
      `\nEmulator operation polls: ${THROUGHPUT.requests} requests, ${THROUGHPUT.concurrency} concurrent (raw undici)\n` +
        `  ${format(pollsPerSecond, 0)} polls/s   target >= ${TARGET_POLLS_PER_SECOND}   ${verdict(pollsOk)}`,
    );
    console.log(
      `\nPer-request latency, ${LATENCY.requests} sequential requests each after ${LATENCY.warmup} warm-up, interleaved\n` +
        `  raw undici request + JSON.parse          median ${ms(raw.median)}  p95 ${ms(raw.p95)}\n` +
        `  client.memory.getOperation (validated)   median ${ms(viaClient.median)}  p95 ${ms(viaClient.p95)}\n` +
        `  client overhead ${format(overhead, 2)}x median (p95 ${format(viaClient.p95 / raw.p95, 2)}x)` +
        `   target <= ${format(TARGET_OVERHEAD, 2)}x   ${verdict(overheadOk)}`,
    );
    const bodies = await measureBodies();
    const refusalRatio = bodies.refuse.median / bodies.read.median;
    const bodiesOk = refusalRatio <= TARGET_REFUSAL_RATIO && bodies.maxSentBytes <= TARGET_SENT_BYTES;
    console.log(
      `\nBounded bodies, ${BODIES.requests} requests each after ${BODIES.warmup} warm-up, against a local server\n` +
        `  read a 1 MB body (unknown field stripped)     median ${ms(bodies.read.median)}\n` +
        `  refuse a 200 MB body at the 1 MiB cap         median ${ms(bodies.refuse.median)}` +
        `   ${format(refusalRatio, 2)}x   target <= ${format(TARGET_REFUSAL_RATIO, 2)}x\n` +
        `  most the server sent of a refused body        ${format(bodies.maxSentBytes / 1_048_576, 1)} MiB` +
        `   target <= ${format(TARGET_SENT_BYTES / 1_048_576, 0)} MiB   ${verdict(bodiesOk)}`,
    );
    if (!pollsOk || !overheadOk || !bodiesOk) process.exitCode = 1;
  } finally {
    await client.close();
    await pool.close();
    emulator.process.kill('SIGTERM');
  }
}

/** Runs `src/emulator/main.ts` on a free port with its own credentials; resolves with its URL. */
async function startEmulatorProcess(): Promise<{ url: string; process: ChildProcess }> {
  // The emulator reads credentials from the environment: give it the defaults, never the caller's.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TWILIO_ACCOUNT_SID: accountSid,
    TWILIO_AUTH_TOKEN: authToken,
  };
  delete env.TWILIO_API_KEY;
  delete env.TWILIO_API_SECRET;
  // Operations stay PENDING for the whole run: every poll is the hot path with a Retry-After.
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/emulator/main.ts', '--port', '0', '--operation-latency-ms', '3600000'],
    { env, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`the emulator exited with code ${String(code)} before printing its URL`);
  });
  for await (const line of lines) {
    const url = /listening on (http:\/\/\S+)/.exec(line)?.[1];
    if (url !== undefined) {
      void exited.catch(() => undefined);
      return { url, process: child };
    }
  }
  return exited;
}

/**
 * A local server answering `/fit` with a 1 MB store body (mostly an unknown field) and `/endless`
 * with a 200 MB body, written with backpressure so `sent` counts what the client took.
 */
async function measureBodies(): Promise<{
  read: Distribution;
  refuse: Distribution;
  maxSentBytes: number;
}> {
  const fitting = JSON.stringify({
    id: 'mem_store_01',
    displayName: 'bench',
    status: 'ACTIVE',
    padding: 'x'.repeat(BODIES.fittingBytes),
  });
  const sent: number[] = [];
  const chunk = Buffer.alloc(64 * 1024, 'x');
  const server = createServer((request, response) => {
    if (request.url?.endsWith('/fit')) {
      response.writeHead(200, { 'content-type': 'application/json' }).end(fitting);
      return;
    }
    let written = 0;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.on('close', () => sent.push(written));
    const writeMore = () => {
      while (!response.destroyed && written < BODIES.endlessBytes) {
        written += chunk.length;
        if (!response.write(chunk)) return void response.once('drain', writeMore);
      }
      response.end();
    };
    writeMore();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new OrchestratorClient({
    credentials: { accountSid, authToken },
    conversationsBaseUrl: url,
    memoryBaseUrl: url,
  });
  const read = () => client.memory.getStore('fit');
  const refuse = () =>
    client.memory.getStore('endless').then(
      () => {
        throw new Error('a 200 MB body was accepted');
      },
      (error: unknown) => {
        if (!(error instanceof ResponseTooLargeError)) throw error;
      },
    );
  try {
    const readTimes: number[] = [];
    const refuseTimes: number[] = [];
    for (let i = 0; i < BODIES.warmup + BODIES.requests; i++) {
      const readTime = await timed(read);
      const refuseTime = await timed(refuse);
      if (i < BODIES.warmup) continue;
      readTimes.push(readTime);
      refuseTimes.push(refuseTime);
    }
    return {
      read: distribution(readTimes),
      refuse: distribution(refuseTimes),
      maxSentBytes: Math.max(...sent),
    };
  } finally {
    await client.close();
    server.closeAllConnections();
    server.close();
  }
}

/** Polls per second with `concurrency` requests in flight, after a warm-up. */
async function measureThroughput(poll: () => Promise<unknown>): Promise<number> {
  await runConcurrently(poll, THROUGHPUT.warmup, THROUGHPUT.concurrency);
  const started = performance.now();
  await runConcurrently(poll, THROUGHPUT.requests, THROUGHPUT.concurrency);
  return THROUGHPUT.requests / ((performance.now() - started) / 1000);
}

async function runConcurrently(
  task: () => Promise<unknown>,
  total: number,
  concurrency: number,
): Promise<void> {
  let started = 0;
  const worker = async () => {
    while (started < total) {
      started++;
      await task();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

interface Distribution {
  median: number;
  p95: number;
}

/** Sequential latencies of both, interleaved so drift (GC, CPU frequency) hits both alike. */
async function measureLatency(
  raw: () => Promise<unknown>,
  viaClient: () => Promise<unknown>,
): Promise<{ raw: Distribution; viaClient: Distribution }> {
  const rawTimes: number[] = [];
  const clientTimes: number[] = [];
  for (let i = 0; i < LATENCY.warmup + LATENCY.requests; i++) {
    const rawTime = await timed(raw);
    const clientTime = await timed(viaClient);
    if (i < LATENCY.warmup) continue;
    rawTimes.push(rawTime);
    clientTimes.push(clientTime);
  }
  return { raw: distribution(rawTimes), viaClient: distribution(clientTimes) };
}

async function timed(task: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await task();
  return performance.now() - started;
}

function distribution(samples: number[]): Distribution {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (quantile: number) => sorted[Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))]!;
  return { median: at(0.5), p95: at(0.95) };
}

const format = (value: number, digits: number) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (value: number) => `${format(value, 3)} ms`;

const watchdog = setTimeout(() => {
  console.error(`api-bench: gave up after ${WATCHDOG_MS / 1000} s`);
  process.exit(2);
}, WATCHDOG_MS);
watchdog.unref();

main().catch((error: unknown) => {
  console.error('api-bench failed:', error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
