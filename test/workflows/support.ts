/**
 * Shared set-up of the workflow tests: one time-skipping test server and one workflow bundle
 * per test file, a fresh emulator (real HTTP over a socket) and a worker on its own task queue
 * per provisioning.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  bundleWorkflowCode,
  DefaultLogger,
  Worker,
  type ActivityInterceptorsFactory,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { createActivities } from '../../src/activities';
import { OrchestratorClient, type Operation, type OrchestratorApi } from '../../src/api';
import {
  startEmulator,
  type EmulatorOptions,
  type EmulatorStateSummary,
  type RunningEmulator,
} from '../../src/emulator';
import { resolveTemporalBinary } from '../../src/toolchain/temporal-binaries';
import { workflowBundleOptions } from '../../src/workflow-bundle-options';
import { provisionOrchestrator } from '../../src/workflows';
import { SEARCH_ATTRIBUTE_KEYS, type ProvisionResult } from '../../src/workflows/definitions';
import type { ProvisionInput } from '../../src/workflows/provision-input';
import { HistoryRecorder, recordingHistories } from '../replay/history-recorder';
import { provisionInput } from '../support/inputs';
import { useResources, type Resources } from '../setup/resources';

export interface TestBed {
  env: TestWorkflowEnvironment;
  workflowBundle: WorkflowBundleWithSourceMap;
}

/** The test server and the bundle (a few seconds, once per file: see `useTestBed`). */
async function createTestBed(resources: Resources): Promise<TestBed> {
  const [env, workflowBundle] = await Promise.all([
    resources.start(
      TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: resolveTemporalBinary('test-server').executable },
      }),
      (started) => started.teardown(),
    ),
    resources.start(bundleWorkflowCode(workflowBundleOptions({ logger: quietBundlerLogger }))),
  ]);
  // The test server implements AddSearchAttributes (not ListSearchAttributes): without these,
  // every upsert would fail the workflow task.
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      // Every key has a valid type, so the encoding is always defined.
      SEARCH_ATTRIBUTE_KEYS.map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type)!]),
    ),
  });
  return { env, workflowBundle };
}

const quietBundlerLogger = new DefaultLogger('ERROR');

/**
 * One test bed for the whole test file: created before its first test, torn down after its last.
 * The bed returned stands for it; use it inside hooks and tests, as it throws before it exists.
 */
export function useTestBed(): TestBed {
  let created: TestBed | undefined;
  const current = (): TestBed => {
    if (!created) throw new Error('useTestBed: the bed is created in beforeAll; use it in hooks and tests');
    return created;
  };
  let recorder: HistoryRecorder | undefined;
  const resources = useResources();
  beforeAll(async () => {
    created = await createTestBed(resources);
    if (recordingHistories()) recorder = new HistoryRecorder(created.env.client);
  });
  afterEach(async () => {
    const { testPath, currentTestName } = expect.getState();
    await recorder?.flush(testPath ?? 'unknown', currentTestName ?? 'unnamed');
  });
  return {
    get env() {
      return current().env;
    },
    get workflowBundle() {
      return current().workflowBundle;
    },
  };
}

/**
 * Deterministic under time skipping: operations and actions settle on their Nth status read
 * (the emulator's wall clock does not follow the test server's skipped time).
 */
export const DETERMINISTIC_LATENCY: EmulatorOptions = {
  operationLatency: { polls: 1 },
  actionLatency: { polls: 1 },
};

/**
 * A provisioning that looks for an unconfirmed message for `lookForMs` (also its polling deadline)
 * and then fails at once, awaiting no decision: a send's unknown outcome ends the run.
 */
export function inputFailingWhenUnconfirmed(lookForMs: number): ProvisionInput {
  const input = provisionInput({ polling: { operationDeadlineMs: lookForMs } });
  return { ...input, message: { ...input.message, unconfirmed: { lookForMs, decideWithinMs: 0 } } };
}

/** The emulator's options, plus how the rig connects it to the worker. */
export interface RigOptions extends EmulatorOptions {
  /**
   * `workflow`: every activity first moves the emulator's clock up to the test server's
   * (skipped) time, so `ms` latencies count workflow time: an operation or Action stays PENDING
   * across activity timeouts and durable timers as it would against the real API. @default 'wall'
   */
  emulatorClock?: 'wall' | 'workflow';
  /**
   * Stands between the worker's activities and the API client, e.g. to fail one call as the
   * network would.
   */
  interceptApi?: (api: OrchestratorApi) => OrchestratorApi;
}

/** Moves an emulator's clock forward to a given time (never back). */
class EmulatorClockFollower {
  private offsetMs = 0;

  constructor(private readonly emulator: RunningEmulator) {}

  moveTo(timeMs: number): void {
    const lagMs = timeMs - (Date.now() + this.offsetMs);
    if (lagMs <= 0) return;
    this.emulator.advanceClock(lagMs);
    this.offsetMs += lagMs;
  }

  /** Before each activity: the test server stamps the attempt with its own (skipped) time. */
  readonly activityInterceptor: ActivityInterceptorsFactory = (context) => ({
    inbound: {
      execute: (input, next) => {
        this.moveTo(context.info.currentAttemptScheduledTimestampMs);
        return next(input);
      },
    },
  });
}

export interface Rig {
  emulator: RunningEmulator;
  api: OrchestratorClient;
  taskQueue: string;
  /**
   * Under `emulatorClock: 'workflow'`: brings the emulator's clock to the test server's time
   * (for set-up before a run).
   */
  followWorkflowTime(): Promise<void>;
  /** A worker on the rig's task queue; `cacheWorkflows: false` turns off sticky execution. */
  newWorker(options?: { cacheWorkflows?: boolean }): Promise<Worker>;
  start(input: ProvisionInput): Promise<WorkflowHandle<typeof provisionOrchestrator>>;
}

/**
 * Runs `body` with a fresh emulator, an API client pointed at it and a worker factory; closes
 * them all afterwards.
 */
export async function withRig<T>(
  bed: TestBed,
  options: RigOptions,
  body: (rig: Rig) => Promise<T>,
): Promise<T> {
  const { emulatorClock = 'wall', interceptApi, ...emulatorOptions } = options;
  const emulator = await startEmulator({ ...DETERMINISTIC_LATENCY, ...emulatorOptions });
  const api = new OrchestratorClient({
    credentials: emulator.credentials,
    conversationsBaseUrl: emulator.url,
    memoryBaseUrl: emulator.url,
  });
  const clock = emulatorClock === 'workflow' ? new EmulatorClockFollower(emulator) : undefined;
  const taskQueue = `provision-test-${randomUUID()}`;
  const rig: Rig = {
    emulator,
    api,
    taskQueue,
    followWorkflowTime: async () => clock?.moveTo(await bed.env.currentTimeMs()),
    newWorker: ({ cacheWorkflows = true } = {}) =>
      Worker.create({
        connection: bed.env.nativeConnection,
        taskQueue,
        workflowBundle: bed.workflowBundle,
        activities: createActivities(interceptApi ? interceptApi(api) : api),
        ...(clock ? { interceptors: { activity: [clock.activityInterceptor] } } : {}),
        ...(cacheWorkflows ? {} : { maxCachedWorkflows: 0 }),
      }),
    start: (input) =>
      bed.env.client.workflow.start(provisionOrchestrator, {
        taskQueue,
        workflowId: `provision-test-${randomUUID()}`,
        args: [input],
      }),
  };
  try {
    return await body(rig);
  } finally {
    await api.close();
    await emulator.close();
  }
}

export type Outcome = { ok: true; result: ProvisionResult } | { ok: false; error: unknown };

/**
 * Starts a provisioning and runs a worker until it ends. `input` may be built against the rig
 * (e.g. to create a store first); `inspect` runs while the worker still runs (so it can query
 * the closed workflow). Returns the outcome and the emulator's audit summary.
 */
export async function provision(
  bed: TestBed,
  options: RigOptions,
  input: ProvisionInput | ((rig: Rig) => Promise<ProvisionInput>),
  inspect?: (rig: Rig, handle: WorkflowHandle<typeof provisionOrchestrator>) => Promise<void>,
): Promise<{
  outcome: Outcome;
  handle: WorkflowHandle<typeof provisionOrchestrator>;
  summary: EmulatorStateSummary;
}> {
  return withRig(bed, options, async (rig) => {
    const resolvedInput = typeof input === 'function' ? await input(rig) : input;
    const worker = await rig.newWorker();
    const handle = await rig.start(resolvedInput);
    const outcome = await worker.runUntil(async (): Promise<Outcome> => {
      const settled = await handle.result().then(
        (result): Outcome => ({ ok: true, result }),
        (error: unknown): Outcome => ({ ok: false, error }),
      );
      await inspect?.(rig, handle);
      return settled;
    });
    return { outcome, handle, summary: rig.emulator.summary() };
  });
}

type ApiGroup = Exclude<keyof OrchestratorApi, 'getOperationByUrl'>;

/** `api` with some methods of one group replaced; every other call goes through unchanged. */
export function withApiOverrides<G extends ApiGroup>(
  api: OrchestratorApi,
  group: G,
  overrides: Partial<OrchestratorApi[G]>,
): OrchestratorApi {
  return new Proxy(api, {
    get(target, key) {
      if (key === group) return { ...target[group], ...overrides };
      const value: unknown = Reflect.get(target, key);
      // Bound: the client's methods use private fields, which a proxy as `this` does not have.
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** `api` with its SEND_MESSAGE POST replaced by `create`. */
export function withSendMessage(
  api: OrchestratorApi,
  create: OrchestratorApi['actions']['create'],
): OrchestratorApi {
  return withApiOverrides(api, 'actions', { create });
}

/** The result of a provisioning that must succeed (fails the test with the cause otherwise). */
export function succeeded(outcome: Outcome): ProvisionResult {
  if (!outcome.ok) throw outcome.error;
  return outcome.result;
}

/** The error of a provisioning that must fail. */
export function failed(outcome: Outcome): unknown {
  if (outcome.ok)
    throw new Error(`expected the provisioning to fail; it returned ${JSON.stringify(outcome.result)}`);
  return outcome.error;
}

/** Polls an operation straight through the API (set-up outside the workflow). */
async function completedOperation(read: () => Promise<Operation>): Promise<Operation> {
  for (;;) {
    const operation = await read();
    if (operation.status === 'COMPLETED') return operation;
    if (operation.status !== 'PENDING' && operation.status !== 'RUNNING')
      throw new Error(`set-up ${operation.status}`);
  }
}

/** A store created straight through the API (for inputs that name an existing store). */
export async function createStoreDirectly(rig: Rig, displayName: string): Promise<string> {
  const { operationId } = await rig.api.memory.createStore({ displayName });
  const operation = await completedOperation(() => rig.api.memory.getOperation(operationId));
  return operation.result!.id!;
}

/** A configuration created straight through the API, e.g. a namesake of the workflow's. */
export async function createConfigurationDirectly(
  rig: { api: OrchestratorApi },
  memoryStoreId: string,
  displayName: string,
): Promise<string> {
  const accepted = await rig.api.configurations.create(
    {
      displayName,
      description: 'made outside the workflow',
      conversationGroupingType: 'GROUP_BY_PROFILE',
      memoryStoreId,
    },
    { idempotencyKey: randomUUID() },
  );
  await completedOperation(() => rig.api.configurations.getOperation(accepted.operationId));
  const related = accepted.related['configurationId'];
  if (related) return related;
  // The emulator may be told to leave the ID out (as the real API does): find it by name.
  const ids: string[] = [];
  for await (const configuration of rig.api.configurations.list({ memoryStoreId })) {
    if (configuration.displayName === displayName) ids.push(configuration.id);
  }
  if (ids.length !== 1) throw new Error(`set-up: ${ids.length} configurations named ${displayName}`);
  return ids[0]!;
}

/**
 * The `ApplicationFailure` at the end of a failed provisioning's chain: `WorkflowFailedError`,
 * then `ActivityFailure` when an activity failed, then the `ApplicationFailure` itself.
 */
export function applicationFailureOf(error: unknown, via: 'workflow' | 'activity'): ApplicationFailure {
  expect(error).toBeInstanceOf(WorkflowFailedError);
  let cause = (error as WorkflowFailedError).cause;
  if (via === 'activity') {
    expect(cause).toBeInstanceOf(ActivityFailure);
    cause = (cause as ActivityFailure).cause;
  }
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

/** The run's current details (the markdown the Web UI shows), read through the metadata query. */
export async function currentDetailsOf(handle: WorkflowHandle): Promise<string> {
  const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
  return metadata.currentDetails ?? '';
}

type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;

/**
 * A run's history as JSON in which every payload is readable: a fetched history holds payload
 * `data` in base64, where a search for a secret would never find it.
 */
export function readableHistory(history: History): string {
  return JSON.stringify(history, (key, value: unknown) =>
    key === 'data' && typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : value,
  );
}

/**
 * Fails unless `history` is free of the credentials in every form: the auth token, the account
 * SID, and the Basic header made of both. The positive control `known` (text the run did record,
 * e.g. the message text) proves the search reads inside payloads.
 */
export function expectNoCredentialsIn(
  history: History,
  credentials: { accountSid: string; authToken: string },
  known: string,
): void {
  const text = readableHistory(history);
  expect(text).toContain(known);
  const basic = Buffer.from(`${credentials.accountSid}:${credentials.authToken}`).toString('base64');
  for (const secret of [credentials.authToken, credentials.accountSid, basic]) {
    expect(secret).not.toBe('');
    expect(text).not.toContain(secret);
  }
}
