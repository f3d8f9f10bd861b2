/** The workflows this project registers; the worker bundles this file (`workflowsPath`). */
export { provisionOrchestrator } from './provision-orchestrator';
export { configurationUpdates } from './update-configuration';
