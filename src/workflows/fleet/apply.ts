/**
 * `fleetApply`: applies a fleet's plan as one durable run, started by the fleet's workflow
 * (./fleet). In order:
 * 1. a saved plan must still hold: the account is read and, if anything the plan touches moved
 *    (a version, a name now taken, a configuration gone), the run fails with `StalePlan` naming
 *    each change, before it changes anything;
 * 2. the stores are made or taken over, all at once (an account holds at most 15, and every
 *    tenant waits for its store);
 * 3. the tenants' changes go through a sliding window of children (at most `window` at once),
 *    each tenant's failure recorded with the others going on (./apply-steps);
 * 4. the stores the fleet no longer names are removed.
 *
 * Its history stays short: past `continueAsNewAfterEvents` events (or when the server suggests
 * it) it starts no more tenants, lets the window drain, and continues as new with the items left
 * and the outcomes so far. The `applyProgress` query and the current details show where it is.
 *
 * Deterministic: no I/O here.
 */
import { ApplicationFailure, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import { z } from 'zod';
import { FailureType } from '../failure-types';
import { inputSchema, InvalidInputError, type InputIssue, type ParsedInputOf } from '../input-schema';
import { validated } from '../validated';
import { ApplyBook, type CarriedOutcomes } from './apply-book';
import { applyStoreItem, applyTenantItem, type TenantContext, type TenantItem } from './apply-steps';
import {
  applyProgressQuery,
  type ApplyOptions,
  type ApplyResult,
  type PlanItem,
  type StoreOutcome,
} from './definitions';
import { readLiveState } from './read-state';
import { staleChanges } from './stale-plan';

export const DEFAULT_APPLY_WINDOW = 20;
export const MAX_APPLY_WINDOW = 100;

/**
 * The window that lets the API budget, not the window, bound an apply: two tenants in flight per
 * request per second. A tenant in flight makes about one request a second or less (4 to 5 over
 * its 4 to 7 s, most of it waiting for its operation), so a window of the rate alone would leave
 * the budget partly unused (bench:fleet at 50/s on 2 cores: window 20 took 1.91 × the ideal time,
 * 50 took 1.25 ×, 100 took 1.10 to 1.21 ×). Without a budget (or one the server cannot tell),
 * DEFAULT_APPLY_WINDOW.
 */
export function windowForApiRate(requestsPerSecond: number | undefined): number {
  if (requestsPerSecond === undefined) return DEFAULT_APPLY_WINDOW;
  return Math.min(MAX_APPLY_WINDOW, Math.max(DEFAULT_APPLY_WINDOW, Math.ceil(2 * requestsPerSecond)));
}

/** Well below the server's warning at 10,240 events, leaving room for the window to drain. */
export const DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS = 8_000;

/** Thrown by `parseApplyOptions`; the message lists every `field: rule`. */
export class InvalidApplyOptionsError extends InvalidInputError {
  constructor(issues: InputIssue[]) {
    super('apply options', issues);
    this.name = 'InvalidApplyOptionsError';
  }
}

const applyOptions = inputSchema(
  () =>
    z.strictObject({
      window: z
        .int('must be a whole number')
        .min(1, 'must be at least 1')
        .max(MAX_APPLY_WINDOW, `must be at most ${MAX_APPLY_WINDOW} (children in flight at once)`)
        .default(DEFAULT_APPLY_WINDOW),
      continueAsNewAfterEvents: z
        .int('must be a whole number')
        .min(1, 'must be at least 1')
        .max(10_000, 'must be at most 10000 (the server warns at 10,240 events)')
        .default(DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS),
    }),
  InvalidApplyOptionsError,
);

/** Validates an apply's options, with their defaults; throws `InvalidApplyOptionsError` naming each bad field. */
export function parseApplyOptions(raw: unknown): ParsedInputOf<typeof applyOptions> {
  return applyOptions.parse(raw);
}

export interface FleetApplyInput {
  fleet: string;
  /** The plan's items left to apply, in the plan's order. */
  items: PlanItem[];
  options?: ApplyOptions;
  /** What the fleet already manages that the items need but do not name. */
  managed?: {
    /** Store IDs by display name (a tenant created on a store the fleet made before). */
    stores?: Record<string, string>;
    /** Onboarding conversations by tenant ID (removed before a deleted tenant's configuration). */
    conversations?: Record<string, string>;
  };
  /**
   * Refuse the plan (`StalePlan`) when the account moved since it was made. Off for a reconcile,
   * which sets fields back whatever their version, and for a continued run. @default true
   */
  checkPlan?: boolean;
  /** A continued run's: what the runs before it did. */
  carried?: CarriedOutcomes;
}

export async function fleetApply(input: FleetApplyInput): Promise<ApplyResult> {
  const options = validated(input.options ?? {}, parseApplyOptions);
  const { fleet, items } = input;
  const book = new ApplyBook(fleet, items.length, input.carried);
  setHandler(applyProgressQuery, () => book.progress());

  if (input.checkPlan !== false && items.length > 0) await refuseStalePlan(items);

  const storeIds = new Map(Object.entries(input.managed?.stores ?? {}));
  const recordStore = (outcome: StoreOutcome) => {
    book.store(outcome);
    if (outcome.state === 'done' && outcome.action !== 'delete') storeIds.set(outcome.store, outcome.storeId);
  };
  for (const outcome of input.carried?.stores ?? [])
    if (outcome.state === 'done' && outcome.action !== 'delete') storeIds.set(outcome.store, outcome.storeId);

  await Promise.all(
    items.map(async (item) => {
      if (item.kind !== 'store' || item.action === 'delete') return;
      book.started();
      recordStore(await applyStoreItem(item, fleet));
    }),
  );

  const context: TenantContext = {
    fleet,
    storeId: (displayName) => storeIds.get(displayName),
    storeFailure: (displayName) => {
      const outcome = book.storeOutcome(displayName);
      return outcome?.state === 'failed' ? outcome.failure : undefined;
    },
    conversationOf: (tenantId) => input.managed?.conversations?.[tenantId],
  };
  const tenants = items.filter((item): item is TenantItem => item.kind === 'tenant');
  const storeDeletions = items.filter((item) => item.kind === 'store' && item.action === 'delete');
  const left = await applyTenants(tenants, options, context, book);
  if (left.length > 0) {
    return continueAsNew<typeof fleetApply>({
      ...input,
      items: [...left, ...storeDeletions],
      checkPlan: false,
      carried: book.carried(),
    });
  }

  for (const item of storeDeletions) {
    if (item.kind !== 'store') continue;
    book.started();
    recordStore(await applyStoreItem(item, fleet));
  }
  return book.result();
}

/**
 * The tenants' items through a sliding window of `window` at once. Once the history is long, it
 * starts no more (each run starts at least one, so every run makes progress), lets those running
 * end, and returns the items it did not start.
 */
async function applyTenants(
  items: readonly TenantItem[],
  { window, continueAsNewAfterEvents }: { window: number; continueAsNewAfterEvents: number },
  context: TenantContext,
  book: ApplyBook,
): Promise<TenantItem[]> {
  const running = new Map<number, Promise<void>>();
  const historyIsLong = () =>
    workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > continueAsNewAfterEvents;
  let next = 0;
  while (next < items.length || running.size > 0) {
    while (running.size < window && next < items.length && (next === 0 || !historyIsLong())) {
      const index = next++;
      book.started();
      running.set(
        index,
        applyTenantItem(items[index]!, context).then((outcome) => {
          book.tenant(outcome);
          running.delete(index);
        }),
      );
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
  return items.slice(next);
}

async function refuseStalePlan(items: readonly PlanItem[]): Promise<void> {
  const changes = staleChanges(items, await readLiveState());
  if (changes.length === 0) return;
  throw ApplicationFailure.create({
    type: FailureType.StalePlan,
    nonRetryable: true,
    message: `the plan no longer matches the account, so nothing was applied: ${changes.join('; ')}; plan again`,
    details: [{ changes }],
  });
}
