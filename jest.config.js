/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The real-server tests run with `npm run test:cluster` (jest.cluster.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/cluster/'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }] },
  setupFiles: ['<rootDir>/test/setup/quiet-temporal-logs.ts'],
  testTimeout: 60_000,
  // Off, as it slows every test: each suite closes what it started through useResources
  // (test/setup/resources.ts), and test/setup/failed-set-up.test.ts runs a suite whose set-up
  // fails with --detectOpenHandles, asserting that jest reports no open handle and exits.
  detectOpenHandles: false,
};
