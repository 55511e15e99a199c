import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, type QueryDeepPartialEntity, type SelectQueryBuilder } from 'typeorm';
import { pageOf } from '../../common/pagination.js';
import { currentRequest } from '../../common/request-context.js';
import { UserEntity } from '../users/user.entity.js';
import { type AuditAction, AUDIT_ACTION_PATTERN } from './audit.actions.js';
import { AuditEventEntity } from './audit-event.entity.js';
import type { AuditEventDto, AuditEventPageDto, AuditFilterDto, ListAuditEventsQueryDto } from './audit.dto.js';

export interface AuditEntry {
  /** `<target-type>.<past-tense-verb>` (see audit.actions.ts). */
  action: AuditAction;
  /** Singular kebab-case: `user`, `course`, `enrollment`, `session`, `code`, `justification`, … */
  targetType: string;
  targetId?: string | null;
  /** What changed, without secrets. */
  summary?: Record<string, unknown>;
  /** Defaults to the authenticated caller of the current request; pass null for anonymous actions. */
  actorId?: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Keys whose values are never stored, at any depth. */
const SECRET_KEY = /password|secret|token|hash|api[-_]?key|authorization|cookie/i;
const MAX_STRING = 500;
const MAX_ITEMS = 100;
const MAX_DEPTH = 5;
/** CSV export bound: a larger trail is filtered first. */
export const AUDIT_EXPORT_MAX_ROWS = 50_000;

/** Copies a summary without secrets, NUL bytes (PostgreSQL text refuses them) or unbounded sizes. */
export function sanitizeSummary(value: unknown, depth = 0): unknown {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string') {
    const clean = value.replaceAll('\u0000', '');
    return clean.length > MAX_STRING ? `${clean.slice(0, MAX_STRING)}…` : clean;
  }
  if (value instanceof Date) return value.toISOString();
  if (depth >= MAX_DEPTH) return '[…]';
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((v) => sanitizeSummary(v, depth + 1));
    if (value.length > MAX_ITEMS) items.push(`… ${value.length - MAX_ITEMS} more`);
    return items;
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined) continue;
      out[k] = SECRET_KEY.test(k) ? '[redacted]' : sanitizeSummary(v, depth + 1);
    }
    return out;
  }
  return String(value);
}

/** `{ field: { from, to } }` for the fields that changed; secrets are reported as changed, never shown. */
export function diffFields<T extends object>(
  before: T,
  patch: Partial<T>,
): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const [key, to] of Object.entries(patch)) {
    if (to === undefined) continue;
    const from = (before as Record<string, unknown>)[key];
    const same = from instanceof Date && to instanceof Date ? from.getTime() === to.getTime() : from === to;
    if (!same) changes[key] = { from, to };
  }
  return changes;
}

/** `{ key: { from, to } }` for the keys whose values differ between two snapshots (compared as JSON). */
export function diffSnapshots<T extends object>(
  before: T,
  after: T,
  keys: (keyof T)[],
): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of keys) {
    const from = before[key];
    const to = after[key];
    if (JSON.stringify(from) !== JSON.stringify(to)) changes[key as string] = { from, to };
  }
  return changes;
}

interface AuditRow {
  id: string;
  occurred_at: Date;
  actor_id: string | null;
  actor_name: string | null;
  actor_email: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  summary: Record<string, unknown>;
  request_id: string | null;
  ip: string | null;
}

const toDto = (r: AuditRow): AuditEventDto => ({
  id: r.id,
  occurredAt: new Date(r.occurred_at).toISOString(),
  actorId: r.actor_id,
  actorName: r.actor_name,
  actorEmail: r.actor_email,
  action: r.action,
  targetType: r.target_type,
  targetId: r.target_id,
  summary: r.summary ?? {},
  requestId: r.request_id,
  ip: r.ip,
});

/**
 * The audit trail. `record` takes the EntityManager of the caller's transaction, so the trace commits (or rolls back)
 * with the change it describes. The request id, client IP and actor come from the request context.
 */
@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async record(manager: EntityManager, entries: AuditEntry | AuditEntry[]): Promise<void> {
    const list = Array.isArray(entries) ? entries : [entries];
    if (list.length === 0) return;
    const ctx = currentRequest();
    const rows = list.map((e) => {
      if (!AUDIT_ACTION_PATTERN.test(e.action)) throw new Error(`audit action "${e.action}" breaks the naming rule`);
      return {
        actorId: e.actorId === undefined ? (ctx?.actorId ?? null) : e.actorId,
        action: e.action,
        targetType: e.targetType,
        targetId: e.targetId ?? null,
        summary: (sanitizeSummary(e.summary ?? {}) ?? {}) as Record<string, unknown>,
        requestId: ctx?.requestId ?? null,
        ip: ctx?.ip ?? null,
      };
    });
    await manager
      .createQueryBuilder()
      .insert()
      .into(AuditEventEntity)
      .values(rows as QueryDeepPartialEntity<AuditEventEntity>[])
      .execute();
  }

  async list(q: ListAuditEventsQueryDto): Promise<AuditEventPageDto> {
    const { page, pageSize, offset } = pageOf(q);
    const qb = this.filtered(q);
    const [rows, total] = await Promise.all([
      this.selectRows(qb.clone()).offset(offset).limit(pageSize).getRawMany<AuditRow>(),
      qb.getCount(),
    ]);
    return { items: rows.map(toDto), total, page, pageSize };
  }

  /** Every matching event, newest first, at most AUDIT_EXPORT_MAX_ROWS. */
  async exportRows(q: AuditFilterDto): Promise<AuditEventDto[]> {
    const rows = await this.selectRows(this.filtered(q)).limit(AUDIT_EXPORT_MAX_ROWS).getRawMany<AuditRow>();
    return rows.map(toDto);
  }

  private filtered(q: AuditFilterDto): SelectQueryBuilder<AuditEventEntity> {
    const qb = this.dataSource
      .getRepository(AuditEventEntity)
      .createQueryBuilder('a')
      .leftJoin(UserEntity, 'u', 'u.id = a.actorId');
    if (q.actor) {
      if (UUID.test(q.actor)) qb.andWhere('a.actorId = :actorId', { actorId: q.actor });
      else qb.andWhere('lower(u.email) = lower(:actorEmail)', { actorEmail: q.actor.trim() });
    }
    if (q.action) {
      if (q.action.includes('.')) qb.andWhere('a.action = :action', { action: q.action });
      else qb.andWhere('a.action LIKE :actionPrefix', { actionPrefix: `${q.action}.%` });
    }
    if (q.targetType) qb.andWhere('a.targetType = :targetType', { targetType: q.targetType });
    if (q.targetId) qb.andWhere('a.targetId = :targetId', { targetId: q.targetId });
    if (q.from) qb.andWhere('a.occurredAt >= :from', { from: new Date(q.from) });
    if (q.to) qb.andWhere('a.occurredAt < :to', { to: new Date(q.to) });
    return qb;
  }

  private selectRows(qb: SelectQueryBuilder<AuditEventEntity>) {
    return qb
      .select([
        'a.id AS id',
        'a.occurred_at AS occurred_at',
        'a.actor_id AS actor_id',
        'u.full_name AS actor_name',
        'u.email AS actor_email',
        'a.action AS action',
        'a.target_type AS target_type',
        'a.target_id AS target_id',
        'a.summary AS summary',
        'a.request_id AS request_id',
        'a.ip AS ip',
      ])
      .orderBy('a.occurred_at', 'DESC')
      .addOrderBy('a.id', 'DESC');
  }
}
