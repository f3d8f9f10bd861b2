import { provisioningWorkflowId } from '../../src/workflows/definitions';
import { InvalidProvisionInputError, parseProvisionInput } from '../../src/workflows/provision-input';
import { provisionInput } from './support';

function issuesOf(raw: unknown): string[] {
  try {
    parseProvisionInput(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidProvisionInputError);
    const { issues, message } = error as InvalidProvisionInputError;
    expect(message).toBe(
      `Invalid provisioning input: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    );
    return issues.map((i) => `${i.path}: ${i.message}`);
  }
  throw new Error('expected the input to be refused');
}

test('a complete input is accepted unchanged', () => {
  const input = provisionInput();
  expect(parseProvisionInput(input)).toEqual(input);
});

test('every problem is reported with its field and rule', () => {
  expect(issuesOf({})).toEqual([
    'memoryStore: give either { displayName } to create a store or { existingStoreId } to use one',
    'configuration: is required',
    'conversation: give either { name } to create a conversation or { existingConversationId } to use one',
    'message: is required',
  ]);
  const valid = provisionInput();
  expect(
    issuesOf({
      ...valid,
      provisioningId: 'has spaces',
      memoryStore: { displayName: 'no_underscores' },
      configuration: {
        ...valid.configuration,
        displayName: 'x'.repeat(33),
        statusCallbacks: [1, 2, 3].map((n) => ({ url: `https://example.com/${n}`, method: 'POST' })),
      },
      message: { ...valid.message, to: [], text: ' ' },
      polling: { initialIntervalMs: 5_000, maxIntervalMs: 1_000, jitterRatio: 1 },
    }),
  ).toEqual([
    'provisioningId: must be 1-64 characters of letters, digits, dash or underscore',
    'memoryStore.displayName: must match ^[a-zA-Z0-9-]+$ (letters, digits, dashes)',
    'configuration.displayName: must be at most 32 characters',
    'configuration.statusCallbacks: at most 2 status callbacks on create',
    'message.to: needs at least one recipient',
    'message.text: must not be empty',
    'polling.jitterRatio: must be below 1',
    'polling.initialIntervalMs: initialIntervalMs must not exceed maxIntervalMs',
  ]);
});

test('mixed or unknown fields are refused, and VOICE cannot send', () => {
  const valid = provisionInput();
  expect(issuesOf({ ...valid, memoryStore: { displayName: 'a', existingStoreId: 'b' } })).toEqual([
    'memoryStore: Unrecognized key: "existingStoreId"',
  ]);
  expect(issuesOf({ ...valid, extra: true })).toEqual(['(input): Unrecognized key: "extra"']);
  expect(
    issuesOf({ ...valid, message: { ...valid.message, from: { address: '+1555', channel: 'voice' } } }),
  ).toEqual(['message.from: VOICE is receive-only: a message cannot be sent over it']);
});

test('the workflow ID derives from the provisioning identity', () => {
  const input = provisionInput({ provisioningId: 'Acme_2024-01' });
  expect(provisioningWorkflowId(input)).toBe('provision-Acme_2024-01');

  const unnamed = { ...input, provisioningId: undefined };
  const named = { ...unnamed, configuration: { ...unnamed.configuration, displayName: 'Acme Support_Desk' } };
  expect(provisioningWorkflowId({ ...named, memoryStore: { displayName: 'Acme-Prod' } })).toBe(
    'provision-acme-support-desk-acme-prod',
  );
  expect(
    provisioningWorkflowId({
      ...named,
      memoryStore: { existingStoreId: 'mem_store_01h455vb4pex5vsknk084sn02q' },
    }),
  ).toBe('provision-acme-support-desk-mem-store-01h455vb4pex5vsknk084sn02q');
});
