import base from '../../eslint.config.js';

// src/schema.ts is generated (pnpm gen:api) and not linted.
export default [{ ignores: ['src/schema.ts'] }, ...base];
