/**
 * The lifecycle's activities: one API call each (plus the look-up a retry or rerun does before
 * creating again), every API error translated into an `ApplicationFailure` of the failure
 * vocabulary, every call heartbeating. Built from a client so the worker decides where
 * credentials come from; workflows import only the type:
 *
 *     import type { OrchestratorActivities } from '../activities';
 */
import type { OrchestratorApi } from '../api/types';
import { configurationActivities } from './configuration';
import { conversationActivities } from './conversation';
import { deletionActivities } from './deletion';
import { withApiFailures } from './failures';
import { fleetRunActivities } from './fleet-runs';
import { fleetStateActivities } from './fleet-state';
import { withHeartbeats } from './heartbeats';
import { memoryStoreActivities } from './memory-store';
import { withMetrics } from './metrics';

export function createActivities(api: OrchestratorApi) {
  return withHeartbeats(
    withApiFailures(
      withMetrics({
        ...memoryStoreActivities(api),
        ...configurationActivities(api),
        ...conversationActivities(api),
        ...deletionActivities(api),
        ...fleetStateActivities(api),
        ...fleetRunActivities(),
      }),
    ),
  );
}

export type OrchestratorActivities = ReturnType<typeof createActivities>;
export type {
  ConfigurationCandidate,
  ConfigurationCreation,
  ConfigurationReplacement,
  CurrentConfiguration,
} from './configuration';
export type { ConversationCreation, ConversationLookFirst, MessageAccepted } from './conversation';
export type { StoreCreation } from './memory-store';
export type { ListedConfiguration, ListedPage, StoreDetails } from './fleet-state';
export type { DeletionStart } from './deletion';
export type { FleetPatchOutcome, FleetPatchRequest } from './fleet-runs';
export { toApplicationFailure, type ApiFailureDetails } from './failures';
