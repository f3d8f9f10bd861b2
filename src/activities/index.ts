/**
 * The provisioning's activities: one API call each (plus the look-up a retry or rerun does before
 * creating again), every API error translated into an `ApplicationFailure`. Built from a
 * client so the worker decides where credentials come from; workflows import only the type:
 *
 *     import type { ProvisioningActivities } from '../activities';
 */
import type { OrchestratorApi } from '../api/types';
import { configurationActivities } from './configuration';
import { conversationActivities } from './conversation';
import { withApiFailures } from './failures';
import { memoryStoreActivities } from './memory-store';

export function createActivities(api: OrchestratorApi) {
  return withApiFailures({
    ...memoryStoreActivities(api),
    ...configurationActivities(api),
    ...conversationActivities(api),
  });
}

export type ProvisioningActivities = ReturnType<typeof createActivities>;
export type { ConfigurationCandidate, ConfigurationCreation } from './configuration';
export type { ConversationCreation, ConversationLookFirst, MessageAccepted } from './conversation';
export type { StoreCreation } from './memory-store';
export { toApplicationFailure, type ApiFailureDetails } from './failures';
