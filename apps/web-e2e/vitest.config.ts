import { defineConfig } from 'vitest/config';

/**
 * Browser journeys against the built app: one API process (fresh embedded database, demo school) for the whole run,
 * started by the global setup; files run one after another (one Chromium at a time on a 2-core machine).
 */
export default defineConfig({
  test: {
    environment: 'node',
    include: ['src/**/*.e2e.ts'],
    globalSetup: ['src/support/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    reporters: ['default'],
  },
});
