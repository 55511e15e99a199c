/** The cluster tests (test/system): production replicas + nginx on real PostgreSQL + Redis. Run by `pnpm test:system`. */
const base = require('./jest.config.cjs');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/test/system/**/*.e2e-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 120000,
};
