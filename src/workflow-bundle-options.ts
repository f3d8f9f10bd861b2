/**
 * How the workflows are bundled, by whoever bundles them: `npm run build`, a worker bundling
 * when it starts, the tests and the benchmarks.
 *
 * The workflow modules are preloaded: a worker evaluates them once and every run shares them.
 * Without this, the SDK's shared V8 context gives each run its own instance of every module
 * (zod and the input schemas included), about 2.2 MB per cached run, measured with
 * `npm run bench`; preloaded, a cached run costs what the SDK itself keeps for it.
 *
 * What that asks of the modules: the SDK freezes what a preloaded module exports, and a value
 * one run leaves in module state would be seen by the next. So they hold constants, functions
 * and classes only, and export no zod schema (zod writes to a schema as it parses; see
 * ./workflows/input-schema.ts).
 */
import type { BundleOptions, WorkerOptions } from '@temporalio/worker';

/** The workflows' entry module, for `bundleWorkflowCode` or `Worker.create({ workflowsPath })`. */
export const WORKFLOWS_PATH = require.resolve('./workflows');

/** `Worker.create`'s `bundlerOptions`, for a worker given `workflowsPath`. */
export const WORKFLOW_BUNDLER_OPTIONS: NonNullable<WorkerOptions['bundlerOptions']> = {
  preloadModules: [WORKFLOWS_PATH],
};

/** `bundleWorkflowCode`'s options: the workflows, preloaded, plus what the caller adds. */
export function workflowBundleOptions(
  options: Omit<BundleOptions, 'workflowsPath' | 'preloadModules'> = {},
): BundleOptions {
  return { ...options, workflowsPath: WORKFLOWS_PATH, ...WORKFLOW_BUNDLER_OPTIONS };
}
