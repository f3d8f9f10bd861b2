/**
 * Which workflow code a worker runs: the prebuilt bundle that fits its data converter (written
 * by `npm run build` next to the compiled worker), else bundling at start; and production mode
 * refusing to bundle at start.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError } from '../../src/common/configuration-error';
import { FAILURE_CONVERTER_PATH } from '../../src/codec/data-converter';
import { prebuiltWorkflowBundlePath, runWorker } from '../../src/worker';

const SRC = join(__dirname, '..', '..', 'src');

// An empty state folder: an `npm start` key file in this checkout's .local/ would make the worker
// pick the encrypted bundle, whatever the test means to check.
const stateDir = mkdtempSync(join(tmpdir(), 'production-mode-state-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

test('each data converter has its own prebuilt bundle; a custom converter has none', () => {
  expect(prebuiltWorkflowBundlePath()).toBe(join(SRC, 'workflow-bundle.js'));
  expect(prebuiltWorkflowBundlePath({ payloadCodecs: [] })).toBe(join(SRC, 'workflow-bundle.js'));
  expect(prebuiltWorkflowBundlePath({ failureConverterPath: FAILURE_CONVERTER_PATH })).toBe(
    join(SRC, 'workflow-bundle-encrypted.js'),
  );
  expect(
    prebuiltWorkflowBundlePath({ failureConverterPath: '/elsewhere/failure-converter.js' }),
  ).toBeUndefined();
  expect(
    prebuiltWorkflowBundlePath({ payloadConverterPath: '/elsewhere/payload-converter.js' }),
  ).toBeUndefined();
});

test('NODE_ENV=production without a prebuilt bundle stops before connecting, saying to build', async () => {
  // Run from src/ (no build next to it), pointing at a port nothing listens on: the refusal
  // must come first, not a connection error.
  const started = runWorker({
    NODE_ENV: 'production',
    ORCHESTRATOR_STATE_DIR: stateDir,
    TEMPORAL_ADDRESS: '127.0.0.1:1',
    TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
    TWILIO_AUTH_TOKEN: 'token',
  });
  await expect(started).rejects.toThrow(ConfigurationError);
  await expect(started).rejects.toThrow(
    `NODE_ENV=production needs a prebuilt workflow bundle (${join(SRC, 'workflow-bundle.js')}): run \`npm run build\``,
  );
});

test('a bad tuning variable stops the worker before it connects', async () => {
  const started = runWorker({
    ORCHESTRATOR_STATE_DIR: stateDir,
    TEMPORAL_ADDRESS: '127.0.0.1:1',
    TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
    TWILIO_AUTH_TOKEN: 'token',
    TEMPORAL_MAX_CACHED_WORKFLOWS: 'lots',
  });
  await expect(started).rejects.toThrow(
    'TEMPORAL_MAX_CACHED_WORKFLOWS must be 0 (no cache) or a whole number',
  );
});
