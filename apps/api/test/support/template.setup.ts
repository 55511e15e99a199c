import { bootOnly } from './test-app.js';
import { ensureTemplate, RUN_DIR_ENV } from './test-database.js';

/** Run by global-setup.ts (jest.template.config.cjs): migrates this run's template database once. */
it('migrates the template database of this run', async () => {
  const runDir = process.env[RUN_DIR_ENV];
  if (!runDir) throw new Error(`${RUN_DIR_ENV} is not set (run through test/support/global-setup.ts)`);
  await ensureTemplate(runDir, bootOnly);
});
