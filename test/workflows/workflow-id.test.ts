import { provisioningWorkflowId } from '../../src/workflows/workflow-ids';
import type { ProvisionInput } from '../../src/workflows/provision-input';
import { provisionInput } from '../support/inputs';

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

test('the ID is the provisioningId as given, else the slugged configuration and store names', () => {
  expect(provisioningWorkflowId(identity({ provisioningId: 'Acme_2024-01' }))).toBe('provision-Acme_2024-01');
  expect(provisioningWorkflowId(identity({ configuration: 'Acme Support_Desk', store: 'Acme-Prod' }))).toBe(
    'provision:acme-support-desk--acme-prod',
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
  const input = identity({ configuration: 'Acme Support_Desk', store: 'unused' });
  const existing = { ...input, memoryStore: { existingStoreId: 'mem_store_01h455vb4pex5vsknk084sn02q' } };
  expect(provisioningWorkflowId(existing)).toBe(
    'provision:acme-support-desk--mem-store-01h455vb4pex5vsknk084sn02q',
  );
});
