import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseReadmeTable, readmeBlock, readmeRows, renderEnvExample } from './settings-docs.js';
import { SETTINGS } from './settings.js';

const root = resolve(import.meta.dirname, '../../../..');
const FIX = 'generated from config/settings.ts: run `pnpm gen:config` (then `pnpm format`)';

describe('settings documentation', () => {
  it(`.env.example is ${FIX}`, () => {
    expect(readFileSync(resolve(root, '.env.example'), 'utf8')).toBe(renderEnvExample());
  });

  it(`the README configuration table is ${FIX}`, () => {
    const block = readmeBlock(readFileSync(resolve(root, 'README.md'), 'utf8'));
    expect(block).not.toBeNull();
    expect(parseReadmeTable(block!)).toEqual(readmeRows());
  });

  it('declares each setting with a description, and bounds that hold its default', () => {
    for (const [name, s] of Object.entries(SETTINGS)) {
      expect({ name, described: s.description.length > 10 }).toEqual({ name, described: true });
      if (s.kind === 'int')
        expect({ name, inBounds: s.default >= s.min && s.default <= s.max }).toEqual({ name, inBounds: true });
    }
  });
});
