/**
 * `npm run test:unit`: the tests that need no server, no worker bundling and no child process
 * (pure functions, schemas, option parsing), in seconds. `npm test` runs them too, with the rest.
 * A test belongs here only while it starts nothing: one that does would make this run slow.
 */
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const base = require('./jest.config');

const UNIT_TESTS = [
  'test/activities/failure-translation.test.ts',
  'test/api/accepted.test.ts',
  'test/api/error-mapping.test.ts',
  'test/api/field-rules.test.ts',
  'test/api/options.test.ts',
  'test/api/request-schemas.test.ts',
  'test/api/retry-after.test.ts',
  'test/api/schemas.test.ts',
  'test/budget/api-rate.test.ts',
  'test/cli/docker-compose.test.ts',
  'test/cli/open-resources.test.ts',
  'test/cli/progress-view.test.ts',
  'test/cli/provision-args.test.ts',
  'test/codec/configured-keys.test.ts',
  'test/codec/encryption-codec.test.ts',
  'test/codec/key-ring.test.ts',
  'test/observability/runtime.test.ts',
  'test/setup/resources.test.ts',
  'test/toolchain/resolve-binaries.test.ts',
  'test/worker/tuning.test.ts',
  'test/workflows/configuration-patch.test.ts',
  'test/workflows/frozen-exports.test.ts',
  'test/workflows/polling-policy.test.ts',
  'test/workflows/provision-input-rules.test.ts',
  'test/workflows/provision-input.test.ts',
  'test/workflows/workflow-id.test.ts',
];

// A renamed or moved test would drop out of this run without a word.
const missing = UNIT_TESTS.filter((path) => !existsSync(join(__dirname, path)));
if (missing.length > 0)
  throw new Error(`jest.unit.config.js names tests that do not exist: ${missing.join(', ')}`);

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: UNIT_TESTS.map((path) => `<rootDir>/${path}`),
  // No Temporal runtime to quiet: loading @temporalio/worker for it costs each file about 0.3 s.
  setupFiles: [],
};
