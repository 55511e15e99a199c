/** The cluster tests (test/system): production replicas + nginx on real PostgreSQL + Redis. Run by `pnpm test:system`. */
const { projects } = require('./jest.config.cjs');

// The e2e project's transform and mapping; the replicas make their own databases (no template).
const { globalSetup: _setup, globalTeardown: _teardown, ...e2e } = projects.find((p) => p.displayName === 'e2e');

module.exports = {
  ...e2e,
  displayName: 'cluster',
  testMatch: ['<rootDir>/test/system/**/*.e2e-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 120000,
  maxWorkers: 1,
};
