/**
 * The typed SysPonto REST client. `schema.ts` is generated from `openapi.json` by `pnpm gen:api` (do not edit it);
 * this small hand-written file wires it to openapi-fetch.
 */
import createClient, { type ClientOptions, type Middleware } from 'openapi-fetch';
import type { components, operations, paths } from './schema.js';

export type { components, operations, paths };
export type Schemas = components['schemas'];
export type ApiClient = ReturnType<typeof createApiClient>;
export type { Middleware };

/** The error body every endpoint uses. */
export interface ApiErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details?: { field: string; messages: string[] }[];
}

export function createApiClient(options: ClientOptions = {}) {
  return createClient<paths>({ credentials: 'include', ...options });
}
