/**
 * Memory store activities. Stores accept no Idempotency-Key, but display names are unique per
 * account and deterministic per provisioning: a retry (or a rerun) whose create meets "display
 * name already exists" adopts the store an earlier attempt created.
 */
import { OrchestratorApiError } from '../api/errors';
import type {
  CreateStoreRequest,
  MemoryStore,
  Operation,
  OrchestratorApi,
  RequestOptions,
  StoreStatus,
} from '../api/types';
import { withinAttempt } from './within-attempt';

/** Twilio's "display name already exists" for memory stores. */
const DUPLICATE_STORE_NAME_CODE = 520045;

export type StoreCreation =
  | { outcome: 'accepted'; operationId: string; retryAfterMs?: number }
  | { outcome: 'adopted'; storeId: string; status: StoreStatus };

function isDuplicateName(error: unknown): boolean {
  return (
    error instanceof OrchestratorApiError &&
    (error.code === DUPLICATE_STORE_NAME_CODE || error.status === 409)
  );
}

/** Stores are listed by ID only (at most 15 per account), so each is fetched to compare names. */
async function findStoreByDisplayName(
  api: OrchestratorApi,
  displayName: string,
  options: RequestOptions,
): Promise<MemoryStore | undefined> {
  for await (const storeId of api.memory.listStores(options)) {
    const store = await api.memory.getStore(storeId, options);
    if (store.displayName === displayName) return store;
  }
  return undefined;
}

export function memoryStoreActivities(api: OrchestratorApi) {
  return {
    async createMemoryStore(request: CreateStoreRequest): Promise<StoreCreation> {
      const options = withinAttempt();
      try {
        const accepted = await api.memory.createStore(request, options);
        return {
          outcome: 'accepted',
          operationId: accepted.operationId,
          retryAfterMs: accepted.retryAfterMs,
        };
      } catch (error) {
        if (!isDuplicateName(error)) throw error;
        const existing = await findStoreByDisplayName(api, request.displayName, options);
        if (!existing) throw error;
        return { outcome: 'adopted', storeId: existing.id, status: existing.status };
      }
    },

    async getMemoryStore(storeId: string): Promise<{ id: string; status: StoreStatus }> {
      const store = await api.memory.getStore(storeId, withinAttempt());
      return { id: store.id, status: store.status };
    },

    async getMemoryOperation(operationId: string): Promise<Operation> {
      return api.memory.getOperation(operationId, withinAttempt());
    },
  };
}
