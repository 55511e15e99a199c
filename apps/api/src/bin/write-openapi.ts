import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../config/app-config.js';
import { buildOpenApi, createApp } from '../app.factory.js';

/** Keys sorted at every level, so the checked-in document diffs cleanly. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** Boots the app without listening (in-memory database) and writes libs/api-client/openapi.json. */
async function main() {
  const out = resolve(process.argv[2] ?? '../../libs/api-client/openapi.json');
  const app = await createApp(
    loadConfig({ NODE_ENV: 'test', DATA_DIR: ':memory:', SEED_DEMO: 'false', LOG_LEVEL: 'silent' }),
    { logger: false },
  );
  await app.init();
  const doc = buildOpenApi(app);
  writeFileSync(out, JSON.stringify(sortKeys(doc), null, 2) + '\n');
  await app.close();
  console.log(`OpenAPI written to ${out}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
