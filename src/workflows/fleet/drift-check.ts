/**
 * `fleetDriftCheck`: one drift check of a fleet, started by its Schedule (`fleetDriftScheduleId`)
 * every so often — a Schedule can only start workflows, so this one carries the findings to the
 * fleet's workflow as the `driftObserved` signal. It reads the account (the worker's
 * credentials), asks the fleet's workflow what it last applied, and compares the two (./drift).
 *
 * Deterministic: no I/O here.
 */
import { getExternalWorkflowHandle } from '@temporalio/workflow';
import { activities } from '../activity-calls';
import { driftObservedSignal, fleetWorkflowId, type DriftReport, type FleetSpec } from './definitions';
import { driftOf } from './drift';
import { readLiveState } from './read-state';

export interface FleetDriftCheckInput {
  fleet: string;
  /** The spec's drift policy per field; a field not named is `alert`. */
  policies?: FleetSpec['drift'];
}

export async function fleetDriftCheck({ fleet, policies }: FleetDriftCheckInput): Promise<DriftReport> {
  const [live, state] = await Promise.all([readLiveState(), activities.queryFleetState(fleet)]);
  const report = driftOf(state, live, policies);
  await getExternalWorkflowHandle(fleetWorkflowId(fleet)).signal(driftObservedSignal, report);
  return report;
}
