import type { CodeMode } from '@sysponto/contracts';
import { type EntityManager, type FindOptionsSelect, IsNull, Raw } from 'typeorm';
import { ClassSessionEntity } from '../sessions/class-session.entity.js';
import { AttendanceCodeEntity } from './attendance-code.entity.js';

/** An active code as read for display (the key halves included for rotating codes, `toDto` derives the shown code). */
export type ActiveCode = Pick<
  AttendanceCodeEntity,
  'id' | 'sessionId' | 'mode' | 'code' | 'keyInner' | 'keyOuter' | 'slotSeconds' | 'expiresAt'
>;

/** The columns of {@link ActiveCode} (the key halves are `select: false` on the entity, so named here). */
const ACTIVE_CODE_SELECT = {
  id: true,
  sessionId: true,
  mode: true,
  code: true,
  keyInner: true,
  keyOuter: true,
  slotSeconds: true,
  expiresAt: true,
} satisfies FindOptionsSelect<AttendanceCodeEntity>;

/** The session's live code: not revoked and not expired (at most one is unrevoked, attendance_codes_active_key). */
export function findActiveCode(m: EntityManager, sessionId: string): Promise<ActiveCode | null> {
  return m.findOne(AttendanceCodeEntity, {
    select: ACTIVE_CODE_SELECT,
    where: { sessionId, revokedAt: IsNull(), expiresAt: Raw((at) => `${at} > now()`) },
  });
}

/** The live rotating codes of sessions that are not closed (the rotation ticker, once a second: one indexed query). */
export function findActiveRotatingCodes(m: EntityManager): Promise<ActiveCode[]> {
  return m
    .getRepository(AttendanceCodeEntity)
    .createQueryBuilder('ac')
    .select(Object.keys(ACTIVE_CODE_SELECT).map((k) => `ac.${k}`))
    .innerJoin(ClassSessionEntity, 's', 's.id = ac.sessionId')
    .where(`ac.mode = 'rotating' AND ac.revokedAt IS NULL AND ac.expiresAt > now() AND s.state <> 'closed'`)
    .getMany();
}

/** Revokes the session's unrevoked code, if any (a new one replaces it, or the session closes). */
export async function revokeActiveCodes(m: EntityManager, sessionId: string): Promise<void> {
  await m.update(AttendanceCodeEntity, { sessionId, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
}

/**
 * Whether the session's check-in window is open now (`session_checkin_open()`, the one window rule), holding a share
 * lock on the session row until the transaction ends (a concurrent close waits). False for an unknown session.
 */
export async function lockSessionCheckInOpen(m: EntityManager, sessionId: string): Promise<boolean> {
  const [w]: { open: boolean }[] = await m.query(
    `SELECT session_checkin_open(s.state, s.starts_at, s.ends_at, c.checkin_opens_minutes, now()) AS open
       FROM class_sessions s JOIN courses c ON c.id = s.course_id WHERE s.id = $1 FOR SHARE OF s`,
    [sessionId],
  );
  return w?.open === true;
}

/** A new active code of a session: the material (a fixed code or the rotating key halves) and its expiry inputs. */
export interface NewCode {
  sessionId: string;
  mode: CodeMode;
  /** Fixed mode. */
  code: string | null;
  /** Rotating mode. */
  keyInner: Buffer | null;
  keyOuter: Buffer | null;
  /** Fixed: minutes from now (required); rotating: until the session ends, or fewer minutes when given. */
  validityMinutes: number | null;
  /** An expiry to copy instead (rotation after abuse). */
  expiresAt: Date | null;
  createdBy: string | null;
}

/**
 * Inserts a session's new active code in one statement: a rotating code takes its interval and grace from the course
 * policy as it is now (replicas all read the row), and its expiry from the session's end.
 */
export async function insertActiveCode(m: EntityManager, c: NewCode): Promise<ActiveCode> {
  const [row]: ActiveCode[] = await m.query(
    `INSERT INTO attendance_codes (session_id, mode, code, key_inner, key_outer, slot_seconds, grace_seconds, expires_at, created_by)
     SELECT s.id, $2::varchar, $3::varchar, $4::bytea, $5::bytea,
            CASE WHEN $2::varchar = 'rotating' THEN c.rotating_interval_seconds END,
            CASE WHEN $2::varchar = 'rotating' THEN c.rotating_grace_seconds END,
            COALESCE($7::timestamptz,
                     CASE WHEN $2::varchar = 'rotating' THEN LEAST(s.ends_at, now() + make_interval(mins => COALESCE($6::int, 24 * 60)))
                          ELSE now() + make_interval(mins => $6::int) END),
            $8::uuid
       FROM class_sessions s JOIN courses c ON c.id = s.course_id WHERE s.id = $1
     RETURNING id, session_id AS "sessionId", mode, code, key_inner AS "keyInner", key_outer AS "keyOuter",
               slot_seconds AS "slotSeconds", expires_at AS "expiresAt"`,
    [c.sessionId, c.mode, c.code, c.keyInner, c.keyOuter, c.validityMinutes, c.expiresAt, c.createdBy],
  );
  return row;
}
