/**
 * `npm run test:cluster`: the tests on the real Temporal server and PostgreSQL (test/cluster),
 * which `npm test` leaves out. The global setup builds the server and the Web UI on first use.
 */
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/cluster'],
  testPathIgnorePatterns: ['/node_modules/'],
  globalSetup: '<rootDir>/test/cluster/build-binaries.ts',
  testTimeout: 300_000,
};
