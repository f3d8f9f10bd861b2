/**
 * Deletion activities (teardown and rollback), and the look-up a rollback needs to find a
 * conversation whose create response was lost (a store is found with `findMemoryStore`, a
 * configuration with `findConfigurationsByDisplayName`).
 *
 * Every DELETE is asynchronous (202 and an operation). A 404 means the resource is already gone:
 * deleted earlier, never made, or deleted by this very request on an earlier attempt whose
 * response was lost. Configuration and conversation DELETEs carry the workflow's Idempotency-Key,
 * so such a retry usually gets the first 202 back instead; a store DELETE takes no key, and a
 * retry after a lost response either meets 404 or, while the first operation is still pending,
 * starts a second deletion of the same store, which is harmless.
 */
import { NotFoundError } from '../api/errors';
import type { AcceptedOperation, OrchestratorApi, Operation } from '../api/types';
import { findConversation } from './conversation';
import { withinAttempt } from './within-attempt';

export type DeletionStart =
  { outcome: 'accepted'; operationId: string; retryAfterMs?: number } | { outcome: 'already-gone' };

async function deletion(send: () => Promise<AcceptedOperation>): Promise<DeletionStart> {
  try {
    const { operationId, retryAfterMs } = await send();
    return { outcome: 'accepted', operationId, retryAfterMs };
  } catch (error) {
    if (error instanceof NotFoundError) return { outcome: 'already-gone' };
    throw error;
  }
}

export function deletionActivities(api: OrchestratorApi) {
  return {
    async deleteConversation(conversationId: string, idempotencyKey: string): Promise<DeletionStart> {
      return deletion(() => api.conversations.delete(conversationId, { ...withinAttempt(), idempotencyKey }));
    },

    async deleteConfiguration(configurationId: string, idempotencyKey: string): Promise<DeletionStart> {
      return deletion(() =>
        api.configurations.delete(configurationId, { ...withinAttempt(), idempotencyKey }),
      );
    },

    async deleteMemoryStore(storeId: string): Promise<DeletionStart> {
      return deletion(() => api.memory.deleteStore(storeId, withinAttempt()));
    },

    /** A conversation DELETE's operation lives on the conversations host, as configurations' do. */
    async getConversationOperation(operationId: string): Promise<Operation> {
      return api.configurations.getOperation(operationId, withinAttempt());
    },

    /** The configurations a store still holds (a store is never deleted from under them). */
    async listStoreConfigurations(memoryStoreId: string): Promise<string[]> {
      const ids: string[] = [];
      for await (const configuration of api.configurations.list({ ...withinAttempt(), memoryStoreId })) {
        // The filter is the server's; checked again as findConfigurationsByDisplayName does.
        if (configuration.memoryStoreId === memoryStoreId) ids.push(configuration.id);
      }
      return ids;
    },

    /** The configuration's conversation of this name, or null. */
    async findConversationByName(configurationId: string, name: string): Promise<string | null> {
      return (await findConversation(api, configurationId, name, withinAttempt())) ?? null;
    },
  };
}
