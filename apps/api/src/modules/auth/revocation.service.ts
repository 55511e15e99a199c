import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Redis } from 'ioredis';
import { DataSource, type EntityManager } from 'typeorm';
import { REDIS } from '../../common/core.module.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { UserEntity } from '../users/user.entity.js';
import { TokenRevocationEntity } from './token-revocation.entity.js';

/** Why a user's or a sign-in's tokens were revoked (stored; also useful in logs). */
export type RevocationReason =
  'deactivated' | 'deleted' | 'role-changed' | 'password-changed' | 'password-reset' | 'logout' | 'refresh-reuse';

/**
 * What every process must learn at once. `user-revoked`: tokens of the user below `minVersion` (null = all) are
 * refused; `session-revoked`: tokens of one sign-in; `course-access-removed`: the users no longer teach the course
 * (sockets leave its session rooms); `api-key-revoked`: one API key (of `userId`) is refused (nothing to store: keys
 * are re-read within a second anyway). `expiresAt` (ms) is when the last token it can refuse expires.
 */
export type AccessEvent =
  | { type: 'user-revoked'; userId: string; minVersion: number | null; expiresAt: number }
  | { type: 'session-revoked'; userId: string; sessionId: string; expiresAt: number }
  | { type: 'course-access-removed'; courseId: string; userIds: string[] }
  | { type: 'api-key-revoked'; userId: string; keyId: string };

const CHANNEL = 'sysponto:access-events';
/** Replica clocks and token `iat`s may differ a little: keep entries this much longer than the token lifetime. */
const SKEW_MS = 30_000;
/** The poll re-reads this far back: a long transaction's now() is earlier than its commit. */
const POLL_OVERLAP_MS = 120_000;

interface RevocationRow {
  user_id: string;
  session_id: string | null;
  min_version: number | null;
  expires_at: Date;
  revoked_at: Date;
}

/**
 * Access that is removed is removed at once, with a cheap hot path: every access token carries the user's token
 * version (`ver`) and its sign-in (`sid`); each process keeps the few live revocations in two Maps, so a request
 * costs two Map lookups and never a database read.
 *
 * A change writes its revocation in its own transaction (revokeUser / revokeSession) and announces it after commit:
 * applied here at once, relayed to every other process through Redis pub/sub when REDIS_URL is set (in-process only
 * on the embedded default). Each process also loads the live revocations at boot and re-reads new ones every
 * REVOCATION_POLL_SECONDS, so a message lost while Redis is down is applied a few seconds later.
 */
@Injectable()
export class RevocationService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('Revocation');
  /** userId → the lowest token version still accepted (Infinity: none) and until when the entry matters. */
  private readonly users = new Map<string, { minVersion: number; until: number }>();
  /** sign-in (refresh family) id → until when the entry matters. */
  private readonly sessions = new Map<string, number>();
  private readonly listeners = new Set<(event: AccessEvent) => void>();
  private readonly origin = randomUUID();
  private subscriber: Redis | null = null;
  private timers: NodeJS.Timeout[] = [];
  private pollCursor = new Date(0);
  private polling: Promise<void> | null = null;
  private lastPrune = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis | null,
  ) {}

  // ---- hot path ----------------------------------------------------------------------------------------------

  /** True when a token of this user, version and sign-in must be refused. */
  isRevoked(userId: string, version: number, sessionId: string | undefined): boolean {
    const u = this.users.get(userId);
    if (u !== undefined && version < u.minVersion) return true;
    return sessionId !== undefined && this.sessions.size !== 0 && this.sessions.has(sessionId);
  }

  // ---- writes (inside the caller's transaction) --------------------------------------------------------------

  /** Raises the user's token version: every access token issued so far is refused. Announce after commit. */
  async revokeUser(m: EntityManager, userId: string, reason: RevocationReason): Promise<AccessEvent> {
    const result = await m
      .createQueryBuilder()
      .update(UserEntity)
      .set({ tokenVersion: () => 'token_version + 1' })
      .where('id = :userId', { userId })
      .returning('token_version')
      .execute();
    const version = (result.raw as { token_version: number }[])[0]?.token_version ?? null;
    return this.insert(m, { userId, sessionId: null, minVersion: version, reason }).then((expiresAt) => ({
      type: 'user-revoked' as const,
      userId,
      minVersion: version,
      expiresAt,
    }));
  }

  /** Every token of the user, whatever its version (the user is being deleted). */
  async revokeAllOfUser(m: EntityManager, userId: string, reason: RevocationReason): Promise<AccessEvent> {
    const expiresAt = await this.insert(m, { userId, sessionId: null, minVersion: null, reason });
    return { type: 'user-revoked', userId, minVersion: null, expiresAt };
  }

  /** Every access token of one sign-in (refresh family); the user's other devices stay signed in. */
  async revokeSession(
    m: EntityManager,
    userId: string,
    sessionId: string,
    reason: RevocationReason,
  ): Promise<AccessEvent> {
    const expiresAt = await this.insert(m, { userId, sessionId, minVersion: null, reason });
    return { type: 'session-revoked', userId, sessionId, expiresAt };
  }

  /** Not a token revocation: these users' sockets leave the course's session rooms (nothing to store). */
  courseAccessRemoved(courseId: string, userIds: string[]): AccessEvent {
    return { type: 'course-access-removed', courseId, userIds };
  }

  // ---- after commit ------------------------------------------------------------------------------------------

  /** Applies the events in this process at once and relays them to every other process. Call after commit. */
  announce(...events: (AccessEvent | null | undefined)[]) {
    const list = events.filter((e): e is AccessEvent => !!e);
    if (list.length === 0) return;
    for (const e of list) this.apply(e);
    if (this.redis) {
      this.redis.publish(CHANNEL, JSON.stringify({ origin: this.origin, events: list })).catch((err: Error) => {
        // Redis down: the other processes pick the revocation up from the database within the poll interval.
        this.log.warn(`relay failed (${err.message}); other processes will read it within the poll interval`);
      });
    }
  }

  /** Called for every event this process learns of that changes something (sockets react to them). */
  onEvent(listener: (event: AccessEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- lifecycle ---------------------------------------------------------------------------------------------

  async onApplicationBootstrap() {
    await this.poll();
    const every = (ms: number, fn: () => void) => {
      const t = setInterval(fn, ms);
      t.unref();
      this.timers.push(t);
    };
    every(this.config.revocationPollSeconds * 1000, () => void this.poll());
    every(60_000, () => this.pruneMemory());
    if (this.redis) this.subscribe(this.redis);
  }

  async onApplicationShutdown() {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.subscriber?.disconnect();
    this.subscriber = null;
    await this.polling?.catch(() => undefined);
  }

  /** Reads revocations newer than the last poll (with an overlap) and applies them; never throws. */
  poll(): Promise<void> {
    this.polling ??= this.readNew()
      .catch((err: Error) => this.log.warn(`could not read revocations: ${err.message}`))
      .finally(() => (this.polling = null));
    return this.polling;
  }

  private async readNew() {
    const since = new Date(this.pollCursor.getTime() - POLL_OVERLAP_MS);
    const rows = await this.dataSource
      .getRepository(TokenRevocationEntity)
      .createQueryBuilder('r')
      .select(['r.user_id AS user_id', 'r.session_id AS session_id', 'r.min_version AS min_version'])
      .addSelect(['r.expires_at AS expires_at', 'r.revoked_at AS revoked_at'])
      .where('r.revokedAt > :since AND r.expiresAt > now()', { since })
      .orderBy('r.revoked_at', 'ASC')
      .getRawMany<RevocationRow>();
    for (const r of rows) {
      const expiresAt = new Date(r.expires_at).getTime();
      this.apply(
        r.session_id
          ? { type: 'session-revoked', userId: r.user_id, sessionId: r.session_id, expiresAt }
          : { type: 'user-revoked', userId: r.user_id, minVersion: r.min_version, expiresAt },
      );
      const at = new Date(r.revoked_at);
      if (at > this.pollCursor) this.pollCursor = at;
    }
    if (Date.now() - this.lastPrune > 600_000) {
      this.lastPrune = Date.now();
      await this.dataSource
        .getRepository(TokenRevocationEntity)
        .createQueryBuilder()
        .delete()
        .where(`expires_at < now() - interval '1 day'`)
        .execute();
    }
  }

  private subscribe(redis: Redis) {
    // A connection in subscriber mode of its own; it queues the SUBSCRIBE until connected and resubscribes after
    // a reconnect. Messages missed while it was down are read from the database right after it is back.
    const sub = redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null, lazyConnect: false });
    this.subscriber = sub;
    sub.on('error', () => undefined);
    let readyBefore = false;
    sub.on('ready', () => {
      if (readyBefore) void this.poll();
      readyBefore = true;
    });
    sub.on('message', (_channel: string, message: string) => {
      try {
        const msg = JSON.parse(message) as { origin?: string; events?: AccessEvent[] };
        if (msg.origin === this.origin || !Array.isArray(msg.events)) return;
        for (const e of msg.events) this.apply(e);
      } catch (err) {
        this.log.warn(`bad access event message: ${(err as Error).message}`);
      }
    });
    sub.subscribe(CHANNEL).catch((err: Error) => this.log.warn(`subscribe failed: ${err.message}`));
  }

  /** Idempotent; tells the listeners only when the event changed something here. */
  private apply(e: AccessEvent) {
    let changed = true;
    if (e.type === 'user-revoked') {
      const minVersion = e.minVersion ?? Infinity;
      const until = e.expiresAt + SKEW_MS;
      const cur = this.users.get(e.userId);
      changed = !cur || cur.minVersion < minVersion;
      this.users.set(e.userId, {
        minVersion: Math.max(cur?.minVersion ?? 0, minVersion),
        until: Math.max(cur?.until ?? 0, until),
      });
    } else if (e.type === 'session-revoked') {
      changed = !this.sessions.has(e.sessionId);
      this.sessions.set(e.sessionId, Math.max(this.sessions.get(e.sessionId) ?? 0, e.expiresAt + SKEW_MS));
    }
    if (!changed) return;
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.log.warn(`access event listener failed: ${(err as Error).message}`);
      }
    }
  }

  private pruneMemory() {
    const now = Date.now();
    for (const [k, v] of this.users) if (v.until < now) this.users.delete(k);
    for (const [k, until] of this.sessions) if (until < now) this.sessions.delete(k);
  }

  private async insert(
    m: EntityManager,
    row: { userId: string; sessionId: string | null; minVersion: number | null; reason: RevocationReason },
  ): Promise<number> {
    const ttl = this.config.accessTokenTtlSeconds;
    const result = await m
      .createQueryBuilder()
      .insert()
      .into(TokenRevocationEntity)
      .values({ ...row, expiresAt: () => `now() + make_interval(secs => ${ttl})` })
      .returning('expires_at')
      .execute();
    return new Date((result.raw as { expires_at: Date }[])[0].expires_at).getTime();
  }
}
