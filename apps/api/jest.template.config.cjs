/** Makes the e2e run's template database (test/support/template.setup.ts); started by test/support/global-setup.ts. */
const { projects } = require('./jest.config.cjs');

const { globalSetup: _setup, globalTeardown: _teardown, ...e2e } = projects.find((p) => p.displayName === 'e2e');

module.exports = {
  ...e2e,
  displayName: 'template',
  testMatch: ['<rootDir>/test/support/template.setup.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  // A fresh PGlite (initdb in WebAssembly) plus the migrations, on a machine that may be busy.
  testTimeout: 600000,
  maxWorkers: 1,
};
