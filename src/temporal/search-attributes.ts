/**
 * The provisioning workflow upserts four custom search attributes; a namespace without them
 * refuses to start it ("search attribute ... is not defined"). The embedded dev server
 * registers them at start-up; on any other cluster this registers the missing ones, or says
 * exactly which command an operator must run where the API refuses (e.g. Temporal Cloud).
 */
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import type { NativeConnection } from '@temporalio/worker';
import { SEARCH_ATTRIBUTE_KEYS } from '../workflows/definitions';

export async function ensureSearchAttributes(connection: NativeConnection, namespace: string): Promise<void> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const missingKeys = SEARCH_ATTRIBUTE_KEYS.filter((key) => !(key.name in customAttributes));
  if (missingKeys.length === 0) return;
  const missing = missingKeys.map((key) => key.name);
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      // Every key has a concrete type, so the encoding is always defined.
      searchAttributes: Object.fromEntries(
        missingKeys.map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type)!]),
      ),
    });
  } catch (err) {
    const commands = missing.map(
      (name) =>
        `temporal operator search-attribute create --namespace ${namespace} --name ${name} --type Keyword`,
    );
    throw new Error(
      `Namespace ${namespace} lacks the search attributes ${missing.join(', ')} and they could not be ` +
        `registered (${err instanceof Error ? err.message : String(err)}). Register them with:\n  ${commands.join('\n  ')}`,
    );
  }
}
