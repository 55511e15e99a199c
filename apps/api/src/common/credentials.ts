import { Injectable } from '@nestjs/common';
import { CommonErrors } from './app-error.js';
import type { AuthUser } from './auth-user.js';

/**
 * Turns a bearer credential into the caller. The guard and the socket handshake pick the resolver by the token's
 * prefix (`spk_…` for API keys); the resolver with the empty prefix (access-token JWTs) takes everything else.
 *
 * A resolver must be cheap on the hot path: verify a signature and consult in-process state; no database read per
 * request (cache, and invalidate through RevocationService events). Throw `CommonErrors.unauthenticated()` (401)
 * for a bad credential; a resolver may attach more to the principal (scopes) for its own checks in the guard.
 */
export interface CredentialResolver {
  /** Short name, also set as `AuthUser.credential` (`jwt`, `api-key`). */
  readonly name: string;
  /** Tokens starting with this go to this resolver; '' = the default (JWT). */
  readonly prefix: string;
  resolve(token: string): AuthUser | Promise<AuthUser>;
}

export const unauthenticated = () =>
  CommonErrors.unauthenticated({ message: 'Your session is missing or has expired. Sign in again.' });

/** The registry: modules register their resolver at startup (`onModuleInit`). */
@Injectable()
export class CredentialResolvers {
  private fallback: CredentialResolver | null = null;
  private readonly prefixed: CredentialResolver[] = [];

  register(resolver: CredentialResolver) {
    if (!resolver.prefix) {
      if (this.fallback) throw new Error('a default credential resolver is already registered');
      this.fallback = resolver;
      return;
    }
    if (this.prefixed.some((r) => resolver.prefix.startsWith(r.prefix) || r.prefix.startsWith(resolver.prefix)))
      throw new Error(`credential prefix ${resolver.prefix} overlaps another`);
    this.prefixed.push(resolver);
  }

  resolve(token: string): AuthUser | Promise<AuthUser> {
    for (const r of this.prefixed) if (token.startsWith(r.prefix)) return r.resolve(token);
    if (!this.fallback) throw unauthenticated();
    return this.fallback.resolve(token);
  }
}

/** The token of an `Authorization: Bearer …` header (case-insensitive scheme), or null. */
export function bearerToken(header: string | string[] | undefined): string | null {
  if (typeof header !== 'string' || header.length > 8192) return null;
  const m = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header);
  return m ? m[1] : null;
}
