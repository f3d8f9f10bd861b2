/**
 * The package's main entry (`orchestrator-temporal`): starting, following and awaiting
 * provisionings from backend code, with the input, progress and result types.
 *
 *     import { startProvisioning, getProgress, awaitProvisioning } from 'orchestrator-temporal';
 *
 * The other entries: `orchestrator-temporal/worker` (a worker of your own),
 * `orchestrator-temporal/workflows`, `orchestrator-temporal/api` (the HTTP client) and
 * `orchestrator-temporal/emulator` (the Orchestrator emulator, to test against).
 */
// Every entry point of the library: provisioning, the lifecycle's update, teardown and cancel, fleets.
export * from './client';
export {
  DEFAULT_TASK_QUEUE,
  OrchestratorConfigurationId,
  OrchestratorStoreId,
  progressQuery,
  ProvisioningStep,
  SEARCH_ATTRIBUTE_KEYS,
  StuckOperationId,
  AwaitingDecision,
  LifecycleOperation,
  FleetDrift,
  INTERACTIVE_PRIORITY,
  FLEET_PRIORITY,
  resolveMessageOutcomeUpdate,
  type MessageDecision,
  type ConfigurationIdSource,
  type ProvisionIds,
  type ProvisionProgress,
  type ProvisionResult,
  type ProvisionStep,
  type ResourceOrigin,
  type StepReport,
} from './workflows/definitions';
export { configurationUpdatesWorkflowId, provisioningWorkflowId } from './workflows/workflow-ids';
export { InvalidInputError, type InputIssue } from './workflows/input-schema';
export {
  InvalidProvisionInputError,
  parseProvisionInput,
  type ProvisionInput,
} from './workflows/provision-input';
export {
  UPDATE_STEPS,
  type ConfigurationUpdateResult,
  type UpdateProgress,
  type UpdateStatus,
} from './workflows/definitions';
export { InvalidUpdateRequestError, type UpdateRequest } from './workflows/update-input';
export {
  TEARDOWN_STEPS,
  type ResourceRemoval,
  type TeardownProgress,
  type TeardownResult,
} from './workflows/definitions';
export { InvalidTeardownInputError, type TeardownInput } from './workflows/teardown-input';
export {
  fleetWorkflowId,
  fleetDriftScheduleId,
  type ApplyOptions,
  type ApplyProgress,
  type ApplyResult,
  type ApplySummary,
  type DriftPolicy,
  type DriftReport,
  type FleetPlan,
  type FleetSpec,
  type FleetState,
  type FleetStoreSpec,
  type FleetTenantSpec,
  type LiveState,
  type PlanItem,
  type PlanSummary,
  type StoreOutcome,
  type TenantOutcome,
} from './workflows/fleet/definitions';
export { InvalidFleetSpecError, parseFleetSpec } from './workflows/fleet/spec-input';
export { FleetPlanError } from './workflows/fleet/plan';
