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

/**
 * Fills `{name}` placeholders of a path template with checked IDs, e.g.
 * `buildPath('GET', '/v1/ControlPlane/Stores/{storeId}', { storeId })`.
 */
export function buildPath(
  method: string,
  template: string,
  params: Readonly<Record<string, unknown>> = {},
): string {
  return template.replace(/\{(\w+)\}/g, (_placeholder, name: string) => {
    const value = params[name];
    if (typeof value === 'string' && PATH_ID.test(value)) return value;
    throw new InvalidRequestError(
      `${method} ${template} refused before sending: ${name}: must be 1-256 letters, digits, '_' or '-'`,
      { method, path: template, retrySafety: 'never' },
    );
  });
}
