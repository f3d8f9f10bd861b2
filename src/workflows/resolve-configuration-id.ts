/**
 * Configuration create/update operations complete without `result.id` (a documented
 * limitation), so the new configuration's ID comes from, in order of cost:
 * 1. `related.configurationId` — in the 202 body or the operation (free);
 * 2. `result.id` of the operation (free, should the API start sending it);
 * 3. listing the store's configurations across all pages and matching `displayName`. A new
 *    configuration may not be listed yet (eventual consistency), so the listing is repeated
 *    with backoff (durable timers) up to `LISTING_POLICY`'s deadline; two or more matches are a
 *    non-retryable failure naming the candidates.
 */
import { ApplicationFailure, log } from '@temporalio/workflow';
import type { ConfigurationCandidate } from '../activities';
import type { Operation } from '../api/types';
import { activities } from './activity-calls';
import type { ConfigurationIdSource } from './definitions';
import { FailureType } from './failure-types';
import type { PollVerdict } from './poll-operation';
import { type PollingPolicy, resolvePollingPolicy } from './polling-policy';
import type { StepRunner } from './step-runner';

/**
 * Listing retries: 1 s, ×2, capped at 15 s, for at most 2 minutes — at most 13 list calls
 * (`maxPollsBeforeDeadline(LISTING_POLICY)`). "Stuck" does not apply to a listing.
 */
export const LISTING_POLICY: PollingPolicy = resolvePollingPolicy({
  initialIntervalMs: 1_000,
  backoffCoefficient: 2,
  maxIntervalMs: 15_000,
  operationDeadlineMs: 2 * 60_000,
  stuckAfterMs: Number.POSITIVE_INFINITY,
});

export interface ConfigurationIdClues {
  /** `related.configurationId` of the create's 202 body. */
  acceptedId?: string;
  /** The create operation, COMPLETED. */
  operation: Operation;
  memoryStoreId: string;
  displayName: string;
  /** Counts the list calls for the running step. */
  run: StepRunner<string>;
}

export interface ResolvedConfigurationId {
  configurationId: string;
  resolvedBy: ConfigurationIdSource;
}

export async function resolveConfigurationId(clues: ConfigurationIdClues): Promise<ResolvedConfigurationId> {
  const resolved = await resolve(clues);
  log.info(`Configuration ID ${resolved.configurationId} resolved by ${resolved.resolvedBy}`, {
    ...resolved,
  });
  return resolved;
}

async function resolve(clues: ConfigurationIdClues): Promise<ResolvedConfigurationId> {
  const { operation, memoryStoreId, displayName } = clues;
  const related = clues.acceptedId ?? operation.related?.['configurationId'];
  if (related) return { configurationId: related, resolvedBy: 'related' };
  if (operation.result?.id) return { configurationId: operation.result.id, resolvedBy: 'result' };

  const candidates = await clues.run.poll({
    subject: `listing of configuration "${displayName}" (store ${memoryStoreId}) created by operation`,
    operationId: operation.operationId,
    poll: () => activities.findConfigurationsByDisplayName(memoryStoreId, displayName),
    classify: (candidates) => classifyCandidates(candidates, displayName, memoryStoreId),
    policy: LISTING_POLICY,
    firstPoll: 'immediately',
  });
  // classifyCandidates said done: exactly one candidate.
  return { configurationId: candidates[0]!.id, resolvedBy: 'list' };
}

function classifyCandidates(
  candidates: ConfigurationCandidate[],
  displayName: string,
  storeId: string,
): PollVerdict {
  if (candidates.length === 0) return { state: 'pending', status: 'NOT_LISTED' };
  if (candidates.length === 1) return { state: 'done' };
  return { state: 'failed', failure: ambiguousConfiguration(candidates, displayName, storeId) };
}

/** Two or more configurations of one store share the display name that identifies this provisioning's. */
export function ambiguousConfiguration(
  candidates: ConfigurationCandidate[],
  displayName: string,
  storeId: string,
): ApplicationFailure {
  const ids = candidates.map((c) => c.id);
  return ApplicationFailure.create({
    type: FailureType.AmbiguousConfiguration,
    nonRetryable: true,
    message:
      `${candidates.length} configurations named "${displayName}" use store ${storeId} (${ids.join(', ')}); ` +
      "cannot tell which one is this provisioning's: delete the extra ones or choose another displayName",
    details: [{ displayName, memoryStoreId: storeId, candidates }],
  });
}
