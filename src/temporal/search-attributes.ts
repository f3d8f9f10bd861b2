/**
 * The workflows upsert custom search attributes (SEARCH_ATTRIBUTE_KEYS). On a namespace without
 * them a worker still starts, and then every workflow task fails and is retried forever
 * ("BadSearchAttributes: Namespace ... has no mapping defined for search attribute ...") while
 * the runs look merely slow. So a worker looks before it polls: it refuses to start, naming the
 * missing attributes and the command that registers them, or registers them itself when asked
 * to. The embedded dev server of `npm start` registers them at start-up; `npm start` against a
 * cluster registers them (`ensureSearchAttributes`).
 */
import { isGrpcServiceError } from '@temporalio/client';
import {
  encodeSearchAttributeIndexedValueType,
  type SearchAttributeKey,
  type SearchAttributeType,
} from '@temporalio/common/lib/search-attributes';
import { Runtime, type NativeConnection } from '@temporalio/worker';
import { SEARCH_ATTRIBUTE_KEYS } from '../workflows/definitions';

/**
 * What a worker does about search attributes its namespace lacks: `require` refuses to start
 * (`MissingSearchAttributesError`), `register` registers them (operator rights; Temporal Cloud
 * refuses the API, and then it refuses to start as `require` does), `skip` does not look.
 */
export type SearchAttributePolicy = 'require' | 'register' | 'skip';

/** The namespace lacks search attributes the workflows set; `command` registers them. */
export class MissingSearchAttributesError extends Error {
  override readonly name = 'MissingSearchAttributesError';

  constructor(
    readonly namespace: string,
    readonly missing: readonly string[],
    readonly command: string,
    /** Why registering them failed, when it was tried. */
    readonly registrationFailure?: string,
  ) {
    super(missingMessage(namespace, missing, command, registrationFailure));
  }
}

function missingMessage(namespace: string, missing: readonly string[], command: string, failure?: string) {
  const lacking = `Namespace ${namespace} lacks the search attributes ${missing.join(', ')} that the workflows set (every workflow task would fail without them)`;
  const register = `Register them with \`${command}\` (Temporal Cloud: in the namespace's settings)`;
  if (failure) return `${lacking} and they could not be registered (${failure}). ${register}.`;
  return (
    `${lacking}. ${register}, or let the worker register them: ` +
    "ORCHESTRATOR_REGISTER_SEARCH_ATTRIBUTES=true for `npm run worker`, searchAttributes: 'register' for createWorker."
  );
}

/** The `temporal` CLI's names of the types. */
const CLI_TYPE_NAMES: Record<SearchAttributeType, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

/**
 * One `temporal operator search-attribute create` with a `--name N --type T` pair per attribute
 * (the CLI pairs them by position: several names before one type register only the first). It
 * reaches the server as the worker does, since the CLI reads the same TEMPORAL_ADDRESS,
 * TEMPORAL_API_KEY, TEMPORAL_TLS_* and profiles: only the namespace is spelled out.
 */
export function registrationCommand(
  namespace: string,
  keys: readonly SearchAttributeKey<SearchAttributeType>[],
): string {
  const pairs = keys.map((key) => `--name ${key.name} --type ${CLI_TYPE_NAMES[key.type]}`);
  return `temporal operator search-attribute create --namespace ${namespace} ${pairs.join(' ')}`;
}

/**
 * Applies `policy` to the namespace. A server that does not let the worker list search
 * attributes (UNIMPLEMENTED, as the time-skipping test server; PERMISSION_DENIED) cannot be
 * checked: a warning says so and the worker starts, as it would have without the check. Any
 * other failure (the namespace does not exist, the server is down) is thrown as it comes.
 *
 * @throws MissingSearchAttributesError when some are missing and `policy` is `require`, or
 * registering them failed.
 */
export async function checkSearchAttributes(
  connection: NativeConnection,
  namespace: string,
  policy: SearchAttributePolicy = 'require',
): Promise<void> {
  if (policy === 'skip') return;
  let customAttributes: Record<string, unknown>;
  try {
    ({ customAttributes } = await connection.operatorService.listSearchAttributes({ namespace }));
  } catch (err) {
    if (!isUnverifiable(err)) throw err;
    Runtime.instance().logger.warn(
      `Cannot list the search attributes of namespace ${namespace} (${err.message}): the worker starts ` +
        `without checking that ${SEARCH_ATTRIBUTE_KEYS.map((key) => key.name).join(', ')} exist`,
    );
    return;
  }
  const missingKeys = SEARCH_ATTRIBUTE_KEYS.filter((key) => !(key.name in customAttributes));
  if (missingKeys.length === 0) return;
  const missing = missingKeys.map((key) => key.name);
  const command = registrationCommand(namespace, missingKeys);
  if (policy === 'require') throw new MissingSearchAttributesError(namespace, missing, command);
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      // Every key has a concrete type, so the encoding is always defined.
      searchAttributes: Object.fromEntries(
        missingKeys.map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type)!]),
      ),
    });
  } catch (err) {
    throw new MissingSearchAttributesError(
      namespace,
      missing,
      command,
      err instanceof Error ? err.message : String(err),
    );
  }
  Runtime.instance().logger.info(
    `Registered the search attributes ${missing.join(', ')} on namespace ${namespace}`,
  );
}

/** Registers the search attributes the namespace lacks (what `npm start` does on a cluster). */
export function ensureSearchAttributes(connection: NativeConnection, namespace: string): Promise<void> {
  return checkSearchAttributes(connection, namespace, 'register');
}

/** gRPC status codes of a server that will not say: PERMISSION_DENIED, UNIMPLEMENTED. */
const UNVERIFIABLE_CODES: ReadonlySet<number> = new Set([7, 12]);

function isUnverifiable(err: unknown): err is Error {
  return isGrpcServiceError(err) && UNVERIFIABLE_CODES.has(err.code);
}
