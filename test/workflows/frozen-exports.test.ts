/**
 * A worker preloads the workflow modules and deep-freezes what every module exports
 * (src/workflow-bundle-options.ts), while zod writes to the schemas it parses with and to the
 * patterns it tests. With the modules the inputs are built from frozen the same way, every input
 * still parses, and a bad one is still refused naming the field.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseFleetSpec } from '../../src/workflows/fleet/spec-input';
import { InvalidInputError } from '../../src/workflows/input-schema';
import { parseProvisionInput } from '../../src/workflows/provision-input';
import { parseTeardownInput } from '../../src/workflows/teardown-input';
import { parseUpdateRequest, parseUpdatesInput } from '../../src/workflows/update-input';
import { provisionInput } from '../support/inputs';

/** As the SDK's reusable VM freezes a shared module: own properties first, then the object. */
function deepFreeze(value: unknown, seen = new WeakSet<object>()): void {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seen.has(value)) return;
  seen.add(value);
  if (Object.isFrozen(value)) return;
  if (typeof value === 'object') {
    for (const key of Reflect.ownKeys(value)) {
      try {
        deepFreeze((value as Record<PropertyKey, unknown>)[key], seen);
      } catch {
        // As the SDK: some objects cannot be frozen (typed arrays); they stay as they are.
      }
    }
  }
  Object.freeze(value);
}

const SRC = join(__dirname, '../../src');

beforeAll(async () => {
  const modules = [
    ...readdirSync(join(SRC, 'workflows'), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .map((file) => join(SRC, 'workflows', file)),
    ...readdirSync(join(SRC, 'api')).map((file) => join(SRC, 'api', file)),
    'zod',
  ];
  for (const path of modules) deepFreeze(await import(path));
});

const CONFIGURATION_ID = 'conv_configuration_01abcdefghjkmnpqrstvwxyz0';

function fleetSpec(store: string) {
  const { configuration, conversation, message } = provisionInput();
  return {
    name: 'shop',
    stores: [{ displayName: 'eu' }],
    tenants: [{ id: 'acme', store, configuration, onboarding: { conversation, message } }],
    drift: { description: 'ignore' },
  };
}

test('every input parses when the modules it is built from are frozen', () => {
  const input = provisionInput({ polling: { initialIntervalMs: 500 } });
  expect(parseProvisionInput(input)).toEqual({ ...input, onFailure: 'keep' });
  expect(
    parseUpdateRequest({ configurationId: CONFIGURATION_ID, patch: { description: 'Weekdays' } }),
  ).toEqual({ configurationId: CONFIGURATION_ID, patch: { description: 'Weekdays' }, maxTries: 3 });
  expect(parseUpdatesInput({ configurationId: CONFIGURATION_ID })).toEqual({
    configurationId: CONFIGURATION_ID,
    idleTimeoutMs: 300_000,
  });
  const resources = { configuration: { id: CONFIGURATION_ID, origin: 'created' } };
  expect(parseTeardownInput({ resources })).toEqual({ resources });
  const spec = fleetSpec('eu');
  expect(parseFleetSpec(spec)).toEqual(spec);
});

test('a bad input is refused naming the field and the rule, twice in a row', () => {
  // The second parse reuses what the first one built, as every run after a worker's first does.
  for (let parse = 0; parse < 2; parse += 1) {
    const refusal = (() => {
      try {
        parseProvisionInput(provisionInput({ memoryStore: { displayName: 'no spaces' } }));
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(InvalidInputError);
    expect((refusal as InvalidInputError).issues).toEqual([
      { path: 'memoryStore.displayName', message: 'must match ^[a-zA-Z0-9-]+$ (letters, digits, dashes)' },
    ]);
    expect(() => parseFleetSpec(fleetSpec('us'))).toThrow(
      'Invalid fleet spec: tenants[0].store: names no store of the spec (stores: eu)',
    );
  }
});
