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
 */
@Injectable()
export class AccessTokenService implements CredentialResolver, OnModuleInit {
  readonly name = 'jwt';
  readonly prefix = '';

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
    if (this.revocations.isRevoked(p.sub, p.ver, p.sid)) throw unauthenticated();
    return {
      id: p.sub,
      role: p.role,
      mustChangePassword: p.mcp === true,
      credential: 'jwt',
      sessionId: p.sid,
      expiresAt: p.exp,
      tokenVersion: p.ver,
    };
  }
}
