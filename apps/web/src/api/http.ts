import { reportAnswer, reportNoAnswer } from '@/composables/use-network';
import { noteServerDate } from '@/offline/server-clock';

/**
 * Token handling shared by the typed client, blob downloads and XHR uploads: the access token lives in memory only,
 * a 401 triggers one refresh through the httpOnly cookie (single flight: concurrent 401s share it) and one retry.
 */
export interface RefreshedSession {
  accessToken: string;
  user: unknown;
}

type Fetch = typeof globalThis.fetch;

let accessToken: string | null = null;
let refreshing: Promise<RefreshedSession | null> | null = null;
/** Set when the last refresh got no answer at all (offline): the session is not over, the network is. */
let refreshUnreachable = false;
let plainFetch: Fetch = (...args) => globalThis.fetch(...args);
/**
 * Every request: notes the server's clock (offline changes carry server time) and whether the API answered at all
 * (the offline banner and queue, composables/use-network.ts).
 */
const baseFetch: Fetch = async (input, init) => {
  const sentAt = Date.now();
  try {
    const res = await plainFetch(input, init);
    reportAnswer();
    noteServerDate(res.headers.get('date'), sentAt, Date.now());
    return res;
  } catch (e) {
    if (!(e instanceof DOMException && e.name === 'AbortError')) reportNoAnswer();
    throw e;
  }
};
const refreshedListeners = new Set<(s: RefreshedSession) => void>();
const expiredListeners = new Set<() => void>();
const passwordChangeListeners = new Set<() => void>();

export const getAccessToken = () => accessToken;
export function setAccessToken(token: string | null): void {
  accessToken = token;
}

/** Tests swap the network. */
export function setBaseFetch(fn: Fetch): void {
  plainFetch = fn;
}

/** True when the last refresh failed because the API could not be reached (not because it refused). */
export const lastRefreshUnreachable = () => refreshUnreachable;

export function onTokenRefreshed(fn: (s: RefreshedSession) => void): () => void {
  refreshedListeners.add(fn);
  return () => refreshedListeners.delete(fn);
}

/** Called when a refresh fails: the session is over (the auth store signs out and the router goes to /login). */
export function onSessionExpired(fn: () => void): () => void {
  expiredListeners.add(fn);
  return () => expiredListeners.delete(fn);
}

/** Called when the API answers 403 `auth/password-change-required` (a temporary password must be changed first). */
export function onPasswordChangeRequired(fn: () => void): () => void {
  passwordChangeListeners.add(fn);
  return () => passwordChangeListeners.delete(fn);
}

/** Exchanges the refresh cookie for a new access token. Concurrent callers share one request. */
export function refreshSession(): Promise<RefreshedSession | null> {
  refreshing ??= (async () => {
    try {
      const res = await baseFetch('/api/auth/refresh', {
        method: 'POST',
        credentials: 'include',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      refreshUnreachable = false;
      if (!res.ok) return null;
      const body = (await res.json()) as RefreshedSession;
      accessToken = body.accessToken;
      refreshedListeners.forEach((fn) => fn(body));
      return body;
    } catch {
      refreshUnreachable = true;
      return null;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

const isAuthRoute = (url: string) => /\/api\/auth\/(login|refresh|logout)\b/.test(url);

/**
 * fetch with the Bearer token, and on a 401 one refresh and one retry. Used as the typed client's `fetch`, so every
 * call through `api` gets it.
 */
export async function authFetch(input: Request | string | URL, init?: RequestInit): Promise<Response> {
  const request = new Request(input, init);
  const retry = request.clone();
  if (accessToken && !request.headers.has('authorization'))
    request.headers.set('authorization', `Bearer ${accessToken}`);
  const response = await baseFetch(request);
  if (response.status === 403) void notePasswordChange(response);
  if (response.status !== 401 || isAuthRoute(request.url)) return response;
  const session = await refreshSession();
  if (!session) {
    // No answer to the refresh is a network problem, not the end of the session.
    if (!refreshUnreachable) expiredListeners.forEach((fn) => fn());
    return response;
  }
  retry.headers.set('authorization', `Bearer ${session.accessToken}`);
  return baseFetch(retry);
}

async function notePasswordChange(response: Response): Promise<void> {
  try {
    const body = (await response.clone().json()) as { code?: string };
    if (body?.code === 'auth/password-change-required') passwordChangeListeners.forEach((fn) => fn());
  } catch {
    // not JSON: nothing to note
  }
}
