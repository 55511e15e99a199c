import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { UserRole } from '@sysponto/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../common/auth-user.js';
import { type CredentialResolver, CredentialResolvers } from '../../common/credentials.js';
import { RateLimiter } from '../../common/rate-limit/rate-limiter.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { type AccessEvent, RevocationService } from '../auth/revocation.service.js';
import { ApiKeyEntity } from './api-key.entity.js';
import { requiredScope } from './api-key-scopes.js';
import { ApiKeyErrors } from './api-keys.errors.js';

export const API_KEY_PREFIX = 'spk_';
/** A cached key is re-read after this long: a revocation is refused on every replica within it, Redis or not. */
export const API_KEY_CACHE_MS = 900;
const LAST_USED_EVERY_MS = 60_000;
const RATE_WINDOW_SECONDS = 60;
const TOKEN_SHAPE = /^spk_[A-Za-z0-9_-]{32,100}$/;

interface CachedKey {
  id: string;
  ownerId: string;
  role: UserRole;
  scopes: string[];
  expiresAt: number | null;
  lastUsedAt: number;
  readAt: number;
}

export type ApiKeyPrincipal = AuthUser & { apiKeyId: string; scopes: string[]; credential: 'api-key' };

export const hashApiKey = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * The credential resolver for `spk_…` bearer tokens (registered with CredentialResolvers, like access tokens).
 *
 * resolve: the key's owner, narrowed by the key's scopes. A key is read from the database at most once per 0.9 s per
 * process (cached by token hash), so a revoked key is refused on every replica within a second without a read per
 * request, Redis or not. A revocation is also announced through RevocationService (the access-events channel every
 * replica listens to), which evicts the key at once; so does any revocation of its owner (deactivated, role changed,
 * deleted), so the next request re-reads the owner. `lastUsedAt` is written at most once a minute.
 *
 * authorize (every HTTP request with a key): the per-key rate limit (IETF RateLimit headers on every answer, 429 +
 * Retry-After beyond), then the scope the route needs (api-key-scopes.ts; 403 `auth/insufficient-scope` naming it).
 * Keys are not accepted at the Socket.IO handshake.
 */
@Injectable()
export class ApiKeyResolver implements CredentialResolver, OnModuleInit, OnModuleDestroy {
  readonly name = 'api-key';
  readonly prefix = API_KEY_PREFIX;
  readonly sockets = false;
  private readonly logger = new Logger('ApiKeys');
  private readonly cache = new Map<string, CachedKey>();
  private unsubscribe: (() => void) | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly resolvers: CredentialResolvers,
    private readonly revocations: RevocationService,
    private readonly limiter: RateLimiter,
  ) {}

  onModuleInit() {
    this.resolvers.register(this);
    this.unsubscribe = this.revocations.onEvent((e) => this.onAccessEvent(e));
  }

  onModuleDestroy() {
    this.unsubscribe?.();
  }

  async resolve(token: string): Promise<ApiKeyPrincipal> {
    if (!TOKEN_SHAPE.test(token)) throw ApiKeyErrors.invalid();
    const hash = hashApiKey(token);
    const now = Date.now();
    let key = this.cache.get(hash);
    if (!key || now - key.readAt > API_KEY_CACHE_MS) {
      key = await this.load(hash, now);
      if (key) this.cache.set(hash, key);
      else this.cache.delete(hash);
      if (this.cache.size > 10_000) this.cache.clear();
    }
    if (!key || (key.expiresAt !== null && key.expiresAt <= now)) throw ApiKeyErrors.invalid();
    if (now - key.lastUsedAt > LAST_USED_EVERY_MS) this.touch(key, now);
    return {
      id: key.ownerId,
      role: key.role,
      mustChangePassword: false,
      apiKeyId: key.id,
      scopes: key.scopes,
      credential: 'api-key',
    };
  }

  async authorize(user: AuthUser, req: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (!user.apiKeyId) return;
    const limit = this.config.apiKeys.rateLimitPerMinute;
    const { count, retryAfterSeconds } = await this.limiter.hit(`api-key:${user.apiKeyId}`, RATE_WINDOW_SECONDS);
    void reply.header('RateLimit-Policy', `"api-key";q=${limit};w=${RATE_WINDOW_SECONDS}`);
    void reply.header('RateLimit', `"api-key";r=${Math.max(0, limit - count)};t=${retryAfterSeconds}`);
    if (count > limit)
      throw ApiKeyErrors.rateLimited({
        headers: { 'Retry-After': String(retryAfterSeconds) },
        details: { limit, windowSeconds: RATE_WINDOW_SECONDS, retryAfterSeconds },
      });
    const scope = requiredScope(req.method, req.routeOptions?.url ?? req.url);
    if (!scope) throw ApiKeyErrors.notAllowed();
    const scopes = user.scopes ?? [];
    if (!scopes.includes(scope))
      throw ApiKeyErrors.insufficientScope({
        message: `This API key lacks the scope ${scope}.`,
        details: { requiredScope: scope, keyScopes: scopes },
      });
  }

  /** After a revocation commits: evicted here at once, on every other replica via the access-events channel. */
  announceRevoked(ownerId: string, keyId: string) {
    this.revocations.announce({ type: 'api-key-revoked', userId: ownerId, keyId });
  }

  private onAccessEvent(e: AccessEvent) {
    if (e.type === 'api-key-revoked') this.evict((k) => k.id === e.keyId);
    else if (e.type === 'user-revoked') this.evict((k) => k.ownerId === e.userId);
  }

  private evict(match: (k: CachedKey) => boolean) {
    for (const [hash, k] of this.cache) if (match(k)) this.cache.delete(hash);
  }

  private touch(key: CachedKey, now: number) {
    key.lastUsedAt = now;
    this.dataSource
      .createQueryBuilder()
      .update(ApiKeyEntity)
      .set({ lastUsedAt: () => 'now()' })
      .where(`id = :id AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`, { id: key.id })
      .execute()
      .catch((err: Error) => this.logger.warn(`lastUsedAt: ${err.message}`));
  }

  private async load(hash: string, now: number): Promise<CachedKey | undefined> {
    const r = await this.dataSource
      .getRepository(ApiKeyEntity)
      .createQueryBuilder('k')
      .innerJoin('k.owner', 'u')
      .select(['k.id AS id', 'k.owner_id AS owner_id', 'u.role AS role', 'k.scopes AS scopes'])
      .addSelect(['k.expires_at AS expires_at', 'k.last_used_at AS last_used_at'])
      .where('k.tokenHash = :hash AND k.revokedAt IS NULL AND u.active', { hash })
      .getRawOne<{
        id: string;
        owner_id: string;
        role: UserRole;
        scopes: string[];
        expires_at: Date | null;
        last_used_at: Date | null;
      }>();
    if (!r) return undefined;
    return {
      id: r.id,
      ownerId: r.owner_id,
      role: r.role,
      scopes: r.scopes,
      expiresAt: r.expires_at ? new Date(r.expires_at).getTime() : null,
      lastUsedAt: r.last_used_at ? new Date(r.last_used_at).getTime() : 0,
      readAt: now,
    };
  }
}
