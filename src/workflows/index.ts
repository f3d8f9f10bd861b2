/** The workflows this project registers; the worker bundles this file (`workflowsPath`). */
export { provisionOrchestrator } from './provision-orchestrator';
export { teardownOrchestrator } from './teardown';
export { configurationUpdates } from './update-configuration';
export { readFleetState } from './fleet/read-state';
export { fleet } from './fleet/fleet';
export { fleetApply } from './fleet/apply';
export { fleetDriftCheck } from './fleet/drift-check';
