import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, IsNull, Repository } from 'typeorm';
import { UserRole } from '@sysponto/contracts';
import { likePattern, pageOf } from '../../common/pagination.js';
import { isUniqueViolation } from '../../common/db-errors.js';
import { AuditService, diffFields } from '../audit/audit.service.js';
import { PasswordService } from '../auth/password.service.js';
import { RefreshTokenEntity } from '../auth/refresh-token.entity.js';
import { type AccessEvent, type RevocationReason, RevocationService } from '../auth/revocation.service.js';
import { UserEntity } from './user.entity.js';
import { UserErrors } from './users.errors.js';
import { anonymizeUser, userByIdReader, userHistory } from './users.queries.js';
import {
  type ChangePasswordDto,
  type CreatedUserDto,
  type CreateUserDto,
  type ListUsersQueryDto,
  toUserDto,
  type UpdateMeDto,
  type UpdateUserDto,
  type UserDto,
  type UserPageDto,
} from './users.dto.js';
import { enqueueWebhookEvent } from '../webhooks/webhooks.queries.js';

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly passwords: PasswordService,
    private readonly audit: AuditService,
    private readonly revocations: RevocationService,
  ) {
    this.byId = userByIdReader(dataSource);
  }

  private readonly byId: ReturnType<typeof userByIdReader>;

  async list(q: ListUsersQueryDto): Promise<UserPageDto> {
    const { page, pageSize, offset } = pageOf(q);
    const qb = this.users.createQueryBuilder('u');
    if (q.search) {
      qb.andWhere('(u.email ILIKE :s OR u.full_name ILIKE :s OR u.student_number ILIKE :s)', {
        s: likePattern(q.search),
      });
    }
    if (q.role) qb.andWhere('u.role = :role', { role: q.role });
    if (q.active !== undefined) qb.andWhere('u.active = :active', { active: q.active });
    qb.orderBy('u.full_name', 'ASC').addOrderBy('u.id', 'ASC').offset(offset).limit(pageSize);
    const [rows, total] = await qb.getManyAndCount();
    return { items: rows.map(toUserDto), total, page, pageSize };
  }

  async get(id: string): Promise<UserDto> {
    const user = await this.byId(id);
    if (!user) throw UserErrors.notFound();
    return toUserDto(user);
  }

  async findOrFail(id: string, manager: EntityManager = this.dataSource.manager): Promise<UserEntity> {
    const user = await manager.findOne(UserEntity, { where: { id } });
    if (!user) throw UserErrors.notFound();
    return user;
  }

  async create(dto: CreateUserDto): Promise<CreatedUserDto> {
    const temporaryPassword = dto.password ? undefined : this.passwords.temporaryPassword();
    const passwordHash = await this.passwords.hash(dto.password ?? temporaryPassword!);
    try {
      const created = await this.dataSource.transaction(async (m) => {
        const result = await m
          .createQueryBuilder()
          .insert()
          .into(UserEntity)
          .values({
            email: dto.email,
            fullName: dto.fullName,
            role: dto.role,
            passwordHash,
            studentNumber: dto.studentNumber ?? null,
            mustChangePassword: !dto.password,
          })
          .returning(['id'])
          .execute();
        const user = await this.findOrFail((result.raw as { id: string }[])[0].id, m);
        await this.audit.record(m, {
          action: 'user.created',
          targetType: 'user',
          targetId: user.id,
          summary: {
            email: user.email,
            fullName: user.fullName,
            role: user.role,
            studentNumber: user.studentNumber,
            credential: temporaryPassword ? 'temporary' : 'set',
          },
        });
        await enqueueWebhookEvent(m, 'user.created', userPayload(user));
        return user;
      });
      return { user: toUserDto(created), ...(temporaryPassword ? { temporaryPassword } : {}) };
    } catch (err) {
      throw this.mapUnique(err);
    }
  }

  async update(actorId: string, id: string, dto: UpdateUserDto): Promise<UserDto> {
    const passwordHash = dto.password ? await this.passwords.hash(dto.password) : undefined;
    let revoked: AccessEvent | null = null;
    try {
      await this.dataSource.transaction(async (m) => {
        const user = await this.findOrFail(id, m);
        const losesAdmin =
          user.role === UserRole.Admin &&
          user.active &&
          ((dto.role && dto.role !== UserRole.Admin) || dto.active === false);
        if (losesAdmin) await this.assertAnotherActiveAdmin(m, id);
        const patch: Partial<UserEntity> = {};
        if (dto.email !== undefined) patch.email = dto.email;
        if (dto.fullName !== undefined) patch.fullName = dto.fullName;
        if (dto.role !== undefined) patch.role = dto.role;
        if (dto.active !== undefined) patch.active = dto.active;
        if (dto.studentNumber !== undefined) patch.studentNumber = dto.studentNumber;
        if (passwordHash) {
          patch.passwordHash = passwordHash;
          patch.mustChangePassword = actorId !== id;
        }
        if (Object.keys(patch).length) await m.update(UserEntity, { id }, patch);
        const reason: RevocationReason | null =
          dto.active === false && user.active
            ? 'deactivated'
            : dto.role && dto.role !== user.role
              ? 'role-changed'
              : passwordHash
                ? 'password-reset'
                : null;
        if (reason) revoked = await this.revokeSessions(m, id, reason);
        const { passwordHash: _hash, mustChangePassword: _mcp, ...visible } = patch;
        const changes = diffFields(user, visible);
        if (Object.keys(changes).length || passwordHash) {
          await this.audit.record(m, {
            action: 'user.updated',
            targetType: 'user',
            targetId: id,
            summary: { changes, ...(passwordHash ? { credentialReset: true } : {}) },
          });
        }
        if (Object.keys(changes).length)
          await enqueueWebhookEvent(m, 'user.updated', userPayload({ ...user, ...visible }));
      });
    } catch (err) {
      throw this.mapUnique(err);
    }
    this.revocations.announce(revoked);
    return this.get(id);
  }

  /** Deletes a user without history; one with history only when `anonymize` (kept under an anonymous name). */
  async remove(actorId: string, id: string, anonymize = false): Promise<void> {
    if (actorId === id) throw UserErrors.selfDelete();
    // Hashed before the transaction (argon2 is slow): a password nobody knows, for the anonymized account.
    const unusableHash = anonymize ? await this.passwords.hash(randomBytes(32).toString('hex')) : null;
    const revoked = await this.dataSource.transaction(async (m) => {
      const user = await m.findOne(UserEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!user) throw UserErrors.notFound();
      if (user.role === UserRole.Admin && user.active) await this.assertAnotherActiveAdmin(m, id);
      const history = await userHistory(m, id);
      const hasHistory = history.attendanceRecords + history.justifications + history.taughtSessions > 0;
      if (hasHistory && !unusableHash) throw UserErrors.hasHistory({ details: history });
      const event = await this.revocations.revokeAllOfUser(m, id, 'deleted');
      if (hasHistory && unusableHash) {
        await anonymizeUser(m, id, unusableHash, user.email);
        // No email, name or number in the trail: it is kept after the person is gone.
        await this.audit.record(m, {
          action: 'user.anonymized',
          targetType: 'user',
          targetId: id,
          summary: { role: user.role, ...history },
        });
        return event;
      }
      await m.delete(UserEntity, { id });
      await this.audit.record(m, {
        action: 'user.deleted',
        targetType: 'user',
        targetId: id,
        summary: { email: user.email, fullName: user.fullName, role: user.role },
      });
      return event;
    });
    this.revocations.announce(revoked);
  }

  async updateMe(id: string, dto: UpdateMeDto): Promise<UserDto> {
    const patch: Partial<UserEntity> = {};
    if (dto.fullName !== undefined) patch.fullName = dto.fullName;
    if (dto.locale !== undefined) patch.locale = dto.locale;
    if (dto.digestOptIn !== undefined) patch.digestOptIn = dto.digestOptIn;
    if (Object.keys(patch).length) {
      await this.dataSource.transaction(async (m) => {
        await m.update(UserEntity, { id }, patch);
        if (dto.fullName !== undefined)
          await enqueueWebhookEvent(m, 'user.updated', userPayload(await this.findOrFail(id, m)));
      });
    }
    return this.get(id);
  }

  /** Changes the caller's password and signs out their other sessions. */
  async changePassword(id: string, dto: ChangePasswordDto): Promise<void> {
    const row = await this.users
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.id = :id', { id })
      .getOne();
    if (!row) throw UserErrors.notFound();
    if (!(await this.passwords.verify(row.passwordHash, dto.currentPassword))) throw UserErrors.wrongPassword();
    if (dto.currentPassword === dto.newPassword) throw UserErrors.samePassword();
    const passwordHash = await this.passwords.hash(dto.newPassword);
    const revoked = await this.dataSource.transaction(async (m) => {
      await m.update(UserEntity, { id }, { passwordHash, mustChangePassword: false });
      const event = await this.revokeSessions(m, id, 'password-changed');
      await this.audit.record(m, { action: 'user.password-changed', targetType: 'user', targetId: id });
      return event;
    });
    this.revocations.announce(revoked);
  }

  /** Every sign-in of the user ends: refresh tokens now, access tokens once the returned event is announced. */
  private async revokeSessions(m: EntityManager, userId: string, reason: RevocationReason): Promise<AccessEvent> {
    await m.update(RefreshTokenEntity, { userId, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
    return this.revocations.revokeUser(m, userId, reason);
  }

  /** Locks the active admins so two concurrent demotions cannot both pass the check. */
  private async assertAnotherActiveAdmin(m: EntityManager, exceptId: string) {
    const rows = await m.find(UserEntity, {
      select: { id: true },
      where: { role: UserRole.Admin, active: true },
      lock: { mode: 'pessimistic_write' },
    });
    if (!rows.some((r) => r.id !== exceptId)) throw UserErrors.lastAdmin();
  }

  private mapUnique(err: unknown): unknown {
    if (isUniqueViolation(err, 'users_email_key')) return UserErrors.emailTaken();
    if (isUniqueViolation(err, 'users_student_number_key')) return UserErrors.studentNumberTaken();
    return err;
  }
}

/** The `user.created` / `user.updated` webhook payload (no credentials, no preferences). */
function userPayload(u: Pick<UserEntity, 'id' | 'email' | 'fullName' | 'role' | 'active' | 'studentNumber'>) {
  return {
    id: u.id,
    email: u.email,
    fullName: u.fullName,
    role: u.role,
    active: u.active,
    studentNumber: u.studentNumber ?? null,
  };
}
