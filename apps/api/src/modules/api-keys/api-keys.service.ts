import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { UserRole } from '@sysponto/contracts';
import { DataSource, IsNull, Repository } from 'typeorm';
import type { AuthUser } from '../../common/auth-user.js';
import { AuditService } from '../audit/audit.service.js';
import { ApiKeyEntity } from './api-key.entity.js';
import { API_KEY_PREFIX, ApiKeyResolver, hashApiKey } from './api-key-resolver.service.js';
import type { ApiKeyScope } from './api-key-scopes.js';
import type { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto } from './api-keys.dto.js';
import { ApiKeyErrors } from './api-keys.errors.js';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

@Injectable()
export class ApiKeysService {
  private readonly keys: Repository<ApiKeyEntity>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly resolver: ApiKeyResolver,
    private readonly audit: AuditService,
  ) {
    this.keys = dataSource.getRepository(ApiKeyEntity);
  }

  async create(user: AuthUser, dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    if (dto.expiresAt && new Date(dto.expiresAt) <= new Date()) throw ApiKeyErrors.expiryInPast();
    // spk_ + 32 random bytes, base64url (43 characters): 256 bits.
    const token = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const id = await this.dataSource.transaction(async (m) => {
      const result = await m
        .createQueryBuilder()
        .insert()
        .into(ApiKeyEntity)
        .values({
          ownerId: user.id,
          name: dto.name,
          scopes: dto.scopes,
          prefix: token.slice(0, 12),
          tokenHash: hashApiKey(token),
          expiresAt: dto.expiresAt ? new Date(dto.expiresAt) : null,
        })
        .returning(['id'])
        .execute();
      const keyId = (result.raw as { id: string }[])[0].id;
      await this.audit.record(m, {
        action: 'api-key.created',
        targetType: 'api-key',
        targetId: keyId,
        summary: { name: dto.name, scopes: dto.scopes, prefix: token.slice(0, 12), expiresAt: dto.expiresAt ?? null },
      });
      return keyId;
    });
    const row = await this.keys.findOneByOrFail({ id });
    return { ...toDto(row), token };
  }

  async list(user: AuthUser): Promise<ApiKeyDto[]> {
    const admin = user.role === UserRole.Admin;
    const rows = await this.keys.find({
      where: admin ? { revokedAt: IsNull() } : { ownerId: user.id, revokedAt: IsNull() },
      relations: admin ? { owner: true } : undefined,
      order: { createdAt: 'DESC' },
    });
    return rows.map((r) => ({
      ...toDto(r),
      ...(admin && r.owner ? { owner: { id: r.owner.id, fullName: r.owner.fullName, email: r.owner.email } } : {}),
    }));
  }

  /** Revokes a key (its owner or an admin); refused within a second on every replica. */
  async revoke(user: AuthUser, id: string): Promise<void> {
    const where =
      user.role === UserRole.Admin ? { id, revokedAt: IsNull() } : { id, ownerId: user.id, revokedAt: IsNull() };
    const ownerId = await this.dataSource.transaction(async (m) => {
      const key = await m.getRepository(ApiKeyEntity).findOne({ where, lock: { mode: 'pessimistic_write' } });
      if (!key) throw ApiKeyErrors.notFound();
      await m.getRepository(ApiKeyEntity).update({ id }, { revokedAt: () => 'now()' });
      await this.audit.record(m, {
        action: 'api-key.revoked',
        targetType: 'api-key',
        targetId: id,
        summary: { name: key.name, prefix: key.prefix, ownerId: key.ownerId },
      });
      return key.ownerId;
    });
    this.resolver.announceRevoked(ownerId, id);
  }
}

function toDto(r: ApiKeyEntity): ApiKeyDto {
  return {
    id: r.id,
    name: r.name,
    scopes: r.scopes as ApiKeyScope[],
    prefix: r.prefix,
    createdAt: iso(r.createdAt)!,
    expiresAt: iso(r.expiresAt),
    lastUsedAt: iso(r.lastUsedAt),
  };
}
