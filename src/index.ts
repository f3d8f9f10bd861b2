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
export {
  awaitProvisioning,
  getProgress,
  ProvisioningConflictError,
  startProvisioning,
  type ProvisioningHandle,
  type StartedProvisioning,
  type StartProvisioningOptions,
} from './client';
export {
  DEFAULT_TASK_QUEUE,
  OrchestratorConfigurationId,
  OrchestratorStoreId,
  progressQuery,
  provisioningWorkflowId,
  ProvisioningStep,
  SEARCH_ATTRIBUTE_KEYS,
  StuckOperationId,
  type ConfigurationIdSource,
  type ProvisionIds,
  type ProvisionProgress,
  type ProvisionResult,
  type ProvisionStep,
  type ResourceOrigin,
  type StepReport,
} from './workflows/definitions';
export {
  InvalidProvisionInputError,
  parseProvisionInput,
  type InputIssue,
  type ProvisionInput,
} from './workflows/provision-input';
export {
  updateConfiguration,
  type ConfigurationUpdateHandle,
  type UpdateConfigurationOptions,
} from './lifecycle/update';
export {
  configurationUpdatesWorkflowId,
  UPDATE_STEPS,
  type ConfigurationUpdateResult,
  type UpdateProgress,
  type UpdateStatus,
} from './workflows/definitions';
export { InvalidUpdateRequestError, type UpdateRequest } from './workflows/update-input';
export {
  cancelProvisioning,
  ProvisioningNotFoundError,
  type CancelledProvisioning,
} from './lifecycle/cancel';
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
  TEARDOWN_STEPS,
  type ResourceRemoval,
  type TeardownProgress,
  type TeardownResult,
} from './workflows/definitions';
export { InvalidTeardownInputError, type TeardownInput } from './workflows/teardown-input';
