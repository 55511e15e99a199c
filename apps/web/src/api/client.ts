import { createApiClient } from '@sysponto/client';
import { authFetch } from './http';

/** The one typed client of the SPA (same origin; the dev server proxies /api). */
export const api = createApiClient({ baseUrl: '', fetch: (req: Request) => authFetch(req) });

export { unwrap, ApiError, errorMessage, fieldErrors } from './errors';
export { authFetch, getAccessToken } from './http';
