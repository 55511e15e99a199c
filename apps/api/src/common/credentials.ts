import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
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
  /**
   * Optional checks of one HTTP request against the credential, after the principal is known and before the roles
   * (API keys: the route's scope and the key's rate limit, with their headers on `reply`). Throws to refuse.
   */
  authorize?(user: AuthUser, req: FastifyRequest, reply: FastifyReply): void | Promise<void>;
  /** False: not accepted at the Socket.IO handshake (API keys). Default true. */
  readonly sockets?: boolean;
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

  resolve(token: string, transport: 'http' | 'socket' = 'http'): AuthUser | Promise<AuthUser> {
    const r = this.prefixed.find((p) => token.startsWith(p.prefix)) ?? this.fallback;
    if (!r || (transport === 'socket' && r.sockets === false)) throw unauthenticated();
    return r.resolve(token);
  }

  /** The resolver's own checks of an HTTP request (`CredentialResolver.authorize`), if it has any. */
  authorize(user: AuthUser, req: FastifyRequest, reply: FastifyReply): void | Promise<void> {
    // Synchronous when there is nothing to check (access tokens): the guard then needs no promise.
    const r = user.credential ? this.prefixed.find((p) => p.name === user.credential) : undefined;
    return r?.authorize?.(user, req, reply);
  }
}

/** The token of an `Authorization: Bearer …` header (case-insensitive scheme), or null. */
export function bearerToken(header: string | string[] | undefined): string | null {
  if (typeof header !== 'string' || header.length > 8192) return null;
  const m = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header);
  return m ? m[1] : null;
}
