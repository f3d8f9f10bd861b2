/**
 * The library's face for backend code: every lifecycle entry point, one module each under
 * src/lifecycle/ (provision, update, teardown, cancel, resolve), all starting through one
 * start-or-attach rule (src/lifecycle/start-or-attach.ts), and fleets (src/lifecycle/fleet.ts:
 * a spec of many tenants planned, applied and checked for drift).
 *
 *     const handle = await startProvisioning(client, input);
 *     const progress = await getProgress(handle);
 *     const result = await awaitProvisioning(handle);
 *
 * The command line over it is `npm run orchestrator` (src/cli/orchestrator.ts).
 */
export {
  awaitProvisioning,
  getProgress,
  provisioningDetails,
  provisioningSummary,
  ProvisioningConflictError,
  startProvisioning,
  type ProvisioningHandle,
  type StartedProvisioning,
  type StartProvisioningOptions,
} from './lifecycle/provision';
export { resolveMessageOutcome } from './lifecycle/resolve';
export {
  updateConfiguration,
  type ConfigurationUpdateHandle,
  type UpdateConfigurationOptions,
} from './lifecycle/update';
export {
  teardownProvisioning,
  teardownResources,
  TeardownRefusedError,
  type ExplicitResources,
  type StartedTeardown,
  type TeardownHandle,
  type TeardownOptions,
} from './lifecycle/teardown';
export {
  cancelProvisioning,
  ProvisioningNotFoundError,
  type CancelledProvisioning,
} from './lifecycle/cancel';
export {
  applyFleet,
  fleetDrift,
  FleetSpecFileError,
  getFleetState,
  loadFleetSpec,
  parseFleetSpecText,
  planFleet,
  readLiveState,
  scheduleDriftChecks,
  StalePlanError,
  type ApplyFleetOptions,
  type FleetApplyHandle,
  type FleetOptions,
  type PlanFleetOptions,
} from './lifecycle/fleet';
