import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readmeBlock, renderEnvExample, renderReadmeTable } from '../config/settings-docs.js';

/** `pnpm gen:config`: writes .env.example and the README's configuration table from config/settings.ts. */
const root = resolve(import.meta.dirname, '../../../..');
writeFileSync(resolve(root, '.env.example'), renderEnvExample());
const readmePath = resolve(root, 'README.md');
const readme = readFileSync(readmePath, 'utf8');
const block = readmeBlock(readme);
if (!block) {
  console.error('README.md has no settings block (the settings:begin/settings:end markers); add them first.');
  process.exit(1);
}
writeFileSync(readmePath, readme.replace(block, renderReadmeTable()));
console.log('Wrote .env.example and the README configuration table.');
