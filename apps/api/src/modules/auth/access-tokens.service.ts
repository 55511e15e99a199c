import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { USER_ROLES, type UserRole } from '@sysponto/contracts';
import type { AccessTokenPayload, AuthUser } from '../../common/auth-user.js';
import { type CredentialResolver, CredentialResolvers, unauthenticated } from '../../common/credentials.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { RevocationService } from './revocation.service.js';

export const JWT_ISSUER = 'sysponto';
export const JWT_AUDIENCE = 'sysponto-api';
/** Clock difference tolerated between the replica that signed a token and the one verifying it. */
const LEEWAY_SECONDS = 30;
const ROLES = new Set<string>(USER_ROLES);
/** Verified tokens remembered (a few MB at most); a full memo is simply cleared. */
const VERIFIED_MAX = 10_000;

/** A token whose signature and claims passed, remembered until its expiry. */
interface VerifiedToken {
  user: AuthUser;
  version: number;
  sessionId: string;
  expiresAtMs: number;
}

export interface TokenSubject {
  id: string;
  role: UserRole;
  mustChangePassword: boolean;
  tokenVersion: number;
}

/**
 * Access tokens: HS256 JWTs signed with a KeyObject (fast in jsonwebtoken 9), and the default credential resolver.
 * Verification refuses a wrong signature, algorithm, `iss` or `aud`, a missing `exp`/`iat`, an `exp` further than the
 * configured lifetime, missing `ver`/`sid`, and revoked tokens (two Map lookups in RevocationService).
 *
 * A client sends the same token for its whole lifetime, so the outcome of the signature and claim checks is
 * remembered per token (the whole token, signature included, is the key) until the token's own `exp`. The
 * revocation check is not remembered: it runs on every request, so a revoked token is refused at once.
 */
@Injectable()
export class AccessTokenService implements CredentialResolver, OnModuleInit {
  readonly name = 'jwt';
  readonly prefix = '';
  private readonly verified = new Map<string, VerifiedToken>();

  constructor(
    private readonly jwt: JwtService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly revocations: RevocationService,
    private readonly resolvers: CredentialResolvers,
  ) {}

  onModuleInit() {
    this.resolvers.register(this);
  }

  sign(user: TokenSubject, sessionId: string): string {
    const payload: AccessTokenPayload = {
      sub: user.id,
      role: user.role,
      ...(user.mustChangePassword ? { mcp: true } : {}),
      ver: user.tokenVersion,
      sid: sessionId,
    };
    return this.jwt.sign(payload);
  }

  resolve(token: string): AuthUser {
    let known = this.verified.get(token);
    if (known === undefined || known.expiresAtMs <= Date.now()) {
      if (known !== undefined) this.verified.delete(token);
      known = this.verify(token);
      if (this.verified.size >= VERIFIED_MAX) this.verified.clear();
      this.verified.set(token, known);
    }
    const { user } = known;
    if (this.revocations.isRevoked(user.id, known.version, known.sessionId)) throw unauthenticated();
    return { ...user };
  }

  /** Signature and claims; no revocation check (see resolve). */
  private verify(token: string): VerifiedToken {
    let p: AccessTokenPayload;
    try {
      // Signature, algorithm, iss, aud and (when present) exp, as registered in AuthModule's verifyOptions.
      p = this.jwt.verify<AccessTokenPayload>(token);
    } catch {
      throw unauthenticated();
    }
    const now = Math.floor(Date.now() / 1000);
    const ttl = this.config.accessTokenTtlSeconds;
    if (
      typeof p.exp !== 'number' ||
      typeof p.iat !== 'number' ||
      p.exp - p.iat > ttl ||
      p.exp > now + ttl + LEEWAY_SECONDS ||
      p.iat > now + LEEWAY_SECONDS ||
      typeof p.sub !== 'string' ||
      typeof p.sid !== 'string' ||
      !Number.isInteger(p.ver) ||
      !ROLES.has(p.role)
    ) {
      throw unauthenticated();
    }
    return {
      user: {
        id: p.sub,
        role: p.role,
        mustChangePassword: p.mcp === true,
        credential: 'jwt',
        sessionId: p.sid,
        expiresAt: p.exp,
        tokenVersion: p.ver,
      },
      version: p.ver,
      sessionId: p.sid,
      expiresAtMs: p.exp * 1000,
    };
  }
}
