/**
 * The project's workflows with one change that breaks runs in flight: the provisioning reads a
 * memory store before it creates one, so its first activity is no longer the recorded run's.
 * test/replay/replay.test.ts shows that replay catches it.
 */
import { activities } from '../../src/workflows/activity-calls';
import type { ProvisionInput } from '../../src/workflows/provision-input';
import { provisionOrchestrator as recorded } from '../../src/workflows';

export * from '../../src/workflows';

export async function provisionOrchestrator(input: ProvisionInput) {
  await activities.getMemoryStore('mem_store_01abcdefghjkmnpqrstvwxyz00');
  return recorded(input);
}
