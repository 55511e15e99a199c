import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, IsNull } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { RateLimiter } from '../../common/rate-limit/rate-limiter.js';
import { UserEntity } from '../users/user.entity.js';
import { RefreshTokenEntity } from './refresh-token.entity.js';
import { toUserDto } from '../users/users.dto.js';
import { AuthErrors } from './auth.errors.js';
import type { AuthTokensDto, LoginDto } from './auth.dto.js';
import { PasswordService } from './password.service.js';
import { AccessTokenService } from './access-tokens.service.js';
import { RevocationService } from './revocation.service.js';
import { AuditService, type AuditEntry } from '../audit/audit.service.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Revokes every refresh token of one sign-in (a token family). */
async function revokeFamily(m: EntityManager, familyId: string): Promise<void> {
  await m.update(RefreshTokenEntity, { familyId, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
}

@Injectable()
export class AuthService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tokens: AccessTokenService,
    private readonly revocations: RevocationService,
    private readonly passwords: PasswordService,
    private readonly limiter: RateLimiter,
    private readonly audit: AuditService,
  ) {}

  /**
   * One generic error for a wrong email or password. Failures are limited per account (a guesser stops; a victim is
   * locked out at most one window) and, far more generously, per IP (a lecture hall shares one address): a correct
   * password is never refused because of its IP.
   */
  async login(dto: LoginDto, ip: string): Promise<AuthTokensDto> {
    const accountKey = `login:acct:${dto.email}`;
    const ipKey = `login:ip:${ip}`;
    const account = await this.limiter.peek(accountKey);
    if (account.count >= this.config.loginMaxFailuresPerAccount) {
      throw AuthErrors.tooManyAttempts({ headers: { 'Retry-After': String(account.retryAfterSeconds) } });
    }
    // The lookup and the verify wait their turn together (PasswordService.admit): a storm of sign-ins reads the
    // database at the rate it can hash, not all at once ahead of everyone else's queries.
    const { user, ok } = await this.passwords.admit(async () => {
      const found = await this.dataSource
        .getRepository(UserEntity)
        .createQueryBuilder('u')
        .addSelect('u.passwordHash')
        .where('lower(u.email) = :email', { email: dto.email })
        .getOne();
      return { user: found, ok: await this.passwords.verify(found?.active ? found.passwordHash : null, dto.password) };
    });
    if (!ok || !user) {
      const [accountState, ipState] = await Promise.all([
        this.limiter.hit(accountKey, this.config.loginWindowSeconds),
        this.limiter.hit(ipKey, this.config.loginWindowSeconds),
      ]);
      // Who tried which account, never the password. Past the IP limit only the moment of locking is recorded,
      // so a flood from one address cannot flood the trail.
      const target = { targetType: 'auth', targetId: user?.id ?? null, actorId: null };
      const reason = !user ? 'unknown-email' : !user.active ? 'inactive' : 'wrong-password';
      const entries: AuditEntry[] = [];
      if (ipState.count <= this.config.loginMaxFailuresPerIp)
        entries.push({ action: 'auth.login-failed', ...target, summary: { email: dto.email, reason } });
      if (accountState.count === this.config.loginMaxFailuresPerAccount)
        entries.push({
          action: 'auth.locked-out',
          ...target,
          summary: {
            email: dto.email,
            scope: 'account',
            failures: accountState.count,
            retryAfterSeconds: accountState.retryAfterSeconds,
          },
        });
      if (ipState.count === this.config.loginMaxFailuresPerIp + 1)
        entries.push({
          action: 'auth.locked-out',
          ...target,
          summary: {
            email: dto.email,
            scope: 'ip',
            ip,
            failures: ipState.count - 1,
            retryAfterSeconds: ipState.retryAfterSeconds,
          },
        });
      await this.audit.record(this.dataSource.manager, entries);
      if (ipState.count > this.config.loginMaxFailuresPerIp) {
        throw AuthErrors.tooManyAttempts({ headers: { 'Retry-After': String(ipState.retryAfterSeconds) } });
      }
      throw AuthErrors.invalidCredentials();
    }
    await this.limiter.reset(accountKey);
    await this.dataSource.getRepository(UserEntity).update({ id: user.id }, { lastLoginAt: () => 'now()' });
    // The login answer carries the previous sign-in (null at the first one): the SPA then takes the browser's
    // language as the user's preference (issue 13). Elsewhere lastLoginAt is this sign-in.
    return this.issue(user, randomUUID());
  }

  /** Rotates a refresh token. Reusing an already rotated token revokes its whole family (likely theft). */
  async refresh(token: string | undefined): Promise<AuthTokensDto> {
    if (!token) throw AuthErrors.invalidRefreshToken();
    const hash = sha256(token);
    // Atomically consume: only one concurrent refresh can win.
    const consumed = await this.dataSource
      .createQueryBuilder()
      .update(RefreshTokenEntity)
      .set({ usedAt: () => 'now()' })
      .where('token_hash = :hash AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now()', { hash })
      .returning(['userId', 'familyId'])
      .updateEntity(false)
      .execute();
    const [row] = consumed.raw as { user_id: string; family_id: string }[];
    if (!row) {
      // A used or revoked token again: likely stolen. End that sign-in, access tokens included.
      await this.endSignIn(hash, 'refresh-reuse');
      throw AuthErrors.invalidRefreshToken();
    }
    const user = await this.dataSource.getRepository(UserEntity).findOne({ where: { id: row.user_id } });
    if (!user || !user.active) throw AuthErrors.invalidRefreshToken();
    return this.issue(user, row.family_id);
  }

  /**
   * Ends one sign-in: its refresh tokens and, at once, its access tokens (every replica). The user's other devices
   * stay signed in. The sign-in is found from the refresh token, else from the caller's access token.
   */
  async logout(token: string | undefined, principal?: { id: string; sessionId?: string }): Promise<void> {
    if (token) {
      await this.endSignIn(sha256(token), 'logout');
    } else if (principal?.sessionId) {
      const sessionId = principal.sessionId;
      const event = await this.dataSource.transaction(async (m) => {
        await revokeFamily(m, sessionId);
        return this.revocations.revokeSession(m, principal.id, sessionId, 'logout');
      });
      this.revocations.announce(event);
    }
  }

  /** Revokes the refresh-token family of this token hash and the access tokens of that sign-in. */
  private async endSignIn(hash: string, reason: 'logout' | 'refresh-reuse') {
    const event = await this.dataSource.transaction(async (m) => {
      const token = await m.findOne(RefreshTokenEntity, {
        select: { userId: true, familyId: true },
        where: { tokenHash: hash },
      });
      if (!token) return null;
      await revokeFamily(m, token.familyId);
      return this.revocations.revokeSession(m, token.userId, token.familyId, reason);
    });
    this.revocations.announce(event);
  }

  /** Signs an access token and stores a new refresh token of the given family. */
  async issue(user: UserEntity, familyId: string): Promise<AuthTokensDto> {
    const refreshToken = randomBytes(32).toString('base64url');
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(RefreshTokenEntity)
      .values({
        userId: user.id,
        familyId,
        tokenHash: sha256(refreshToken),
        expiresAt: () => 'now() + make_interval(days => :days)',
      })
      .setParameter('days', this.config.refreshTokenTtlDays)
      .updateEntity(false)
      .execute();
    const accessToken = this.tokens.sign(user, familyId);
    return { accessToken, expiresIn: this.config.accessTokenTtlSeconds, refreshToken, user: toUserDto(user) };
  }

  /** After a password change: a fresh login for the caller (all older refresh tokens were revoked). */
  async reissue(userId: string): Promise<AuthTokensDto> {
    const user = await this.dataSource.getRepository(UserEntity).findOneOrFail({ where: { id: userId } });
    return this.issue(user, randomUUID());
  }
}
