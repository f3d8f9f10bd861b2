import { provisioningWorkflowId } from '../../src/workflows/definitions';
import type { ProvisionInput } from '../../src/workflows/provision-input';
import { provisionInput } from './support';

/** An input identified by its names alone, or by the provisioningId given. */
function identity(
  names: { configuration: string; store: string } | { provisioningId: string },
): ProvisionInput {
  const input = provisionInput();
  if ('provisioningId' in names) return { ...input, provisioningId: names.provisioningId };
  return {
    ...input,
    provisioningId: undefined,
    configuration: { ...input.configuration, displayName: names.configuration },
    memoryStore: { displayName: names.store },
  };
}

test('an ID derived from the names is readable: the configuration, then the store', () => {
  expect(provisioningWorkflowId(identity({ configuration: 'Welcome SMS', store: 'demo-store' }))).toBe(
    'provision:welcome-sms--demo-store',
  );
  expect(provisioningWorkflowId(identity({ provisioningId: 'onboarding-42' }))).toBe(
    'provision-onboarding-42',
  );
});

test('names that split differently, and a provisioningId spelling the same, give different IDs', () => {
  const ids = [
    identity({ configuration: 'a-b', store: 'c' }),
    identity({ configuration: 'a', store: 'b-c' }),
    identity({ provisioningId: 'a-b-c' }),
    identity({ provisioningId: 'a--b-c' }),
  ].map(provisioningWorkflowId);

  expect(ids).toEqual(['provision:a-b--c', 'provision:a--b-c', 'provision-a-b-c', 'provision-a--b-c']);
  // Names differing only in punctuation are one identity, on purpose.
  expect(provisioningWorkflowId(identity({ configuration: 'A b', store: 'c' }))).toBe(ids[0]);
});

test('an existing store takes its ID as the store part', () => {
  const input = identity({ configuration: 'support', store: 'unused' });
  const existing = { ...input, memoryStore: { existingStoreId: 'mem_store_01kbq5vn8sf1bqb8a8b0m3xq2r' } };
  expect(provisioningWorkflowId(existing)).toBe('provision:support--mem-store-01kbq5vn8sf1bqb8a8b0m3xq2r');
});
