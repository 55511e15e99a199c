import { defineConfig } from 'vitest/config';

/** Measurements in the browser (`pnpm --filter web-e2e bench:scan`): same server set-up as the journeys. */
export default defineConfig({
  test: {
    environment: 'node',
    include: ['src/bench/**/*.bench.ts'],
    globalSetup: ['src/support/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 900_000,
    hookTimeout: 180_000,
    reporters: ['default'],
  },
});
