import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api } from '@/api/client';
import { unwrap } from '@/api/errors';
import { getAccessToken, setAccessToken, setBaseFetch } from '@/api/http';
import { fakeFetch, user } from '@/test/fake-fetch';
import { useAuthStore } from './auth';

describe('auth store', () => {
  beforeEach(() => setActivePinia(createPinia()));
  afterEach(() => setAccessToken(null));

  it('signs in, keeps the token in memory and sends it', async () => {
    const f = fakeFetch({
      'POST /api/auth/login': {
        status: 200,
        body: { accessToken: 'tok-1', refreshToken: 'r', expiresIn: 900, user: user() },
      },
      'GET /api/me': { status: 200, body: user() },
    });
    setBaseFetch(f.fn);
    const auth = useAuthStore();
    await auth.login('student@example.com', 'sysponto-demo');
    expect(auth.isSignedIn).toBe(true);
    expect(auth.role).toBe('student');
    expect(getAccessToken()).toBe('tok-1');
    await unwrap(api.GET('/api/me'));
    expect(f.calls.at(-1)?.authorization).toBe('Bearer tok-1');
    expect(JSON.parse(f.calls[0]!.body)).toEqual({ email: 'student@example.com', password: 'sysponto-demo' });
  });

  it('restores the session on load through the refresh cookie', async () => {
    localStorage.setItem('sysponto.session', '1');
    setBaseFetch(
      fakeFetch({
        'POST /api/auth/refresh': {
          status: 200,
          body: { accessToken: 'tok-2', user: user({ fullName: 'Back Again' }) },
        },
      }).fn,
    );
    const auth = useAuthStore();
    await auth.restore();
    expect(auth.restored).toBe(true);
    expect(auth.user?.fullName).toBe('Back Again');
    expect(auth.accessToken).toBe('tok-2');
  });

  it('stays signed out when there is no valid cookie', async () => {
    localStorage.setItem('sysponto.session', '1');
    setBaseFetch(
      fakeFetch({ 'POST /api/auth/refresh': { status: 401, body: { code: 'auth/invalid-refresh-token' } } }).fn,
    );
    const auth = useAuthStore();
    await auth.restore();
    expect(auth.restored).toBe(true);
    expect(auth.isSignedIn).toBe(false);
    expect(localStorage.getItem('sysponto.session')).toBeNull();
  });

  it('does not try a refresh on an anonymous first visit', async () => {
    localStorage.removeItem('sysponto.session');
    const f = fakeFetch({});
    setBaseFetch(f.fn);
    const auth = useAuthStore();
    await auth.restore();
    expect(auth.restored).toBe(true);
    expect(f.calls).toHaveLength(0);
  });

  it('refreshes mid-session: a 401 is refreshed, the request retried, and the store sees the new token', async () => {
    const f = fakeFetch({
      'POST /api/auth/login': {
        status: 200,
        body: { accessToken: 'tok-1', refreshToken: 'r', expiresIn: 900, user: user() },
      },
      'GET /api/me': [
        { status: 401, body: { code: 'auth/unauthenticated' } },
        { status: 200, body: user() },
      ],
      'POST /api/auth/refresh': { status: 200, body: { accessToken: 'tok-3', user: user() } },
    });
    setBaseFetch(f.fn);
    const auth = useAuthStore();
    await auth.login('student@example.com', 'pw');
    await unwrap(api.GET('/api/me'));
    expect(auth.accessToken).toBe('tok-3');
    expect(f.calls.map((c) => c.authorization)).toEqual([null, 'Bearer tok-1', null, 'Bearer tok-3']);
  });

  it('signs out locally when the refresh is refused mid-session, and says so on the login page', async () => {
    const f = fakeFetch({
      'POST /api/auth/login': {
        status: 200,
        body: { accessToken: 'tok-1', refreshToken: 'r', expiresIn: 900, user: user() },
      },
      'GET /api/me': { status: 401, body: { code: 'auth/unauthenticated' } },
      'POST /api/auth/refresh': { status: 401, body: { code: 'auth/invalid-refresh-token' } },
    });
    setBaseFetch(f.fn);
    const auth = useAuthStore();
    await auth.login('student@example.com', 'pw');
    await expect(unwrap(api.GET('/api/me'))).rejects.toMatchObject({ status: 401 });
    expect(auth.isSignedIn).toBe(false);
    expect(auth.expired).toBe(true);
  });

  it('adopts the fresh tokens after a password change (must-change flow)', async () => {
    const f = fakeFetch({
      'POST /api/auth/login': {
        status: 200,
        body: { accessToken: 'tmp', refreshToken: 'r', expiresIn: 900, user: user({ mustChangePassword: true }) },
      },
      'POST /api/me/password': {
        status: 200,
        body: { accessToken: 'tok-ok', refreshToken: 'r2', expiresIn: 900, user: user({ mustChangePassword: false }) },
      },
    });
    setBaseFetch(f.fn);
    const auth = useAuthStore();
    await auth.login('student@example.com', 'temporary');
    expect(auth.mustChangePassword).toBe(true);
    await auth.changePassword('temporary', 'a-new-long-password');
    expect(auth.mustChangePassword).toBe(false);
    expect(getAccessToken()).toBe('tok-ok');
  });
});

describe('password change required', () => {
  beforeEach(() => setActivePinia(createPinia()));
  afterEach(() => setAccessToken(null));

  it('flags the user when the API answers 403 auth/password-change-required', async () => {
    setBaseFetch(
      fakeFetch({
        'POST /api/auth/login': {
          status: 200,
          body: { accessToken: 't', refreshToken: 'r', expiresIn: 900, user: user() },
        },
        'GET /api/notifications': {
          status: 403,
          body: {
            statusCode: 403,
            code: 'auth/password-change-required',
            message: 'Change your temporary password first.',
          },
        },
      }).fn,
    );
    const auth = useAuthStore();
    await auth.login('student@example.com', 'pw');
    await expect(unwrap(api.GET('/api/notifications'))).rejects.toMatchObject({ status: 403 });
    await new Promise((r) => setTimeout(r, 0));
    expect(auth.mustChangePassword).toBe(true);
  });
});
