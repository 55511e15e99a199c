/**
 * Two projects: `unit` (src/**\/*.spec.ts, pure logic, no database) and `e2e` (test/**\/*.e2e-spec.ts, the real app
 * on a clone of one migrated database per run: test/support/test-database.ts). `--selectProjects unit` runs the
 * unit specs alone (`pnpm test:unit`).
 *
 * NestJS 12 is ESM-only; on Node 20 jest runs everything transformed to CommonJS by swc (see TOOLCHAIN.md).
 */
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
};

/** What every project shares: the swc transform and the module mapping. */
const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', swc] },
  transformIgnorePatterns: ['/node_modules/\\.pnpm/(?!(@nestjs|@electric-sql|content-disposition)[+@])'],
  moduleNameMapper: {
    '^@sysponto/contracts$': '<rootDir>/../../libs/contracts/src/index.ts',
    '^@sysponto/contracts/asyncapi$': '<rootDir>/../../libs/contracts/src/asyncapi.generated.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
};

const unit = { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] };

const e2e = {
  ...common,
  displayName: 'e2e',
  testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
  // The cluster tests need built replicas, PostgreSQL, Redis and nginx: `pnpm test:system` runs them (jest.system.config.cjs).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/system/'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};

module.exports = { projects: [unit, e2e], maxWorkers: 1, testTimeout: 60000 };
