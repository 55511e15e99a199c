import { api } from './client';

/**
 * Routes whose OpenAPI entries had not landed in libs/api-client when the page was written go through the same
 * client (same middleware, same error handling) with an untyped path. Move a call to `api` once its route is in
 * schema.ts; shapes follow SPEC §4 (see ./types.ts).
 */
type Init = { params?: { path?: Record<string, string>; query?: Record<string, unknown> }; body?: unknown };
type Call = (path: string, init?: Init) => Promise<{ data?: any; error?: unknown; response: Response }>;
export const looseApi = api as unknown as { GET: Call; POST: Call; PATCH: Call; PUT: Call; DELETE: Call };
