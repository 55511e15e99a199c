import type { EntityManager } from 'typeorm';
import type { JustificationEntity } from '../justifications/justification.entity.js';
import type { UserEntity } from '../users/user.entity.js';
import type { MailOutboxEntity } from './mail-outbox.entity.js';

/** The mail statements that are not a plain insert or update: the worker's claim and the digest's pending items. */

type Db = Pick<EntityManager, 'query'>;

export type ClaimedMail = Pick<
  MailOutboxEntity,
  'id' | 'kind' | 'recipient' | 'subject' | 'textBody' | 'htmlBody' | 'attempts'
>;

/**
 * Claims up to `limit` due mails for this worker (pending and due, or sending with an expired lease) in one
 * statement: `FOR UPDATE SKIP LOCKED`, so replicas never claim the same row; the lease lets another take it over.
 */
export async function claimDueMail(db: Db, limit: number, leaseSeconds: number): Promise<ClaimedMail[]> {
  const res: unknown = await db.query(
    `UPDATE mail_outbox SET status = 'sending', attempts = attempts + 1,
            locked_until = now() + make_interval(secs => $2::double precision)
      WHERE id IN (
        SELECT id FROM mail_outbox
         WHERE (status = 'pending' AND next_attempt_at <= now()) OR (status = 'sending' AND locked_until < now())
         ORDER BY next_attempt_at
         LIMIT $1
         FOR UPDATE SKIP LOCKED)
      RETURNING id, kind, recipient, subject, text_body AS "textBody", html_body AS "htmlBody", attempts`,
    [limit, leaseSeconds],
  );
  // UPDATE … RETURNING answers [rows, count] through TypeORM's postgres driver.
  return (Array.isArray(res) && Array.isArray(res[0]) ? res[0] : res) as ClaimedMail[];
}

/** One pending justification a digest recipient may review. */
export type DigestRow = Pick<UserEntity, 'email' | 'fullName' | 'locale'> &
  Pick<JustificationEntity, 'type'> & {
    userId: string;
    code: string;
    studentName: string;
    startsAt: Date;
    timezone: string;
  };

/**
 * For every opted-in, active teacher (of the course) or admin without a digest queued for `day`: the pending
 * justifications, oldest first, grouped by recipient (ordered by user id).
 */
export function pendingDigestRows(db: Db, day: string): Promise<DigestRow[]> {
  return db.query(
    `SELECT u.id AS "userId", u.email, u.full_name AS "fullName", u.locale, c.code, st.full_name AS "studentName",
            j.type, s.starts_at AS "startsAt", c.timezone
       FROM users u
       JOIN justifications j ON j.status = 'pending'
       JOIN class_sessions s ON s.id = j.session_id
       JOIN courses c ON c.id = s.course_id
       JOIN users st ON st.id = j.student_id
      WHERE u.digest_opt_in AND u.active
        AND (u.role = 'admin' OR (u.role = 'teacher' AND EXISTS (SELECT 1 FROM course_teachers ct WHERE ct.course_id = c.id AND ct.teacher_id = u.id)))
        AND NOT EXISTS (SELECT 1 FROM mail_outbox o WHERE o.dedupe_key = 'justification.digest:' || u.id || ':' || $1)
      ORDER BY u.id, j.created_at, j.id`,
    [day],
  );
}
