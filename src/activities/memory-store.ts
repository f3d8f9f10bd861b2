/**
 * Memory store activities. Stores accept no Idempotency-Key, but display names are unique per
 * account and deterministic per provisioning: a retry (or a rerun) whose create meets "display
 * name already exists" learns which store holds the name, and the workflow adopts it.
 *
 * The create and the look-up are two activities: a transient error while looking retries the
 * look, not the create.
 */
import { Context } from '@temporalio/activity';
import { NotFoundError, OrchestratorApiError } from '../api/errors';
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
  /**
   * The display name is taken; the 409's `X-Conflicting-Resource-Id` names the store, when sent.
   * `onRetry`: met by a retry, whose earlier attempt may have created the store (a lost response).
   */
  | { outcome: 'name-taken'; conflictingStoreId?: string; onRetry: boolean };

/** A store as the workflow needs it. */
export interface StoreStatusReport {
  id: string;
  status: StoreStatus;
}

function isDuplicateName(error: unknown): boolean {
  return (
    error instanceof OrchestratorApiError &&
    (error.code === DUPLICATE_STORE_NAME_CODE || error.status === 409)
  );
}

/** Stores are listed by ID only (at most 15 per account), so each is fetched to compare names. */
export async function findStoreByDisplayName(
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
        const conflictingStoreId = (error as OrchestratorApiError).conflictingResourceId;
        return { outcome: 'name-taken', conflictingStoreId, onRetry: Context.current().info.attempt > 1 };
      }
    },

    /**
     * The store holding this display name: the one a 409 named (one request), else found by
     * listing every store (at most 15 per account, each fetched to compare names). Null if none.
     */
    async findMemoryStore(
      displayName: string,
      conflictingStoreId?: string,
    ): Promise<StoreStatusReport | null> {
      const options = withinAttempt();
      if (conflictingStoreId) {
        const named = await api.memory.getStore(conflictingStoreId, options).catch((error: unknown) => {
          if (error instanceof NotFoundError) return undefined;
          throw error;
        });
        if (named?.displayName === displayName) return { id: named.id, status: named.status };
      }
      const found = await findStoreByDisplayName(api, displayName, options);
      return found ? { id: found.id, status: found.status } : null;
    },

    async getMemoryStore(storeId: string): Promise<StoreStatusReport> {
      const store = await api.memory.getStore(storeId, withinAttempt());
      return { id: store.id, status: store.status };
    },

    async getMemoryOperation(operationId: string): Promise<Operation> {
      return api.memory.getOperation(operationId, withinAttempt());
    },
  };
}
