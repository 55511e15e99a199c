/** NestJS 12 is ESM-only; on Node 20 jest runs everything transformed to CommonJS by swc (see TOOLCHAIN.md). */
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
};
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  // The cluster tests need built replicas, PostgreSQL, Redis and nginx: `pnpm test:system` runs them (jest.system.config.cjs).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/system/'],
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', swc] },
  transformIgnorePatterns: [
    '/node_modules/\\.pnpm/(?!(@nestjs|@electric-sql|content-disposition|file-type|strtok3|token-types|peek-readable|uint8array-extras|@tokenizer|@sec-ant)[+@])',
  ],
  moduleNameMapper: {
    '^@sysponto/contracts$': '<rootDir>/../../libs/contracts/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testTimeout: 60000,
  maxWorkers: 1,
};
