/**
 * The fleet's activities that talk to Temporal, not to the Orchestrator API: they hand a tenant's
 * patch to its configuration's updates workflow, and read a fleet's state from its workflow.
 * They use the worker's own Temporal client (`Context.current().client`), so they need nothing
 * from `createActivities` but a place in it.
 */
import { Context } from '@temporalio/activity';
import {
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { updateConfiguration } from '../lifecycle/update';
import { FLEET_PRIORITY, type ConfigurationUpdateResult } from '../workflows/definitions';
import type { ConfigurationPatch } from '../workflows/configuration-input';
import { FailureType } from '../workflows/failure-types';
import { fleetStateQuery, fleetWorkflowId, type FleetState } from '../workflows/fleet/definitions';
import { InvalidInputError } from '../workflows/input-schema';

/**
 * How long one attempt waits for the update's outcome before it lets its slot go: well inside
 * the activity's 30 s start-to-close timeout. An update still going by then is waited for by the
 * next call, which attaches to the same update (same request ID) instead of sending it again.
 */
export const PATCH_WAIT_MS = 20_000;

/** A tenant's patch, named so that every call for it is the one same update. */
export interface FleetPatchRequest {
  tenantId: string;
  configurationId: string;
  patch: ConfigurationPatch;
  /** Drawn once by the apply: retries and later calls attach to the update it names. */
  requestId: string;
}

export type FleetPatchOutcome = { state: 'done'; result: ConfigurationUpdateResult } | { state: 'waiting' };

export function fleetRunActivities() {
  return {
    /**
     * Hands the patch to the configuration's updates workflow (started when none runs, at the
     * fleet's priority, keyed by tenant for fairness) and waits for its outcome for at most
     * `PATCH_WAIT_MS`. A failed update fails the activity for good, with the update's failure type.
     */
    async applyConfigurationPatch(request: FleetPatchRequest): Promise<FleetPatchOutcome> {
      const { client, info } = Context.current();
      const { tenantId, configurationId, patch, requestId } = request;
      try {
        const update = await updateConfiguration(
          client,
          { configurationId, patch, requestId },
          { taskQueue: info.taskQueue, priority: { priorityKey: FLEET_PRIORITY, fairnessKey: tenantId } },
        );
        // A deadline, not an abort signal: the worker's client (over its native connection) honours only deadlines.
        const result = await client.withDeadline(Date.now() + PATCH_WAIT_MS, () => update.result());
        return { state: 'done', result };
      } catch (error) {
        if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return { state: 'waiting' };
        throw finalFailure(error);
      }
    },

    /** The fleet's state, as its `fleet` workflow answers the `fleetState` query. */
    async queryFleetState(fleet: string): Promise<FleetState> {
      const { client } = Context.current();
      try {
        return await client.workflow.getHandle(fleetWorkflowId(fleet)).query(fleetStateQuery);
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
        throw ApplicationFailure.create({
          type: FailureType.FleetNotFound,
          nonRetryable: true,
          message: `fleet ${fleet} has no workflow (${fleetWorkflowId(fleet)}): it was never applied`,
        });
      }
    },
  };
}

/** A refused patch or a failed update: retrying the same call cannot change it. */
function finalFailure(error: unknown): unknown {
  if (error instanceof InvalidInputError) {
    return ApplicationFailure.create({
      type: FailureType.InvalidInput,
      nonRetryable: true,
      message: error.message,
    });
  }
  if (error instanceof WorkflowUpdateFailedError) {
    const cause = error.cause;
    return ApplicationFailure.create({
      type: cause instanceof ApplicationFailure && cause.type ? cause.type : FailureType.UpdateNotApplied,
      nonRetryable: true,
      message: `the update failed: ${cause?.message ?? error.message}`,
      cause: cause instanceof Error ? cause : undefined,
    });
  }
  return error;
}
