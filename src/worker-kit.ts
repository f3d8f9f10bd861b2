/**
 * `orchestrator-temporal/worker`: what a team needs to run the provisioning in a worker of its
 * own, on its own connection and task queue:
 *
 *     const worker = await createWorker({ connection, taskQueue, api: new OrchestratorClient(...) });
 *
 * or, registering the pieces in a `Worker.create` of its own: `createActivities(api)` for
 * `activities`, and for the workflows `workflowBundle: { codePath: prebuiltWorkflowBundlePath() }`
 * (bundled by the package's build) or `workflowsPath` with `bundlerOptions: workflowBundlerOptions`
 * (bundled when the worker starts), or `bundleWorkflowCode(workflowBundleOptions())`.
 */
export { createWorker, prebuiltWorkflowBundlePath, type ProvisioningWorkerOptions } from './worker';
export {
  WORKFLOWS_PATH as workflowsPath,
  WORKFLOW_BUNDLER_OPTIONS as workflowBundlerOptions,
  workflowBundleOptions,
} from './workflow-bundle-options';
export {
  DEFAULT_WORKER_TUNING,
  describeWorkerTuning,
  workerTuningFromEnv,
  type WorkerTuning,
} from './worker-tuning';
export { createActivities } from './activities';
export {
  checkSearchAttributes,
  ensureSearchAttributes,
  MissingSearchAttributesError,
  type SearchAttributePolicy,
} from './temporal/search-attributes';
export { DEFAULT_TASK_QUEUE, SEARCH_ATTRIBUTE_KEYS } from './workflows/definitions';
