/**
 * `@sysponto/client`: the typed SysPonto REST client. `schema.ts` is generated from `openapi.json` by `pnpm gen:api`
 * (do not edit it); the hand-written files wire it to openapi-fetch: `createClient` for integrations (API key,
 * idempotency keys, retries), `attendanceChanges` for the changes feed, `verifyWebhook` for webhook deliveries, and
 * `createApiClient` for the SysPonto web app (cookies, its own auth).
 */
import createFetchClient, { type ClientOptions, type Middleware } from 'openapi-fetch';
import type { components, operations, paths } from './schema.js';

export type { components, operations, paths };
export type Schemas = components['schemas'];
export type ApiClient = ReturnType<typeof createApiClient>;
export type { Middleware };

export {
  attendanceChanges,
  createClient,
  integrationFetch,
  SysPontoError,
  unwrap,
  type ApiErrorBody,
  type AttendanceChange,
  type AttendanceChangePage,
  type AttendanceChangesQuery,
  type CreateClientOptions,
  type SysPontoClient,
} from './client.js';
export { signWebhook, verifyWebhook, WebhookVerificationError, type WebhookEvent } from './webhooks.js';

/** The SysPonto web app's client: same origin, with the refresh cookie (`credentials: 'include'`). */
export function createApiClient(options: ClientOptions = {}) {
  return createFetchClient<paths>({ credentials: 'include', ...options });
}
