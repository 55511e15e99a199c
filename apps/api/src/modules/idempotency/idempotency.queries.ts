import type { EntityManager } from 'typeorm';
import type { IdempotencyState } from './idempotency-key.entity.js';

/** The statements of the idempotency store (typed, in one place; the table is IdempotencyKeyEntity). */

/**
 * Claims (principal, key) for this request, atomically across replicas: a new row, or an expired one (older than
 * the replay window), or a running claim of the same request whose lease ran out (its replica died). Returns the
 * row id when this request owns the key now, null when another row holds it (read it with findIdempotencyKey).
 */
export async function claimIdempotencyKey(
  m: EntityManager,
  p: { principal: string; key: string; fingerprint: string; leaseSeconds: number; ttlSeconds: number },
): Promise<string | null> {
  const rows: { id: string }[] = await m.query(
    `INSERT INTO idempotency_keys (principal, key, fingerprint, state, locked_until, expires_at)
     VALUES ($1, $2, $3, 'running', now() + make_interval(secs => $4), now() + make_interval(secs => $5))
     ON CONFLICT (principal, key) DO UPDATE
        SET fingerprint = EXCLUDED.fingerprint, state = 'running', status_code = NULL, response_body = NULL,
            locked_until = EXCLUDED.locked_until, expires_at = EXCLUDED.expires_at, created_at = now(), completed_at = NULL
      WHERE idempotency_keys.expires_at <= now()
         OR (idempotency_keys.state = 'running' AND idempotency_keys.locked_until <= now()
             AND idempotency_keys.fingerprint = EXCLUDED.fingerprint)
     RETURNING id`,
    [p.principal, p.key, p.fingerprint, p.leaseSeconds, p.ttlSeconds],
  );
  return rows[0]?.id ?? null;
}

export interface StoredIdempotencyKey {
  fingerprint: string;
  state: IdempotencyState;
  statusCode: number | null;
  responseBody: string | null;
}

export async function findIdempotencyKey(
  m: EntityManager,
  principal: string,
  key: string,
): Promise<StoredIdempotencyKey | null> {
  const rows: StoredIdempotencyKey[] = await m.query(
    `SELECT fingerprint, state, status_code AS "statusCode", response_body AS "responseBody"
       FROM idempotency_keys WHERE principal = $1 AND key = $2 AND expires_at > now()`,
    [principal, key],
  );
  return rows[0] ?? null;
}

export async function completeIdempotencyKey(
  m: EntityManager,
  id: string,
  statusCode: number,
  responseBody: string,
): Promise<void> {
  await m.query(
    `UPDATE idempotency_keys SET state = 'completed', status_code = $2, response_body = $3, completed_at = now()
      WHERE id = $1`,
    [id, statusCode, responseBody],
  );
}

/** Forgets a claim whose request did not produce a replayable answer (5xx, 429): a retry runs again. */
export async function releaseIdempotencyKey(m: EntityManager, id: string): Promise<void> {
  await m.query(`DELETE FROM idempotency_keys WHERE id = $1 AND state = 'running'`, [id]);
}

export async function purgeExpiredIdempotencyKeys(m: EntityManager): Promise<number> {
  const res: unknown = await m.query(`DELETE FROM idempotency_keys WHERE expires_at <= now()`);
  return Array.isArray(res) && typeof res[1] === 'number' ? res[1] : 0;
}
