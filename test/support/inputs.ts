/**
 * The one factory of provisioning inputs, for the tests and the benchmarks (it imports nothing of
 * jest): a valid input whose names are unique, changed by overrides. Shared values are exported,
 * so a test that searches for them (in a history, a SQLite file, a page) names the same ones.
 */
import { randomUUID } from 'node:crypto';
import type { PollingInput } from '../../src/workflows/polling-input';
import type { ProvisionInput } from '../../src/workflows/provision-input';

/** The customer every input provisions a conversation with and sends the first message to. */
export const CUSTOMER_ADDRESS = '+15551230001';
export const SENDER_ADDRESS = '+15551239999';
export const MESSAGE_TEXT = 'Hello from the end-to-end test';

/**
 * Polling for runs on wall-clock time (a dev server, a cluster), against an emulator whose
 * operations settle in a few hundred milliseconds: 100 ms to 300 ms, so about 200 polls fit in
 * the minute's deadline, within the cap of 500.
 */
export const FAST_POLLING: PollingInput = {
  initialIntervalMs: 100,
  maxIntervalMs: 300,
  jitterRatio: 0,
  operationDeadlineMs: 60_000,
};

/** An input with its onboarding (a conversation and its first message), as every input here is. */
export type OnboardingInput = ProvisionInput & {
  conversation: NonNullable<ProvisionInput['conversation']>;
  message: NonNullable<ProvisionInput['message']>;
};

export interface InputNames {
  /** Starts every name, to tell whose a resource is. @default 'test' */
  prefix?: string;
  /** Makes the names unique. @default 8 random hex digits */
  tag?: string;
}

/**
 * A valid input: the provisioning ID and the store, configuration and conversation names are
 * made of `prefix` and `tag` (together at most 31 characters: a configuration's name is `prefix
 * tag`, and 32 is its limit); `overrides` replace whole top-level fields.
 */
export function provisionInput(
  overrides: Partial<OnboardingInput> = {},
  { prefix = 'test', tag = randomUUID().slice(0, 8) }: InputNames = {},
): OnboardingInput {
  return {
    provisioningId: `${prefix}-${tag}`,
    memoryStore: { displayName: `${prefix}-store-${tag}` },
    configuration: { displayName: `${prefix} ${tag}`, description: `${prefix} configuration` },
    conversation: {
      name: `${prefix}-conversation-${tag}`,
      participants: [
        { name: 'Ada', type: 'CUSTOMER', addresses: [{ channel: 'SMS', address: CUSTOMER_ADDRESS }] },
      ],
    },
    message: {
      from: { address: SENDER_ADDRESS, channel: 'SMS' },
      to: [{ address: CUSTOMER_ADDRESS, channel: 'SMS' }],
      text: MESSAGE_TEXT,
    },
    ...overrides,
  };
}

/** A valid input for a run on wall-clock time: `FAST_POLLING`, a provisioning in about 1.5 s. */
export function wallClockInput(
  overrides: Partial<OnboardingInput> = {},
  names: InputNames = {},
): OnboardingInput {
  return provisionInput({ polling: FAST_POLLING, ...overrides }, { prefix: 'e2e', ...names });
}

/**
 * Inputs named `<prefix>-…-<run>-<n>` in sequence (for benchmarks, which count what they
 * started): each call takes overrides like `provisionInput`.
 */
export function inputSequence(prefix: string): (overrides?: Partial<OnboardingInput>) => OnboardingInput {
  const run = randomUUID().slice(0, 6);
  let sequence = 0;
  return (overrides = {}) => provisionInput(overrides, { prefix, tag: `${run}-${(sequence += 1)}` });
}
