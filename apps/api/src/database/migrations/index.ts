import { InitUsers1764000000000 } from './1764000000000-InitUsers.js';

/** Every migration, in order. Add new ones at the end. */
export const MIGRATIONS = [InitUsers1764000000000];
