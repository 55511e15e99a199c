import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from './client';
import { unwrap } from './errors';
import { onSessionExpired, setAccessToken, setBaseFetch } from './http';
import { fakeFetch, user } from '@/test/fake-fetch';

describe('authFetch: 401 → refresh → retry once', () => {
  beforeEach(() => setAccessToken('old-token'));
  afterEach(() => setAccessToken(null));

  it('refreshes with the cookie and retries the request with the new token', async () => {
    const f = fakeFetch({
      'GET /api/me': [
        { status: 401, body: { statusCode: 401, code: 'auth/unauthenticated', message: 'Sign in to continue.' } },
        { status: 200, body: user() },
      ],
      'POST /api/auth/refresh': { status: 200, body: { accessToken: 'new-token', user: user() } },
    });
    setBaseFetch(f.fn);
    const me = await unwrap(api.GET('/api/me'));
    expect(me.email).toBe('student@example.com');
    expect(f.calls.map((c) => `${c.method} ${c.path} ${c.authorization}`)).toEqual([
      'GET /api/me Bearer old-token',
      'POST /api/auth/refresh null',
      'GET /api/me Bearer new-token',
    ]);
  });

  it('shares one refresh between concurrent 401s', async () => {
    let refreshes = 0;
    const f = fakeFetch({
      'GET /api/me': [
        { status: 401, body: {} },
        { status: 401, body: {} },
        { status: 200, body: user() },
      ],
      'GET /api/notifications': [{ status: 200, body: { items: [], total: 0, page: 1, pageSize: 20, unreadCount: 0 } }],
      'POST /api/auth/refresh': async () => {
        refreshes++;
        await new Promise((r) => setTimeout(r, 20));
        return new Response(JSON.stringify({ accessToken: 'new-token', user: user() }), { status: 200 });
      },
    });
    setBaseFetch(f.fn);
    await Promise.all([unwrap(api.GET('/api/me')), unwrap(api.GET('/api/me'))]);
    expect(refreshes).toBe(1);
    expect(f.calls.filter((c) => c.path === '/api/me').map((c) => c.authorization)).toEqual([
      'Bearer old-token',
      'Bearer old-token',
      'Bearer new-token',
      'Bearer new-token',
    ]);
  });

  it('retries only once and reports the end of the session when the refresh fails', async () => {
    const expired = vi.fn();
    const off = onSessionExpired(expired);
    const f = fakeFetch({
      'GET /api/me': {
        status: 401,
        body: { statusCode: 401, code: 'auth/unauthenticated', message: 'Sign in to continue.' },
      },
      'POST /api/auth/refresh': {
        status: 401,
        body: { statusCode: 401, code: 'auth/invalid-refresh-token', message: 'Your session has ended.' },
      },
    });
    setBaseFetch(f.fn);
    await expect(unwrap(api.GET('/api/me'))).rejects.toMatchObject({ status: 401, code: 'auth/unauthenticated' });
    expect(expired).toHaveBeenCalledTimes(1);
    expect(f.calls.map((c) => c.path)).toEqual(['/api/me', '/api/auth/refresh']);
    off();
  });

  it('never refreshes for the auth routes themselves', async () => {
    const f = fakeFetch({
      'POST /api/auth/login': {
        status: 401,
        body: { statusCode: 401, code: 'auth/invalid-credentials', message: 'Wrong email or password.' },
      },
    });
    setBaseFetch(f.fn);
    await expect(
      unwrap(api.POST('/api/auth/login', { body: { email: 'a@b.c', password: 'x' } })),
    ).rejects.toMatchObject({ code: 'auth/invalid-credentials' });
    expect(f.calls).toHaveLength(1);
  });
});
