/**
 * What the fleet apply left in Temporal's histories: the events of each run of its
 * continue-as-new chain, and the billable actions of each tenant's provisioning child, counted
 * from its history as Temporal Cloud counts them.
 */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const EventType = temporal.api.enums.v1.EventType;

/** Billable actions of one history, by kind (Temporal Cloud's categories that a history shows). */
export interface ActionCount {
  /** The run's start (a client's, a parent's for a child, a continue-as-new's) and the children it starts. */
  starts: number;
  /** Activity attempts: each one scheduled, and each retry of it (its start event's `attempt`). */
  activities: number;
  timers: number;
  /** Search-attribute (and memo) upserts. */
  upserts: number;
  /** Signals received or sent, updates accepted. */
  messages: number;
  total: number;
}

/**
 * Counts a history's billable actions. Not in a history, so not counted: activity heartbeats
 * that reached the server (the activities here are single fast HTTP calls, under the 1 s
 * heartbeat interval), queries, and rejected updates.
 */
export function billableActions(events: readonly HistoryEvent[]): ActionCount {
  const count = { starts: 0, activities: 0, timers: 0, upserts: 0, messages: 0 };
  const attemptsBySchedule = new Map<string, number>();
  for (const event of events) {
    const started = event.activityTaskStartedEventAttributes;
    if (started) attemptsBySchedule.set(String(started.scheduledEventId), started.attempt ?? 1);
  }
  for (const event of events) {
    switch (event.eventType) {
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
      case EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
        count.starts += 1;
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        // An attempt that never started (cancelled while scheduled) was still scheduled once.
        count.activities += attemptsBySchedule.get(String(event.eventId)) ?? 1;
        break;
      case EventType.EVENT_TYPE_TIMER_STARTED:
        count.timers += 1;
        break;
      case EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
      case EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED:
        count.upserts += 1;
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
      case EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED:
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
        count.messages += 1;
        break;
      default:
    }
  }
  const total = count.starts + count.activities + count.timers + count.upserts + count.messages;
  return { ...count, total };
}

export function sumActions(counts: readonly ActionCount[]): ActionCount {
  const sum = { starts: 0, activities: 0, timers: 0, upserts: 0, messages: 0, total: 0 };
  for (const count of counts)
    for (const key of Object.keys(sum) as (keyof ActionCount)[]) sum[key] += count[key];
  return sum;
}

/** When an event happened, in epoch milliseconds (NaN without one). */
export function eventMs(event: HistoryEvent | undefined): number {
  return Number(event?.eventTime?.seconds ?? NaN) * 1000 + (event?.eventTime?.nanos ?? 0) / 1e6;
}

/** Milliseconds from a history's first event to its last: the run's duration once closed. */
export function spanMs(events: readonly HistoryEvent[]): number {
  return eventMs(events[events.length - 1]) - eventMs(events[0]);
}

/**
 * Schedule-to-start of each task in a history: how long activity tasks waited in the queue (the
 * budget's rate limit, priorities and fairness act there) and how long workflow tasks waited for
 * a worker's slot (a busy worker shows there).
 */
export function queueWaits(events: readonly HistoryEvent[]): {
  activityMs: number[];
  workflowTaskMs: number[];
} {
  const byId = new Map(events.map((event) => [String(event.eventId), event]));
  const waits = { activityMs: [] as number[], workflowTaskMs: [] as number[] };
  for (const event of events) {
    const activity = event.activityTaskStartedEventAttributes;
    const workflowTask = event.workflowTaskStartedEventAttributes;
    const scheduledId = activity?.scheduledEventId ?? workflowTask?.scheduledEventId;
    if (scheduledId === undefined || scheduledId === null) continue;
    const wait = eventMs(event) - eventMs(byId.get(String(scheduledId)));
    (activity ? waits.activityMs : waits.workflowTaskMs).push(wait);
  }
  return waits;
}

/** The window an apply run was started with, read from its input (payloads unencrypted here). */
export function applyWindowOf(events: readonly HistoryEvent[]): number | undefined {
  const payload = events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  if (!payload?.data) return undefined;
  const input = JSON.parse(Buffer.from(payload.data).toString('utf8')) as { options?: { window?: number } };
  return input.options?.window;
}

/** Milliseconds from a history's first event to its first child started (NaN without one). */
export function msToFirstChild(events: readonly HistoryEvent[]): number {
  const child = events.find(
    (event) => event.eventType === EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED,
  );
  return eventMs(child) - eventMs(events[0]);
}

export interface RunHistory {
  runId: string;
  events: HistoryEvent[];
  /** Whether the run ended by continuing as new. */
  continuedAsNew: boolean;
}

/** At most this many runs are followed: a chain longer than that is a bug to report, not to walk. */
const MAX_RUNS = 100;

/**
 * Every run of `workflowId`'s continue-as-new chain, first to last: from the latest run's
 * `firstExecutionRunId`, each run's history, following `newExecutionRunId`.
 */
export async function runChain(client: Client, workflowId: string): Promise<RunHistory[]> {
  const latest = await client.workflow.getHandle(workflowId).fetchHistory();
  const firstRunId = latest.events?.[0]?.workflowExecutionStartedEventAttributes?.firstExecutionRunId;
  if (!firstRunId) throw new Error(`${workflowId}: its history names no first run`);
  const runs: RunHistory[] = [];
  let runId: string | undefined = firstRunId;
  while (runId) {
    if (runs.length >= MAX_RUNS) throw new Error(`${workflowId}: more than ${MAX_RUNS} runs`);
    const events: HistoryEvent[] =
      (await client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [];
    const next = events[events.length - 1]?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
    runs.push({ runId, events, continuedAsNew: Boolean(next) });
    runId = next ?? undefined;
  }
  return runs;
}

/** `work` over `items`, at most `concurrency` at once, results in order. */
export async function mapBounded<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return results;
}
