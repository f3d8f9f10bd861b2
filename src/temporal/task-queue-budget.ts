/**
 * One budget for the Orchestrator API, shared by every worker: the dispatch rate of the task
 * queue's activities, set on the Temporal server (the task-queue config API, server ≥ 1.29) and
 * enforced by it for all workers together. Every Orchestrator call is an activity on that queue
 * (one request each), so the rate bounds the requests the account gets from the whole fleet of
 * workers, retries included. Each worker bounds its own calls in flight with
 * `maxConcurrentActivityTaskExecutions` (src/worker-tuning.ts); the activities turn eager
 * dispatch off (src/workflows/activity-calls.ts), which would skip the queue's limit.
 *
 * The budget is one setting, `ORCHESTRATOR_API_RATE`, that every worker applies at start:
 * - a number: that many requests per second for all workers together;
 * - `unlimited`: removes a limit set earlier;
 * - unset: the worker leaves the queue's limit as it is — none on a new queue, else the one
 *   the last worker (or an operator, `temporal task-queue config set`) set. Unset does not
 *   clear it: the last worker to start wins, and a worker that was simply not given the setting
 *   (an older deployment, a one-off worker pointed at the cluster) must not lift the fleet's budget.
 *
 * Why the server's limit and not the worker option `maxTaskQueueActivitiesPerSecond`: workers
 * with different values of that option "thrash with the last poller winning" (its docs), and a
 * limit set through the API takes precedence over it.
 *
 * The limit is on dispatches: each of the queue's partitions gets `rate / partitions` and, after
 * a quiet second, lets that second's worth plus one through at once, then spaces its tasks. With
 * one partition (FAIRNESS_SERVER_ARGS, on every server the project starts) that is a burst of
 * `rate + 1`, then one task every `1 / rate` s; with Temporal's default of four, up to
 * `rate + 4` at once. Requests follow their dispatch by the worker's latency, so an account
 * limit needs some room above the rate for the jitter between the two.
 */
import { hostname } from 'node:os';
import { isGrpcServiceError, type ConnectionLike } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { ConfigurationError } from '../common/configuration-error';

/** Requests per second for all workers together, or `unlimited` to remove a limit set earlier. */
export type ApiRate = number | 'unlimited';

export const API_RATE_VARIABLE = 'ORCHESTRATOR_API_RATE';

/*
 * Below about 1e-9 the server treats a rate as zero and dispatches nothing, ever; above its own
 * default dispatch limit (100,000 per second and partition) a rate limits nothing.
 */
const MIN_RATE = 0.001;
const MAX_RATE = 100_000;
const RATE_RULE = `a number of requests per second from ${MIN_RATE} to ${MAX_RATE} (e.g. 50 or 0.5), or unlimited`;

/** The server's rate limits are per task queue and type: the API calls are activities. */
const ACTIVITY = temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY;

function isValidRate(rate: unknown): rate is ApiRate {
  return (
    rate === 'unlimited' ||
    (typeof rate === 'number' && Number.isFinite(rate) && rate >= MIN_RATE && rate <= MAX_RATE)
  );
}

/**
 * `ORCHESTRATOR_API_RATE`: `undefined` when unset or empty (the queue's limit is left as it is).
 *
 * @throws ConfigurationError naming the variable and its rule (never the value).
 */
export function apiRateFromEnv(env: NodeJS.ProcessEnv = process.env): ApiRate | undefined {
  const text = env[API_RATE_VARIABLE]?.trim();
  if (!text) return undefined;
  const rate = text === 'unlimited' ? text : /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (!isValidRate(rate)) throw new ConfigurationError(`${API_RATE_VARIABLE} must be ${RATE_RULE}.`);
  return rate;
}

/** The rate limit a task queue's activities have on the server. */
export interface QueueRateLimit {
  /** Requests per second for all workers together; `undefined`: no limit. */
  requestsPerSecond?: number;
  /** Who set it (the identity of the worker or `temporal` CLI that did). */
  setBy?: string;
  /** Why, as the setter said. */
  reason?: string;
}

/**
 * The server cannot set (or tell) a task queue's rate limit: too old for the task-queue config
 * API (UNIMPLEMENTED, servers before 1.29 and the time-skipping test server) or not allowed for
 * these credentials (PERMISSION_DENIED).
 */
export class ApiBudgetUnavailableError extends Error {
  override readonly name = 'ApiBudgetUnavailableError';

  constructor(
    readonly taskQueue: string,
    /** The server's answer, e.g. `UNIMPLEMENTED: …`. */
    readonly serverAnswer: string,
  ) {
    super(
      `${API_RATE_VARIABLE} (createWorker's apiRate) is set, but the Temporal server refused to set the rate ` +
        `limit of task queue ${taskQueue} (${serverAnswer}). The task-queue config API needs Temporal server 1.29 ` +
        'or later and the right to change task queues. Upgrade the server, or unset the rate: the workers then ' +
        'share no budget, and each bounds its own calls only (TEMPORAL_MAX_CONCURRENT_ACTIVITIES).',
    );
  }
}

export interface BudgetTarget {
  namespace: string;
  taskQueue: string;
}

/**
 * Sets the rate limit of `taskQueue`'s activities on the server, for every worker polling it.
 *
 * @throws ApiBudgetUnavailableError when the server does not offer the task-queue config API
 *   (or not to these credentials); any other failure as it comes.
 */
export async function applyApiBudget(
  connection: Pick<ConnectionLike, 'workflowService'>,
  { namespace, taskQueue }: BudgetTarget,
  rate: ApiRate,
): Promise<QueueRateLimit> {
  if (!isValidRate(rate)) throw new RangeError(`apiRate must be ${RATE_RULE}`);
  const reason = `${API_RATE_VARIABLE}=${rate} of a worker at start`;
  try {
    const { config } = await connection.workflowService.updateTaskQueueConfig({
      namespace,
      taskQueue,
      taskQueueType: ACTIVITY,
      identity: workerIdentity(),
      // Without `rateLimit`, the server removes the queue's limit.
      updateQueueRateLimit:
        rate === 'unlimited' ? { reason } : { rateLimit: { requestsPerSecond: rate }, reason },
    });
    return queueRateLimitOf(config);
  } catch (err) {
    const code = isGrpcServiceError(err) ? UNAVAILABLE_CODES.get(err.code) : undefined;
    if (code && isGrpcServiceError(err)) {
      throw new ApiBudgetUnavailableError(taskQueue, err.details ? `${code}: ${err.details}` : code);
    }
    throw err;
  }
}

/**
 * The rate limit of `taskQueue`'s activities as the server reports it, `undefined` when it
 * cannot say (no task-queue config API, or not for these credentials).
 */
export async function readApiBudget(
  connection: Pick<ConnectionLike, 'workflowService'>,
  { namespace, taskQueue }: BudgetTarget,
): Promise<QueueRateLimit | undefined> {
  try {
    const { config } = await connection.workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name: taskQueue },
      taskQueueType: ACTIVITY,
      reportConfig: true,
    });
    return queueRateLimitOf(config);
  } catch (err) {
    if (isGrpcServiceError(err) && UNAVAILABLE_CODES.has(err.code)) return undefined;
    throw err;
  }
}

/** One line for a worker's start-up log. */
export function describeApiBudget(limit: QueueRateLimit | undefined, rate: ApiRate | undefined): string {
  const origin =
    rate === undefined ? `${API_RATE_VARIABLE} unset here, left as it was` : `from ${API_RATE_VARIABLE}`;
  if (!limit) return `unknown: the server does not report task queue limits (${origin})`;
  if (limit.requestsPerSecond === undefined) return `no limit (${origin})`;
  const setBy = limit.setBy ? `, set by ${limit.setBy}` : '';
  return `${limit.requestsPerSecond} requests/s for all workers (${origin}${setBy})`;
}

/** The gRPC status codes of a server that will not set or tell a task queue's limit. */
const UNAVAILABLE_CODES: ReadonlyMap<number, string> = new Map([
  [7, 'PERMISSION_DENIED'],
  [12, 'UNIMPLEMENTED'],
]);

function queueRateLimitOf(
  config: temporal.api.taskqueue.v1.ITaskQueueConfig | null | undefined,
): QueueRateLimit {
  const limit = config?.queueRateLimit;
  return {
    // The wire type is a float32: 0.1 comes back as 0.10000000149.
    requestsPerSecond: limit?.rateLimit
      ? Number((limit.rateLimit.requestsPerSecond ?? 0).toPrecision(7))
      : undefined,
    setBy: limit?.metadata?.updateIdentity || undefined,
    reason: limit?.metadata?.reason || undefined,
  };
}

/**
 * What every Temporal server the project runs is started with, beside the budget:
 * - fairness (`matching.enableFairness`, off by default through server 1.32), so each tenant's
 *   work is dispatched in turn by its `fairnessKey` instead of first come, first served.
 *   Priorities (`priorityKey`) need no setting from server 1.31 (`matching.useNewMatcher`);
 * - one partition per task queue (Temporal's default is four): the rate limit, the priority
 *   order and the fair turns are then kept across the whole queue, not per partition, and a
 *   quiet queue's burst is `rate + 1`, not `rate + 4`. One partition dispatches far more than an
 *   API budget's tens of requests per second. Lowering the partitions of a server whose queues
 *   already hold tasks in the others would strand those tasks; these servers start with it.
 * As `temporal server start-dev` flags; docker/dynamicconfig/development-sql.yaml sets the same
 * for `npm run cluster` and docker-compose.
 */
export const FAIRNESS_SERVER_ARGS: readonly string[] = [
  '--dynamic-config-value',
  'matching.enableFairness=true',
  '--dynamic-config-value',
  'matching.numTaskqueueReadPartitions=1',
  '--dynamic-config-value',
  'matching.numTaskqueueWritePartitions=1',
];

/** The SDK's default worker identity, so the server's record names the worker that set the limit. */
function workerIdentity(): string {
  return `${process.pid}@${hostname()}`;
}
