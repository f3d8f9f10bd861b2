/**
 * Configuration activities. Create carries the Idempotency-Key the workflow generated, so
 * every retry of the activity is the same logical request to the API.
 */
import { PAGE_SIZES } from '../api/field-rules';
import type { Configuration, ConfigurationRequest, Operation, OrchestratorApi } from '../api/types';
import { withinAttempt } from './within-attempt';

/** A configuration as read for an update: its ID, the version to send back, and its mutable fields. */
export interface CurrentConfiguration {
  id: string;
  /** Optimistic locking: sent with the `PUT`, which the API refuses (409) once another change got in first. */
  version?: number;
  fields: ConfigurationRequest;
}

export interface ConfigurationCreation {
  operationId: string;
  retryAfterMs?: number;
  /** `related.configurationId` of the 202 body, when the API sent it. */
  configurationId?: string;
}

/** A `PUT` the API accepted: its operation, awaited by the workflow. */
export interface ConfigurationReplacement {
  operationId: string;
  retryAfterMs?: number;
}

export interface ConfigurationCandidate {
  id: string;
  createdAt?: string;
}

/**
 * A read's mutable fields only: the read-only ones (timestamps) would only lengthen the history,
 * and a field the API adds is not sent back by a full replace.
 */
export function configurationFields(read: Configuration): ConfigurationRequest {
  const fields: ConfigurationRequest = {
    displayName: read.displayName,
    description: read.description,
    conversationGroupingType: read.conversationGroupingType,
    memoryStoreId: read.memoryStoreId,
    channelSettings: read.channelSettings,
    statusCallbacks: read.statusCallbacks,
    intelligenceConfigurationIds: read.intelligenceConfigurationIds,
    memoryExtractionEnabled: read.memoryExtractionEnabled,
    conversationsV1Bridge: read.conversationsV1Bridge,
  };
  // Unset optional fields are left out rather than carried as `undefined`.
  for (const key of Object.keys(fields) as (keyof ConfigurationRequest)[])
    if (fields[key] === undefined) delete fields[key];
  return fields;
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

    /** The configuration's version and its mutable fields (`configurationFields`). */
    async getConfiguration(configurationId: string): Promise<CurrentConfiguration> {
      const read = await api.configurations.get(configurationId, withinAttempt());
      return { id: read.id, version: read.version, fields: configurationFields(read) };
    },

    /**
     * Full replace with the version read (409 when another change got in first). The workflow
     * draws the Idempotency-Key per try, so a retry after a lost response replays the first `PUT`.
     */
    async updateConfiguration(
      configurationId: string,
      replacement: ConfigurationRequest,
      version: number | undefined,
      idempotencyKey: string,
    ): Promise<ConfigurationReplacement> {
      const accepted = await api.configurations.update(
        configurationId,
        version === undefined ? replacement : { ...replacement, version },
        { ...withinAttempt(), idempotencyKey },
      );
      return { operationId: accepted.operationId, retryAfterMs: accepted.retryAfterMs };
    },

    async getConfigurationOperation(operationId: string): Promise<Operation> {
      return api.configurations.getOperation(operationId, withinAttempt());
    },

    /**
     * Every configuration of the store with this display name, across all pages. The pages are the
     * API's largest, so a store of up to 1,000 configurations is one request, as the API budget
     * counts this activity (one dispatch); a larger store costs one more request per 1,000.
     */
    async findConfigurationsByDisplayName(
      memoryStoreId: string,
      displayName: string,
    ): Promise<ConfigurationCandidate[]> {
      const matches: ConfigurationCandidate[] = [];
      const pageSize = PAGE_SIZES.configurations.max;
      for await (const configuration of api.configurations.list({
        ...withinAttempt(),
        memoryStoreId,
        pageSize,
      })) {
        // The filter is the server's; checking it again costs nothing and guards a server that ignores it.
        if (configuration.displayName === displayName && configuration.memoryStoreId === memoryStoreId) {
          matches.push({ id: configuration.id, createdAt: configuration.createdAt });
        }
      }
      return matches;
    },
  };
}
