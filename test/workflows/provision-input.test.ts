import type { PollingInput } from '../../src/workflows/polling-input';
import { InvalidProvisionInputError, parseProvisionInput } from '../../src/workflows/provision-input';
import { provisionInput } from '../support/inputs';

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

test('a complete input is accepted unchanged, with the default onFailure filled in', () => {
  const input = provisionInput();
  expect(parseProvisionInput(input)).toEqual({ ...input, onFailure: 'keep' });
  expect(parseProvisionInput({ ...input, onFailure: 'rollback' })).toEqual({
    ...input,
    onFailure: 'rollback',
  });
});

test('every problem is reported with its field and rule', () => {
  expect(issuesOf({})).toEqual([
    'memoryStore: give either { displayName } to create a store or { existingStoreId } to use one',
    'configuration: is required',
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
      stepSearchAttributes: 'sometimes',
    }),
  ).toEqual([
    'provisioningId: must be 1-64 characters of letters, digits, dash or underscore',
    'memoryStore.displayName: must match ^[a-zA-Z0-9-]+$ (letters, digits, dashes)',
    'configuration.displayName: must be at most 32 characters',
    'configuration.statusCallbacks: at most 2 status callbacks on create',
    'message.to: needs at least one recipient',
    'message.text: must not be empty or only whitespace or invisible characters',
    'polling.jitterRatio: must be below 1',
    'polling.initialIntervalMs: initialIntervalMs must not exceed maxIntervalMs',
    'stepSearchAttributes: must be one of every-step, at-end',
  ]);
});

test('a polling policy that allows more than 500 polls per wait is refused, with its count', () => {
  const rule = (count: string) =>
    `polling: allows up to ${count} polls per wait: that many waits, at their shortest (initialIntervalMs, ` +
    'backoffCoefficient, maxIntervalMs, jitterRatio), fit in operationDeadlineMs; at most 500 are allowed, ' +
    "so the history stays within Temporal's limits: lengthen the intervals or shorten operationDeadlineMs";
  const valid = provisionInput();
  const withPolling = (polling: PollingInput) => ({ ...valid, polling });

  // Every 100 ms (80 ms with the default jitter) for the default 30 minutes.
  expect(issuesOf(withPolling({ initialIntervalMs: 100, maxIntervalMs: 100 }))).toEqual([rule('22500')]);
  // A fixed 1 s for 500 s is at the cap; one second more is over it.
  const fixedSecond = { initialIntervalMs: 1_000, maxIntervalMs: 1_000, jitterRatio: 0 };
  expect(() =>
    parseProvisionInput(withPolling({ ...fixedSecond, operationDeadlineMs: 500_000 })),
  ).not.toThrow();
  expect(issuesOf(withPolling({ ...fixedSecond, operationDeadlineMs: 501_000 }))).toEqual([rule('501')]);
  // Billions of polls are not counted one by one.
  const startedAt = Date.now();
  const absurd = {
    initialIntervalMs: 1,
    maxIntervalMs: 1,
    jitterRatio: 0.99,
    operationDeadlineMs: 7 * 86_400_000,
  };
  expect(issuesOf(withPolling(absurd))).toEqual([rule('over 100000')]);
  expect(Date.now() - startedAt).toBeLessThan(1_000);
});

test('mixed or unknown fields are refused, and VOICE cannot send', () => {
  const valid = provisionInput();
  expect(issuesOf({ ...valid, memoryStore: { displayName: 'a', existingStoreId: 'b' } })).toEqual([
    'memoryStore: give displayName (to create a store) or existingStoreId (to use one), not both: nothing decides between them',
  ]);
  expect(issuesOf({ ...valid, extra: true })).toEqual(['(input): Unrecognized key: "extra"']);
  expect(
    issuesOf({ ...valid, message: { ...valid.message, from: { address: '+1555', channel: 'voice' } } }),
  ).toEqual(['message.from.channel: must be one of SMS, RCS, WHATSAPP, CHAT']);
  expect(
    issuesOf({ ...valid, message: { ...valid.message, from: { address: '+1555', channel: 'VOICE' } } }),
  ).toEqual(['message.from.channel: VOICE is receive-only: a message cannot be sent over it']);
});
