import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { badRequest } from './errors';

/** `pageSize` limits of one list endpoint. */
export interface PageSizeBounds {
  max: number;
  default: number;
}

export interface PageMeta {
  key: string;
  /** The number of items in this page (as the specs define it). */
  pageSize: number;
  nextToken?: string;
  previousToken?: string;
}

/**
 * Opaque page tokens: base64url of `{list, offset}` plus an HMAC under a per-process secret, so
 * a garbage or hand-made token is refused with 400 instead of silently paging somewhere.
 */
export class PageTokens {
  private readonly secret = randomBytes(32);

  encode(list: string, offset: number): string {
    const payload = Buffer.from(JSON.stringify({ list, offset })).toString('base64url');
    return `${payload}.${this.sign(payload)}`;
  }

  /** The offset a token points at; throws 400 unless the token is one of ours, for this list. */
  decode(list: string, token: string): number {
    const invalid = badRequest(`pageToken: not a page token issued by this list (${list})`);
    const [payload, signature, extra] = token.split('.');
    if (!payload || !signature || extra !== undefined) throw invalid;
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalid;
    const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString()) as {
      list: string;
      offset: number;
    };
    if (decoded.list !== list) throw invalid;
    return decoded.offset;
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url').slice(0, 22);
  }
}

/** Reads a query parameter as `name` or `Name` (the official client and the curl docs differ). */
export function queryParam(query: URLSearchParams, name: string): string | null {
  return query.get(name) ?? query.get(name[0]!.toUpperCase() + name.slice(1));
}

export interface PageRequest {
  /** Names the list in tokens, e.g. `configurations` or `communications:conv_conversation_...`. */
  list: string;
  /** `meta.key`: the property holding the items. */
  key: string;
  bounds: PageSizeBounds;
}

/** Slices one page out of `items` following `pageSize` / `pageToken` in the query. */
export function paginate<T>(
  items: readonly T[],
  query: URLSearchParams,
  tokens: PageTokens,
  request: PageRequest,
): { page: T[]; meta: PageMeta } {
  const pageSize = parsePageSize(queryParam(query, 'pageSize'), request.bounds);
  const token = queryParam(query, 'pageToken');
  const offset = token ? tokens.decode(request.list, token) : 0;
  const page = items.slice(offset, offset + pageSize);
  const meta: PageMeta = { key: request.key, pageSize: page.length };
  if (offset + pageSize < items.length) meta.nextToken = tokens.encode(request.list, offset + pageSize);
  if (offset > 0) meta.previousToken = tokens.encode(request.list, Math.max(0, offset - pageSize));
  return { page, meta };
}

function parsePageSize(raw: string | null, bounds: PageSizeBounds): number {
  if (raw === null || raw === '') return bounds.default;
  const size = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(size >= 1 && size <= bounds.max)) {
    throw badRequest(`pageSize: must be an integer from 1 to ${bounds.max} (got '${raw}')`);
  }
  return size;
}
