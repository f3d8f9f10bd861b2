/** Happy-path provisioning inputs for the benchmarks, with names unique in the run. */
import { randomUUID } from 'node:crypto';
import type { ProvisionInput } from '../../src/workflows/provision-input';

/** A factory of inputs named `<prefix>-<run>-<n>`; `storeId` makes one use an existing store. */
export function benchInputs(prefix: string): (storeId?: string) => ProvisionInput {
  const runTag = randomUUID().slice(0, 6);
  let sequence = 0;
  return (storeId) => {
    const n = (sequence += 1);
    const name = `${prefix}-${runTag}-${n}`;
    const to = { address: `+1555${String(n).padStart(7, '0')}`, channel: 'SMS' as const };
    return {
      provisioningId: name,
      memoryStore: storeId ? { existingStoreId: storeId } : { displayName: name },
      configuration: { displayName: `${prefix} ${runTag} ${n}`, description: 'Benchmark configuration' },
      conversation: { name, participants: [{ type: 'CUSTOMER', addresses: [to] }] },
      message: { from: { address: '+15550000000', channel: 'SMS' }, to: [to], text: 'Benchmark message' },
    };
  };
}
