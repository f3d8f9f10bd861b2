/**
 * Configuration activities. Create carries the Idempotency-Key the workflow generated, so
 * every retry of the activity is the same logical request to the API.
 */
import type { ConfigurationRequest, Operation, OrchestratorApi } from '../api/types';
import { withinAttempt } from './within-attempt';

export interface ConfigurationCreation {
  operationId: string;
  retryAfterMs?: number;
  /** `related.configurationId` of the 202 body, when the API sent it. */
  configurationId?: string;
}

export interface ConfigurationCandidate {
  id: string;
  createdAt?: string;
}

export function configurationActivities(api: OrchestratorApi) {
  return {
    async createConfiguration(
      request: ConfigurationRequest,
      idempotencyKey: string,
    ): Promise<ConfigurationCreation> {
      const accepted = await api.configurations.create(request, { ...withinAttempt(), idempotencyKey });
      return {
        operationId: accepted.operationId,
        retryAfterMs: accepted.retryAfterMs,
        configurationId: accepted.related['configurationId'],
      };
    },

    async getConfigurationOperation(operationId: string): Promise<Operation> {
      return api.configurations.getOperation(operationId, withinAttempt());
    },

    /** Every configuration of the store with this display name, across all pages. */
    async findConfigurationsByDisplayName(
      memoryStoreId: string,
      displayName: string,
    ): Promise<ConfigurationCandidate[]> {
      const matches: ConfigurationCandidate[] = [];
      for await (const configuration of api.configurations.list({ ...withinAttempt(), memoryStoreId })) {
        // The filter is the server's; checking it again costs nothing and guards a server that ignores it.
        if (configuration.displayName === displayName && configuration.memoryStoreId === memoryStoreId) {
          matches.push({ id: configuration.id, createdAt: configuration.createdAt });
        }
      }
      return matches;
    },
  };
}
