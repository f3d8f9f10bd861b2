#!/usr/bin/env node
// `npm run build` (and `npm pack`, by way of prepack): src/ compiled into a fresh dist/
// (JavaScript, declarations, source maps; tsconfig.build.json), then the workflows bundled
// once, so a production worker loads a bundle (`workflowBundle: { codePath }`) instead of
// running webpack and swc at every start.
//
// Converters loaded by path run inside the bundle, hence two bundles: one with the SDK's failure
// converter, one with the encrypting one (src/codec). Their names are the ones
// `prebuiltWorkflowBundlePath` in src/worker.ts looks for.
'use strict';

const { spawnSync } = require('node:child_process');
const { rmSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const { bundleWorkflowCode, DefaultLogger } = require('@temporalio/worker');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');
// The workflow outcome metric (README, Observability); tracing's workflow spans need a bundle of their own.
const workflowInterceptorModules = [path.join(dist, 'observability', 'workflow-interceptors.js')];
const bundles = [
  { file: 'workflow-bundle.js' },
  {
    file: 'workflow-bundle-encrypted.js',
    failureConverterPath: path.join(dist, 'codec', 'failure-converter.js'),
  },
];

function compile() {
  // A module deleted from src/ must not live on in dist/ (and in the package).
  rmSync(dist, { recursive: true, force: true });
  const tsc = require.resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('tsc -p tsconfig.build.json failed (errors above)');
}

async function bundle() {
  // webpack's per-module report is noise in a build log; its warnings and errors still show.
  const logger = new DefaultLogger('WARN');
  // Compiled just now: the same options as every other bundle, pointing into dist/.
  const { workflowBundleOptions } = require(path.join(dist, 'workflow-bundle-options.js'));
  for (const { file, failureConverterPath } of bundles) {
    const { code } = await bundleWorkflowCode(
      workflowBundleOptions({ failureConverterPath, workflowInterceptorModules, logger }),
    );
    writeFileSync(path.join(dist, file), code);
    console.log(`[build] dist/${file} (${Math.round(code.length / 1024)} KiB)`);
  }
}

async function main() {
  compile();
  await bundle();
}

main().catch((err) => {
  console.error(`[build] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
