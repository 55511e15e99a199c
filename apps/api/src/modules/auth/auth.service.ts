import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { RateLimiter } from '../../common/rate-limit/rate-limiter.js';
import { UserEntity } from '../users/user.entity.js';
import { toUserDto } from '../users/users.dto.js';
import { AuthErrors } from './auth.errors.js';
import type { AuthTokensDto, LoginDto } from './auth.dto.js';
import { PasswordService } from './password.service.js';
import { AccessTokenService } from './access-tokens.service.js';
import { RevocationService } from './revocation.service.js';
import { AuditService, type AuditEntry } from '../audit/audit.service.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

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
    const user = await this.dataSource
      .getRepository(UserEntity)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('lower(u.email) = :email', { email: dto.email })
      .getOne();
    const ok = await this.passwords.verify(user?.active ? user.passwordHash : null, dto.password);
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
    const consumed: { user_id: string; family_id: string }[] = await this.dataSource.query(
      `UPDATE refresh_tokens SET used_at = now()
        WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now()
        RETURNING user_id, family_id`,
      [hash],
    );
    const row = Array.isArray(consumed[0])
      ? (consumed[0] as unknown as { user_id: string; family_id: string }[])[0]
      : consumed[0];
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
        await m.query(`UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL`, [
          sessionId,
        ]);
        return this.revocations.revokeSession(m, principal.id, sessionId, 'logout');
      });
      this.revocations.announce(event);
    }
  }

  /** Revokes the refresh-token family of this token hash and the access tokens of that sign-in. */
  private async endSignIn(hash: string, reason: 'logout' | 'refresh-reuse') {
    const event = await this.dataSource.transaction(async (m) => {
      const rows: { user_id: string; family_id: string }[] = await m.query(
        `SELECT user_id, family_id FROM refresh_tokens WHERE token_hash = $1`,
        [hash],
      );
      if (!rows[0]) return null;
      await m.query(`UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL`, [
        rows[0].family_id,
      ]);
      return this.revocations.revokeSession(m, rows[0].user_id, rows[0].family_id, reason);
    });
    this.revocations.announce(event);
  }

  /** Signs an access token and stores a new refresh token of the given family. */
  async issue(user: UserEntity, familyId: string): Promise<AuthTokensDto> {
    const refreshToken = randomBytes(32).toString('base64url');
    await this.dataSource.query(
      `INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at) VALUES ($1, $2, $3, now() + make_interval(days => $4))`,
      [user.id, familyId, sha256(refreshToken), this.config.refreshTokenTtlDays],
    );
    const accessToken = this.tokens.sign(user, familyId);
    return { accessToken, expiresIn: this.config.accessTokenTtlSeconds, refreshToken, user: toUserDto(user) };
  }

  /** After a password change: a fresh login for the caller (all older refresh tokens were revoked). */
  async reissue(userId: string): Promise<AuthTokensDto> {
    const user = await this.dataSource.getRepository(UserEntity).findOneOrFail({ where: { id: userId } });
    return this.issue(user, randomUUID());
  }
}
