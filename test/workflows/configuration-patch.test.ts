import type { ConfigurationRequest } from '../../src/api/types';
import { canonicalJson } from '../../src/common/canonical-json';
import { applyPatch, changesMissingFrom } from '../../src/workflows/configuration-patch';
import { parseUpdateRequest } from '../../src/workflows/update-input';

const current: ConfigurationRequest = {
  displayName: 'Support',
  description: 'Support line',
  conversationGroupingType: 'GROUP_BY_PROFILE',
  memoryStoreId: 'mem_store_01jx0000000000000000000000',
  channelSettings: { SMS: { statusTimeouts: { inactive: 30, closed: 60 } } },
  memoryExtractionEnabled: false,
};

describe('applyPatch', () => {
  test('replaces the patched fields, keeps the others, and lists each change with before and after', () => {
    const { replacement, changes } = applyPatch(current, {
      description: 'Night line',
      statusCallbacks: [{ url: 'https://example.com/s', method: 'POST' }],
    });
    expect(replacement).toEqual({
      ...current,
      description: 'Night line',
      statusCallbacks: [{ url: 'https://example.com/s', method: 'POST' }],
    });
    expect(changes).toEqual([
      { field: 'description', before: 'Support line', after: 'Night line' },
      { field: 'statusCallbacks', before: null, after: [{ url: 'https://example.com/s', method: 'POST' }] },
    ]);
    // The configuration read is left as it was.
    expect(current.description).toBe('Support line');
  });

  test('a value equal to the current one is no change, whatever the key order of nested objects', () => {
    const { replacement, changes } = applyPatch(current, {
      description: 'Support line',
      channelSettings: { SMS: { statusTimeouts: { closed: 60, inactive: 30 } } },
      memoryExtractionEnabled: false,
    });
    expect(changes).toEqual([]);
    expect(replacement).toEqual(current);
  });

  test('a nested object is replaced whole, as the full-replace PUT does', () => {
    const { changes } = applyPatch(current, { channelSettings: { CHAT: {} } });
    expect(changes).toEqual([
      { field: 'channelSettings', before: current.channelSettings, after: { CHAT: {} } },
    ]);
  });
});

test('changesMissingFrom names the changed fields a read does not show', () => {
  const { replacement, changes } = applyPatch(current, { description: 'Night line', displayName: 'Nights' });
  expect(changesMissingFrom(replacement, changes)).toEqual([]);
  expect(changesMissingFrom({ ...replacement, displayName: 'Support' }, changes)).toEqual([
    { field: 'displayName', before: 'Support', after: 'Nights' },
  ]);
});

test('canonicalJson sorts keys at every depth and keeps array order', () => {
  expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
});

describe('parseUpdateRequest', () => {
  const configurationId = 'conv_configuration_01jx0000000000000000000000';

  test('defaults maxTries to 3 and keeps the patch in the order of the configuration fields', () => {
    const parsed = parseUpdateRequest({
      configurationId,
      patch: { memoryExtractionEnabled: true, displayName: 'Nights' },
    });
    expect(parsed.maxTries).toBe(3);
    expect(Object.keys(parsed.patch)).toEqual(['displayName', 'memoryExtractionEnabled']);
  });

  test.each([
    [{ patch: { version: 2 } }, 'patch.version: is read-only (the API or the provisioning sets it)'],
    [{ patch: { memoryStoreId: 'mem_store_x' } }, 'patch.memoryStoreId: is read-only'],
    [
      { patch: { colour: 'blue' } },
      'patch.colour: is not a configuration field; fields a patch may set: displayName',
    ],
    [{ patch: {} }, 'patch: sets no field'],
    [{ patch: { displayName: 'x'.repeat(33) } }, 'patch.displayName: must be at most 32 characters'],
    [{ patch: { statusCallbacks: [{ url: 'ftp://x', method: 'POST' }] } }, 'patch.statusCallbacks.0.url'],
    [{ patch: { description: 'x' }, maxTries: 11 }, 'maxTries: must be at most 10'],
    [{ patch: { description: 'x' }, requestId: 'has space' }, 'requestId: must be 1-128 letters'],
    [
      { configurationId: 'mem_store_01', patch: { description: 'x' } },
      'configurationId: must be a configuration ID',
    ],
  ])('refuses %j naming the field and the rule', (request, message) => {
    expect(() => parseUpdateRequest({ configurationId, ...request })).toThrow(message);
  });

  test('a __proto__ field is refused by name, never merged into the patch', () => {
    const patch = JSON.parse('{"__proto__": {"description": "x"}}') as unknown;
    expect(() => parseUpdateRequest({ configurationId, patch })).toThrow(
      'patch.__proto__: is not a configuration field',
    );
  });
});
