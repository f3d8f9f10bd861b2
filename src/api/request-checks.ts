/**
 * Checks made before a request is sent, each refusing with an `InvalidRequestError` that names
 * the field and the rule.
 */
import { InvalidRequestError } from './errors';

/** The API's own pattern for `Idempotency-Key` (a UUID of any version). */
const IDEMPOTENCY_KEY = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * IDs placed in a path: TypeIDs (`mem_store_01k...`) and SIDs are letters, digits and `_`. Dots
 * and slashes are refused so an ID can never point the request at another path.
 */
const PATH_ID = /^[A-Za-z0-9_-]{1,256}$/;

export function checkIdempotencyKey(key: unknown, method: string, path: string): string {
  if (typeof key === 'string' && IDEMPOTENCY_KEY.test(key)) return key;
  throw new InvalidRequestError(
    `${method} ${path} refused before sending: idempotencyKey: must be a UUID (8-4-4-4-12 hex digits)`,
    { method, path, retrySafety: 'never' },
  );
}

/** A path with `{name}` placeholders, split once so filling it per request is plain concatenation. */
export interface PathTemplate {
  readonly template: string;
  /** The path with every placeholder replaced by its checked ID; refuses a bad ID before sending. */
  fill(method: string, params?: Readonly<Record<string, unknown>>): string;
}

export function pathTemplate(template: string): PathTemplate {
  // Literal text at even indices, placeholder names at odd ones.
  const parts = template.split(/\{(\w+)\}/);
  return {
    template,
    fill(method, params = {}) {
      let path = parts[0]!;
      for (let i = 1; i < parts.length; i += 2) {
        const name = parts[i]!;
        const value = params[name];
        if (typeof value !== 'string' || !PATH_ID.test(value)) {
          throw new InvalidRequestError(
            `${method} ${template} refused before sending: ${name}: must be 1-256 letters, digits, '_' or '-'`,
            { method, path: template, retrySafety: 'never' },
          );
        }
        path += value + parts[i + 1]!;
      }
      return path;
    },
  };
}
