import createClient from 'openapi-fetch';
import { authFetch } from './http';
import type { components, paths } from './preview-schema';

/**
 * Routes that exist in the API but are not yet in the generated libs/api-client go through this client: same fetch
 * (token, refresh, retry), typed from a preview of the OpenAPI document. Replace `previewApi` with `api` (and
 * `Preview['X']` with `Schemas['X']`) once libs/api-client is regenerated.
 */
export const previewApi = createClient<paths>({ baseUrl: '', credentials: 'include', fetch: (req: Request) => authFetch(req) });
export type Preview = components['schemas'];
