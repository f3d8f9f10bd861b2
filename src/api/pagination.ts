import { z } from 'zod';
import { boundText } from './bounded-text';
import { PaginationError } from './errors';
import { pageEnvelopeSchema, parseResponseBody } from './schemas';
import type { HttpResponse } from './transport';
import type { Page } from './types';

/** Longest page token quoted in an error: tokens are opaque and may be long. */
const MAX_QUOTED_TOKEN = 32;

/**
 * Reads one list response. Items come from the array named by `meta.key` when the body has
 * one, else from `knownKey` (the pages' own examples show `"key": "key"`).
 */
export function readPage<T>(response: HttpResponse, knownKey: string, itemSchema: z.ZodType<T>): Page<T> {
  const envelope = parseResponseBody(pageEnvelopeSchema, response.body, 'body', response);
  const { meta } = envelope;
  const key = meta.key !== undefined && Array.isArray(envelope[meta.key]) ? meta.key : knownKey;
  const items = parseResponseBody(z.array(itemSchema), envelope[key], key, response);
  return {
    items,
    meta: {
      key,
      pageSize: meta.pageSize ?? items.length,
      nextToken: meta.nextToken ?? null,
      previousToken: meta.previousToken ?? null,
    },
  };
}

/**
 * Yields every item of a list, fetching the next page (by `meta.nextToken`) only when the
 * previous one is used up. Stops at a missing or empty `nextToken`.
 *
 * Bounded whatever the server answers: a `nextToken` the walk has already followed (a cycle of
 * any length, not only a token repeating the one just sent) and a page past `maxPages` are each a
 * `PaginationError`, thrown instead of sending the request.
 */
export async function* paginate<T>(
  fetchPage: (pageToken: string | undefined) => Promise<{ page: Page<T>; response: HttpResponse }>,
  maxPages: number,
): AsyncGenerator<T, void, undefined> {
  /** Each token followed, with the number of the page it fetched. */
  const followed = new Map<string, number>();
  let pageToken: string | undefined;
  for (let pageNumber = 1; ; pageNumber++) {
    const { page, response } = await fetchPage(pageToken);
    yield* page.items;
    const next = page.meta.nextToken ?? '';
    if (next === '') return;
    const stop = (problem: string) => {
      const listing = response.path.split('?')[0] ?? response.path;
      return new PaginationError(`GET ${listing}: ${problem}; no further page was requested`, {
        method: response.method,
        path: listing,
        status: response.status,
        retrySafety: 'never',
      });
    };
    const seenAt = followed.get(next);
    if (seenAt !== undefined) {
      throw stop(
        `page ${pageNumber} returned meta.nextToken '${boundText(next, MAX_QUOTED_TOKEN)}', which ` +
          `already fetched page ${seenAt}: the server's pages form a cycle`,
      );
    }
    if (pageNumber >= maxPages) {
      throw stop(
        `the listing has more than ${maxPages} pages (the client option maxPages); raise it if ` +
          'the account really holds that many, or use a larger pageSize',
      );
    }
    followed.set(next, pageNumber + 1);
    pageToken = next;
  }
}
