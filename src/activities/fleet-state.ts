/**
 * What a fleet's plan and drift check read of the account: its stores and its configurations.
 * One API call per activity — a page of store IDs, one store, a page of configurations — so the
 * API budget (one dispatch per call) counts them exactly, and the workflow walks the pages.
 */
import { NotFoundError } from '../api/errors';
import { PAGE_SIZES } from '../api/field-rules';
import type { ConfigurationRequest, OrchestratorApi, StoreStatus } from '../api/types';
import { configurationFields } from './configuration';
import { withinAttempt } from './within-attempt';

/** One page of a list; `nextToken` names the next one, none after the last. */
export interface ListedPage<T> {
  items: T[];
  nextToken?: string;
}

/** A store as the fleet compares it: by display name. */
export interface StoreDetails {
  id: string;
  displayName: string;
  description?: string;
  status: StoreStatus;
}

/** A configuration as the fleet compares it: its store, name, version and the fields a request sets. */
export interface ListedConfiguration {
  id: string;
  storeId: string;
  displayName: string;
  /** 0 when the API shows none: a saved plan's check then finds no version moved. */
  version: number;
  fields: ConfigurationRequest;
}

/**
 * The most each list gives per page (the API's maximum), so an account takes the fewest calls:
 * stores are at most 15 per account, configurations one page per 1,000.
 */
const STORE_PAGE_SIZE: number = PAGE_SIZES.memoryStores.max;
const CONFIGURATION_PAGE_SIZE: number = PAGE_SIZES.configurations.max;

function nextTokenOf(token: string | null | undefined): { nextToken?: string } {
  return token ? { nextToken: token } : {};
}

export function fleetStateActivities(api: OrchestratorApi) {
  return {
    async listStoreIdsPage(pageToken?: string, pageSize = STORE_PAGE_SIZE): Promise<ListedPage<string>> {
      const page = await api.memory.listStoresPage({ ...withinAttempt(), pageToken, pageSize });
      return { items: page.items, ...nextTokenOf(page.meta.nextToken) };
    },

    /** Null when the store is gone (deleted since it was listed). */
    async getStoreDetails(storeId: string): Promise<StoreDetails | null> {
      try {
        const store = await api.memory.getStore(storeId, withinAttempt());
        return {
          id: store.id,
          displayName: store.displayName,
          ...(store.description ? { description: store.description } : {}),
          status: store.status,
        };
      } catch (error) {
        if (error instanceof NotFoundError) return null;
        throw error;
      }
    },

    /** Every store's configurations, the account's whole list. */
    async listConfigurationsPage(
      pageToken?: string,
      pageSize = CONFIGURATION_PAGE_SIZE,
    ): Promise<ListedPage<ListedConfiguration>> {
      const page = await api.configurations.listPage({ ...withinAttempt(), pageToken, pageSize });
      return {
        items: page.items.map((read) => ({
          id: read.id,
          storeId: read.memoryStoreId,
          displayName: read.displayName,
          version: read.version ?? 0,
          fields: configurationFields(read),
        })),
        ...nextTokenOf(page.meta.nextToken),
      };
    },
  };
}
