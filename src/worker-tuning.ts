/**
 * How much a worker takes on at once, from the environment:
 *
 * | Variable                                 | Worker option                           | Default |
 * | ---------------------------------------- | --------------------------------------- | ------- |
 * | `TEMPORAL_MAX_CONCURRENT_ACTIVITIES`     | `maxConcurrentActivityTaskExecutions`   | 100     |
 * | `TEMPORAL_MAX_CONCURRENT_WORKFLOW_TASKS` | `maxConcurrentWorkflowTaskExecutions`   | 10      |
 * | `TEMPORAL_MAX_CACHED_WORKFLOWS`          | `maxCachedWorkflows` (the sticky cache) | 100     |
 *
 * Why these defaults (Temporal's worker-performance guide, applied to this workload):
 * - Activities are one HTTP call each, waiting on the network with a 10 s timeout, never on the
 *   CPU: 100 slots (the SDK's default) keep a burst of provisionings moving. The variable is
 *   therefore this worker's bound on Orchestrator requests in flight: the concurrency half of
 *   the API budget. Twilio answers 429/20429 past the account's concurrent requests, so W
 *   workers must keep W × this bound under it. The rate half, requests per second for all
 *   workers together, is ORCHESTRATOR_API_RATE, which the server enforces
 *   (src/temporal/task-queue-budget.ts).
 * - Workflow tasks run on one thread (the SDK reuses one V8 context): slots beyond a handful
 *   only queue work in memory, so 10 instead of the SDK's 40. A task slot holds a cached run,
 *   so the SDK requires slots <= cache size (unless the cache is off); this is refused here
 *   rather than silently lowered.
 * - The sticky cache keeps runs in memory between their tasks so they are not replayed; a run
 *   evicted from it is replayed from its history at its next wake-up. Since the workflow modules
 *   are preloaded (src/workflow-bundle-options.ts) a replay re-evaluates nothing but the run, a
 *   few milliseconds, while each cached run still holds about 0.3 to 0.6 MB, most of it on the
 *   SDK's Rust side (a run that only sleeps holds 0.3 MB). So 100: with 1,000 provisionings
 *   in flight, `npm run bench` measured a peak of 236 MiB of RSS (bin/orchestrator-worker),
 *   all done in 239 s. Raise it when the worker has memory to spare and its CPU is busy
 *   replaying; 0 turns it off.
 *
 * Fixed slot counts rather than the SDK's resource-based tuner: that tuner is experimental in
 * SDK 1.24 and targets system-wide memory and CPU use, which says little about a worker that
 * shares its machine; fixed counts behave the same on every host.
 */
import { ConfigurationError } from './common/configuration-error';

export interface WorkerTuning {
  /** Activity tasks run at once: this worker's Orchestrator requests in flight (one each). @default 100 */
  maxConcurrentActivityTaskExecutions: number;
  /** Workflow tasks run at once; at most `maxCachedWorkflows` unless that is 0. @default 10 */
  maxConcurrentWorkflowTaskExecutions: number;
  /** Runs kept in memory between their workflow tasks (the sticky cache); 0 turns it off. @default 100 */
  maxCachedWorkflows: number;
}

export const DEFAULT_WORKER_TUNING: Readonly<WorkerTuning> = {
  maxConcurrentActivityTaskExecutions: 100,
  maxConcurrentWorkflowTaskExecutions: 10,
  maxCachedWorkflows: 100,
};

interface TuningVariable {
  option: keyof WorkerTuning;
  /** The accepted whole numbers, as the error message states them. */
  accepts: (value: number) => boolean;
  rule: string;
}

/** The variables, in the order their errors are listed. */
export const TUNING_VARIABLES: Readonly<Record<string, TuningVariable>> = {
  TEMPORAL_MAX_CONCURRENT_ACTIVITIES: {
    option: 'maxConcurrentActivityTaskExecutions',
    accepts: (value) => value >= 1 && value <= 10_000,
    rule: 'a whole number from 1 to 10000',
  },
  TEMPORAL_MAX_CONCURRENT_WORKFLOW_TASKS: {
    option: 'maxConcurrentWorkflowTaskExecutions',
    // The SDK needs two: one for a run's task, one for a query or eviction meanwhile.
    accepts: (value) => value >= 2 && value <= 1_000,
    rule: 'a whole number from 2 to 1000',
  },
  TEMPORAL_MAX_CACHED_WORKFLOWS: {
    option: 'maxCachedWorkflows',
    // A cache of one cannot hold a run while another's task runs; the SDK would raise it to 2.
    accepts: (value) => value === 0 || (value >= 2 && value <= 100_000),
    rule: '0 (no cache) or a whole number from 2 to 100000',
  },
};

/**
 * The worker's tuning: each variable that is set (non-empty) replaces its default.
 *
 * @throws ConfigurationError naming every bad variable and its rule (never a value), before
 *   anything connects.
 */
export function workerTuningFromEnv(env: NodeJS.ProcessEnv = process.env): WorkerTuning {
  const tuning: WorkerTuning = { ...DEFAULT_WORKER_TUNING };
  const problems: string[] = [];
  for (const [name, variable] of Object.entries(TUNING_VARIABLES)) {
    const text = env[name]?.trim();
    if (!text) continue;
    const value = /^\d+$/.test(text) ? Number(text) : NaN;
    if (Number.isSafeInteger(value) && variable.accepts(value)) tuning[variable.option] = value;
    else problems.push(`${name} must be ${variable.rule}`);
  }
  const { maxCachedWorkflows: cache, maxConcurrentWorkflowTaskExecutions: slots } = tuning;
  if (problems.length === 0 && cache > 0 && slots > cache) {
    problems.push(
      'TEMPORAL_MAX_CONCURRENT_WORKFLOW_TASKS must not exceed TEMPORAL_MAX_CACHED_WORKFLOWS ' +
        `(default ${DEFAULT_WORKER_TUNING.maxCachedWorkflows}) unless the cache is off (0): ` +
        'each running workflow task holds a cached run',
    );
  }
  if (problems.length > 0) throw new ConfigurationError(`Bad worker tuning: ${problems.join('; ')}.`);
  return tuning;
}

/** One line for the worker's start-up log. */
export function describeWorkerTuning(tuning: WorkerTuning): string {
  return (
    `${tuning.maxConcurrentActivityTaskExecutions} activities, ` +
    `${tuning.maxConcurrentWorkflowTaskExecutions} workflow tasks, ` +
    `${tuning.maxCachedWorkflows} cached workflows`
  );
}
