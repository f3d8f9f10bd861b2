/**
 * `readFleetState`: the account's stores and configurations as a fleet's plan and drift check
 * compare them with the spec, read through the worker's activities (its credentials), so the
 * caller needs only Temporal settings. Each activity is one API call; this walks the pages, each
 * walk bounded, and reads the stores' names (the list gives IDs only) side by side.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import { z } from 'zod';
import type { ListedPage } from '../../activities';
import { PAGE_SIZES } from '../../api/field-rules';
import { activities } from '../activity-calls';
import { FailureType } from '../failure-types';
import { inputSchema, InvalidInputError, type InputIssue, type InputOf } from '../input-schema';
import { validated } from '../validated';
import type { LiveState, LiveStore } from './definitions';

/**
 * Pages one list may take: 100 pages of 1,000 configurations is far past any fleet, and a
 * server whose pages never end stops here instead of filling the history.
 */
export const MAX_PAGES_PER_LIST = 100;

class InvalidReadFleetStateInputError extends InvalidInputError {
  constructor(issues: InputIssue[]) {
    super('fleet state read input', issues);
    this.name = 'InvalidReadFleetStateInputError';
  }
}

function pageSize(max: number) {
  return z
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(max, `must be at most ${max} (the API's maximum)`);
}

const readFleetStateInput = inputSchema(
  () =>
    z.strictObject({
      /** Items per page. @default the API's maximum: 100 stores, 1,000 configurations */
      pageSize: z
        .strictObject({
          stores: pageSize(PAGE_SIZES.memoryStores.max).optional(),
          configurations: pageSize(PAGE_SIZES.configurations.max).optional(),
        })
        .optional(),
    }),
  InvalidReadFleetStateInputError,
);

export type ReadFleetStateInput = InputOf<typeof readFleetStateInput>;

/** Reads the live state; for workflows that need it as one step (a plan's staleness check). */
export async function readLiveState(options: ReadFleetStateInput = {}): Promise<LiveState> {
  const [storeIds, configurations] = await Promise.all([
    walkPages('memory stores', (token) => activities.listStoreIdsPage(token, options.pageSize?.stores)),
    walkPages('configurations', (token) =>
      activities.listConfigurationsPage(token, options.pageSize?.configurations),
    ),
  ]);
  // At most 15 stores live on an account (a few more listed while FAILED): read side by side.
  const details = await Promise.all(storeIds.map((storeId) => activities.getStoreDetails(storeId)));
  const stores: LiveStore[] = [];
  for (const store of details) {
    // Gone since listed, or FAILED: a FAILED store holds nothing and frees its name.
    if (store === null || store.status === 'FAILED') continue;
    const { id, displayName, description } = store;
    stores.push(description === undefined ? { id, displayName } : { id, displayName, description });
  }
  return { stores, configurations };
}

/** The account's stores and configurations (see `readLiveState`). */
export async function readFleetState(rawInput: ReadFleetStateInput = {}): Promise<LiveState> {
  return readLiveState(validated(rawInput, (raw) => readFleetStateInput.parse(raw)));
}

/**
 * Every item of a list, page by page. Stops at the page without `nextToken`; fails
 * (non-retryably) on a token already followed or past `MAX_PAGES_PER_LIST`, naming the list.
 */
async function walkPages<T>(
  list: string,
  readPage: (pageToken: string | undefined) => Promise<ListedPage<T>>,
): Promise<T[]> {
  const items: T[] = [];
  const followed = new Set<string>();
  let pageToken: string | undefined;
  for (let pageNumber = 1; pageNumber <= MAX_PAGES_PER_LIST; pageNumber++) {
    const page = await readPage(pageToken);
    items.push(...page.items);
    if (page.nextToken === undefined) return items;
    if (followed.has(page.nextToken)) {
      throw ApplicationFailure.create({
        type: FailureType.ApiResponseInvalid,
        nonRetryable: true,
        message: `listing ${list}: page ${pageNumber} named a page already read; the server's pages form a cycle`,
      });
    }
    followed.add(page.nextToken);
    pageToken = page.nextToken;
  }
  throw ApplicationFailure.create({
    type: FailureType.ApiResponseInvalid,
    nonRetryable: true,
    message: `listing ${list}: more than ${MAX_PAGES_PER_LIST} pages; no further page was requested`,
  });
}
