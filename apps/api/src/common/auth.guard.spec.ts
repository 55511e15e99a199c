import { createHmac, createSecretKey } from 'node:crypto';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import type { AppConfig } from '../config/app-config.js';
import { AccessTokenService, JWT_AUDIENCE, JWT_ISSUER } from '../modules/auth/access-tokens.service.js';
import { RevocationService } from '../modules/auth/revocation.service.js';
import { AppError } from './app-error.js';
import { AuthGuard } from './auth.guard.js';
import { CredentialResolvers } from './credentials.js';
import { Roles } from './decorators.js';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const TTL = 900;
const jwt = new JwtService({
  secret: createSecretKey(Buffer.from(SECRET)) as unknown as string,
  signOptions: { algorithm: 'HS256', issuer: JWT_ISSUER, audience: JWT_AUDIENCE, expiresIn: TTL },
  verifyOptions: { algorithms: ['HS256'], issuer: JWT_ISSUER, audience: JWT_AUDIENCE },
});
const config = { accessTokenTtlSeconds: TTL } as AppConfig;

class Routes {
  me() {}
  @Roles('teacher' as never)
  teachersOnly() {}
}

function contextFor(handler: keyof Routes, authorization?: string) {
  const request: { headers: { authorization?: string }; user?: unknown } = { headers: { authorization } };
  const context = {
    getType: () => 'http',
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => ({}) }),
  } as unknown as ExecutionContext;
  return { context, request };
}

function status(fn: () => unknown): number | 'ok' {
  try {
    fn();
    return 'ok';
  } catch (err) {
    return (err as AppError).getStatus();
  }
}

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const claims = (sub: string, role: string, more: object = {}) => ({ sub, role, ver: 0, sid: `sid-${sub}`, ...more });

describe('AuthGuard with the access-token resolver', () => {
  // No database or Redis: announce() applies a revocation in this process, which is what the hot path reads.
  const revocations = new RevocationService(config, null as never, null);
  const resolvers = new CredentialResolvers();
  new AccessTokenService(jwt, config, revocations, resolvers).onModuleInit();
  const guard = new AuthGuard(new Reflector(), resolvers);
  const admit = (handler: keyof Routes, token: string | undefined) =>
    status(() => guard.canActivate(contextFor(handler, token === undefined ? undefined : `Bearer ${token}`).context));

  it('accepts a valid bearer token and sets the caller', () => {
    const { context, request } = contextFor('me', `Bearer ${jwt.sign(claims('u1', 'student'))}`);
    expect(guard.canActivate(context)).toBe(true);
    expect(request.user).toMatchObject({ id: 'u1', role: 'student', mustChangePassword: false, sessionId: 'sid-u1' });
  });

  it('rejects a missing, malformed, foreign-issuer, unsigned, wrong-key, expired or version-less token with 401', () => {
    const now = Math.floor(Date.now() / 1000);
    const body = { ...claims('u1', 'admin'), iss: JWT_ISSUER, aud: JWT_AUDIENCE, iat: now, exp: now + 60 };
    const forged = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(body)}.`;
    const otherIssuer = jwt.sign(claims('u1', 'student'), { issuer: 'someone-else' });
    const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(body)}`;
    const wrongKey = `${unsigned}.${createHmac('sha256', 'another-secret').update(unsigned).digest('base64url')}`;
    const expired = jwt.sign({ ...claims('u1', 'student'), iat: now - 120 }, { expiresIn: 60 });
    const noVersion = jwt.sign({ sub: 'u1', role: 'student', sid: 's' });
    for (const token of [forged, otherIssuer, wrongKey, expired, noVersion]) expect(admit('me', token)).toBe(401);
    for (const header of [undefined, 'Bearer', 'Basic abc'])
      expect(status(() => guard.canActivate(contextFor('me', header).context))).toBe(401);
  });

  it('refuses a remembered token at once when its sign-in or its user is revoked', () => {
    const a = jwt.sign(claims('u6', 'student'));
    const b = jwt.sign(claims('u7', 'student'));
    expect([admit('me', a), admit('me', a), admit('me', b)]).toEqual(['ok', 'ok', 'ok']);
    revocations.announce({ type: 'session-revoked', userId: 'u6', sessionId: 'sid-u6', expiresAt: Date.now() + 1e6 });
    revocations.announce({ type: 'user-revoked', userId: 'u7', minVersion: 1, expiresAt: Date.now() + 1e6 });
    expect([admit('me', a), admit('me', b)]).toEqual([401, 401]);
    expect(admit('me', jwt.sign(claims('u7', 'student', { ver: 1, sid: 'new' })))).toBe('ok');
  });

  it('stops accepting a remembered token once it expires', () => {
    jest.useFakeTimers({ now: Date.now() });
    try {
      const token = jwt.sign(claims('u2', 'student'), { expiresIn: 60 });
      expect(admit('me', token)).toBe('ok');
      jest.setSystemTime(Date.now() + 61_000);
      expect(admit('me', token)).toBe(401);
    } finally {
      jest.useRealTimers();
    }
  });

  it('enforces @Roles after authentication', () => {
    expect(admit('teachersOnly', jwt.sign(claims('u3', 'student')))).toBe(403);
    expect(admit('teachersOnly', jwt.sign(claims('u4', 'teacher')))).toBe('ok');
  });

  it('holds back a temporary password until it is changed', () => {
    expect(admit('me', jwt.sign(claims('u5', 'student', { mcp: true })))).toBe(403);
  });
});
