import { z } from 'zod';
import { ResponseValidationError } from './errors';
import { pageEnvelopeSchema, parseResponseBody } from './schemas';
import type { HttpResponse } from './transport';
import type { Page } from './types';

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
 */
export async function* paginate<T>(
  fetchPage: (pageToken: string | undefined) => Promise<{ page: Page<T>; response: HttpResponse }>,
): AsyncGenerator<T, void, undefined> {
  let pageToken: string | undefined;
  do {
    const { page, response } = await fetchPage(pageToken);
    yield* page.items;
    const next = page.meta.nextToken ?? undefined;
    if (next !== undefined && next === pageToken) {
      // A server bug, but following it would loop forever.
      throw new ResponseValidationError(
        `${response.method} ${response.path} returned meta.nextToken equal to the token it was asked for`,
        { method: response.method, path: response.path, status: response.status, retrySafety: 'never' },
      );
    }
    pageToken = next === '' ? undefined : next;
  } while (pageToken !== undefined);
}
