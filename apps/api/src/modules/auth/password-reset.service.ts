import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import { RateLimiter } from '../../common/rate-limit/rate-limiter.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { AuditService } from '../audit/audit.service.js';
import { MailOutboxService } from '../mail/mail-outbox.service.js';
import { mailLocale, passwordResetMail } from '../mail/mail.templates.js';
import { UserEntity } from '../users/user.entity.js';
import { UserErrors } from '../users/users.errors.js';
import { PasswordService } from './password.service.js';
import { AuthErrors } from './auth.errors.js';
import { PasswordResetTokenEntity } from './password-reset-token.entity.js';
import { RefreshTokenEntity } from './refresh-token.entity.js';
import { RevocationService } from './revocation.service.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Forgot password (issue 13). A request always answers the same (no account enumeration); for an active account it
 * mails, through the outbox, a link with a random token valid PASSWORD_RESET_TTL_MINUTES and usable once. Only the
 * token's SHA-256 is stored, a newer link replaces older ones, and the mail's body is blanked once sent. Confirming
 * sets the password and ends every sign-in of the user: refresh tokens and, at once, access tokens (token version).
 */
@Injectable()
export class PasswordResetService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly limiter: RateLimiter,
    private readonly passwords: PasswordService,
    private readonly outbox: MailOutboxService,
    private readonly revocations: RevocationService,
    private readonly audit: AuditService,
  ) {}

  /** POST /api/auth/password-reset: 429 only for an address that asks too often; otherwise always the same answer. */
  async request(email: string, ip: string): Promise<void> {
    const { maxPerAccount, maxPerIp, windowSeconds } = this.config.passwordReset;
    const ipState = await this.limiter.hit(`reset:ip:${ip}`, windowSeconds);
    if (ipState.count > maxPerIp) {
      throw AuthErrors.tooManyResetRequests({ headers: { 'Retry-After': String(ipState.retryAfterSeconds) } });
    }
    // Per account: over the limit the answer is the same, only no mail goes out (nobody floods a mailbox).
    const account = await this.limiter.hit(`reset:acct:${email}`, windowSeconds);
    if (account.count > maxPerAccount || !this.outbox.enabled) return;
    const user = await this.dataSource
      .getRepository(UserEntity)
      .createQueryBuilder('u')
      .where('lower(u.email) = :email', { email })
      .getOne();
    if (!user?.active) return;
    await this.dataSource.transaction((m) => this.issue(m, user, null));
    this.outbox.kick();
  }

  /** POST /api/users/:id/password-reset (admin): mails the user a link. */
  async sendByAdmin(actorId: string, userId: string): Promise<{ expiresAt: string }> {
    if (!this.outbox.enabled) throw AuthErrors.resetUnavailable();
    const expiresAt = await this.dataSource.transaction(async (m) => {
      const user = await m.findOne(UserEntity, { where: { id: userId } });
      if (!user) throw UserErrors.notFound();
      if (!user.active) throw AuthErrors.resetInactive();
      const at = await this.issue(m, user, actorId);
      await this.audit.record(m, {
        action: 'user.password-reset-sent',
        targetType: 'user',
        targetId: user.id,
        summary: { email: user.email },
      });
      return at;
    });
    this.outbox.kick();
    return { expiresAt: expiresAt.toISOString() };
  }

  /** POST /api/auth/password-reset/confirm: sets the password, ends every sign-in, uses the token up. */
  async confirm(token: string, password: string, ip: string): Promise<void> {
    const { maxPerIp, windowSeconds } = this.config.passwordReset;
    const ipKey = `reset:ip:${ip}`;
    const state = await this.limiter.peek(ipKey);
    if (state.count >= maxPerIp) {
      throw AuthErrors.tooManyResetRequests({ headers: { 'Retry-After': String(state.retryAfterSeconds) } });
    }
    const passwordHash = await this.passwords.hash(password);
    const result = await this.dataSource.transaction(async (m) => {
      const row = await m
        .getRepository(PasswordResetTokenEntity)
        .createQueryBuilder('t')
        .innerJoin(UserEntity, 'u', 'u.id = t.user_id AND u.active')
        .where('t.token_hash = :hash AND t.used_at IS NULL AND t.expires_at > now()', { hash: sha256(token) })
        .setLock('pessimistic_write', undefined, ['t'])
        .getOne();
      if (!row) return null;
      await m.update(PasswordResetTokenEntity, { userId: row.userId, usedAt: IsNull() }, { usedAt: () => 'now()' });
      await m.update(UserEntity, { id: row.userId }, { passwordHash, mustChangePassword: false });
      await m.update(RefreshTokenEntity, { userId: row.userId, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
      const event = await this.revocations.revokeUser(m, row.userId, 'password-reset');
      await this.audit.record(m, {
        actorId: row.userId,
        action: 'user.password-reset',
        targetType: 'user',
        targetId: row.userId,
        summary: { byAdmin: row.requestedBy !== null },
      });
      return { event, userId: row.userId };
    });
    if (!result) {
      await this.limiter.hit(ipKey, windowSeconds);
      throw AuthErrors.resetTokenInvalid();
    }
    this.revocations.announce(result.event);
  }

  /** A new link for the user (older unused ones stop working), mailed in their language. Returns its expiry. */
  private async issue(m: EntityManager, user: UserEntity, requestedBy: string | null): Promise<Date> {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.config.passwordReset.ttlMinutes * 60_000);
    await m.update(PasswordResetTokenEntity, { userId: user.id, usedAt: IsNull() }, { usedAt: () => 'now()' });
    await m.insert(PasswordResetTokenEntity, { userId: user.id, tokenHash: sha256(token), requestedBy, expiresAt });
    const mail = passwordResetMail(mailLocale(user.locale), {
      fullName: user.fullName,
      // Links in mails use PUBLIC_URL only, never the request's Host.
      link: `${this.config.publicUrl}/reset-password?token=${token}`,
      minutes: this.config.passwordReset.ttlMinutes,
      byAdmin: requestedBy !== null,
    });
    await this.outbox.enqueue([{ kind: 'auth.password-reset', to: user.email, ...mail }], m);
    return expiresAt;
  }
}
