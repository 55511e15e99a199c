import type { WebhookPayloads } from '@sysponto/contracts';
import type { EntityManager } from 'typeorm';

/** Every statement of the webhook outbox in one place (tables: webhook.entities.ts). */

type EventType = keyof WebhookPayloads;

/** Set by the dispatcher: wakes the local worker after a write (other replicas find it by polling). */
let wake: (() => void) | null = null;
export function setWebhookWake(fn: (() => void) | null): void {
  wake = fn;
}

/** After a committed write made outside enqueueWebhookEvents (the check-in SQL function). */
export function wakeWebhookWorker(): void {
  wake?.();
}

/**
 * Writes events to the outbox in the caller's transaction — a message per event and a delivery per enabled endpoint
 * subscribed to its type — in one statement that writes nothing when no endpoint subscribes. `orderingKey`: the
 * session the event belongs to (an endpoint receives one session's events in this order).
 */
export async function enqueueWebhookEvents<E extends EventType>(
  m: EntityManager,
  type: E,
  events: { data: WebhookPayloads[E]; orderingKey?: string | null }[],
  onlyEndpointId: string | null = null,
): Promise<number> {
  if (events.length === 0) return 0;
  const timestamp = new Date().toISOString();
  const res: unknown = await m.query(
    `WITH ep AS (
       SELECT id FROM webhook_endpoints
        WHERE enabled AND (CASE WHEN $4::uuid IS NULL THEN $1 = ANY(events) ELSE id = $4::uuid END)
     ), msg AS (
       INSERT INTO webhook_messages (event_type, body, ordering_key)
       SELECT $1, x.body, x.ordering_key FROM unnest($2::text[], $3::uuid[]) WITH ORDINALITY AS x(body, ordering_key, n)
        WHERE EXISTS (SELECT 1 FROM ep)
        ORDER BY x.n
       RETURNING id, ordering_key
     )
     INSERT INTO webhook_deliveries (endpoint_id, message_id, ordering_key)
     SELECT ep.id, msg.id, msg.ordering_key FROM msg CROSS JOIN ep
     RETURNING id`,
    [
      type,
      events.map((e) => JSON.stringify({ type, timestamp, data: e.data })),
      events.map((e) => e.orderingKey ?? null),
      onlyEndpointId,
    ],
  );
  const n = Array.isArray(res) ? res.length : 0;
  if (n > 0) wake?.();
  return n;
}

/** One event; see enqueueWebhookEvents. */
export function enqueueWebhookEvent<E extends EventType>(
  m: EntityManager,
  type: E,
  data: WebhookPayloads[E],
  orderingKey: string | null = null,
): Promise<number> {
  return enqueueWebhookEvents(m, type, [{ data, orderingKey }]);
}

export interface ClaimedDelivery {
  id: string;
  endpointId: string;
  messageId: string;
  attempts: number;
  url: string;
  secret: string;
  body: string;
}

/**
 * Claims due deliveries (any replica; FOR UPDATE SKIP LOCKED), with a lease after which a crashed replica's claim
 * is taken over. A delivery waits while an earlier delivery of the same session to the same endpoint is still
 * pending or in flight: per-session order per endpoint.
 */
export async function claimDueDeliveries(
  m: EntityManager,
  limit: number,
  leaseSeconds: number,
): Promise<ClaimedDelivery[]> {
  const res: unknown = await m.query(
    `WITH due AS (
       SELECT d.id FROM webhook_deliveries d
         JOIN webhook_endpoints e ON e.id = d.endpoint_id AND e.enabled
        WHERE ((d.status = 'pending' AND d.next_attempt_at <= now()) OR (d.status = 'sending' AND d.locked_until < now()))
          AND (d.ordering_key IS NULL OR NOT EXISTS (
                SELECT 1 FROM webhook_deliveries p
                 WHERE p.endpoint_id = d.endpoint_id AND p.ordering_key = d.ordering_key AND p.seq < d.seq
                   AND (p.status = 'pending' OR (p.status = 'sending' AND p.id <> d.id))))
        ORDER BY d.seq
        LIMIT $1
        FOR UPDATE OF d SKIP LOCKED
     )
     UPDATE webhook_deliveries d
        SET status = 'sending', attempts = d.attempts + 1, locked_until = now() + make_interval(secs => $2), updated_at = now()
       FROM due, webhook_endpoints e, webhook_messages msg
      WHERE d.id = due.id AND e.id = d.endpoint_id AND msg.id = d.message_id
     RETURNING d.id, d.endpoint_id AS "endpointId", d.message_id AS "messageId", d.attempts, e.url, e.secret, msg.body`,
    [limit, leaseSeconds],
  );
  return (Array.isArray(res) && Array.isArray(res[0]) ? res[0] : res) as ClaimedDelivery[];
}

export interface AttemptOutcome {
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  response: string | null;
}

export async function recordDeliverySuccess(m: EntityManager, d: ClaimedDelivery, o: AttemptOutcome): Promise<void> {
  await m.query(
    `WITH d AS (
       UPDATE webhook_deliveries SET status = 'succeeded', delivered_at = now(), locked_until = NULL,
              last_status_code = $2, last_duration_ms = $3, last_error = NULL, last_response = $4, updated_at = now()
        WHERE id = $1 RETURNING endpoint_id
     )
     UPDATE webhook_endpoints SET consecutive_failures = 0 WHERE id = (SELECT endpoint_id FROM d) AND consecutive_failures <> 0`,
    [d.id, o.statusCode, o.durationMs, o.response],
  );
}

/**
 * A failed attempt: retried after `retryInSeconds` (or failed for good when null), and one more failure in a row
 * for the endpoint, which is disabled at `disableAfter`. Returns the endpoint when this failure disabled it.
 */
export async function recordDeliveryFailure(
  m: EntityManager,
  d: ClaimedDelivery,
  o: AttemptOutcome,
  retryInSeconds: number | null,
  disableAfter: number,
): Promise<{ disabled: boolean; url: string } | null> {
  const rows: { disabled: boolean; url: string }[] = await m.query(
    `WITH d AS (
       UPDATE webhook_deliveries
          SET status = CASE WHEN $5::float8 IS NULL THEN 'failed' ELSE 'pending' END,
              next_attempt_at = CASE WHEN $5::float8 IS NULL THEN next_attempt_at ELSE now() + make_interval(secs => $5::float8) END,
              locked_until = NULL, last_status_code = $2, last_duration_ms = $3, last_error = $4, last_response = $6,
              updated_at = now()
        WHERE id = $1 RETURNING endpoint_id
     ), e AS (
       UPDATE webhook_endpoints x
          SET consecutive_failures = x.consecutive_failures + 1,
              enabled = CASE WHEN x.consecutive_failures + 1 >= $7 THEN false ELSE x.enabled END,
              disabled_reason = CASE WHEN x.enabled AND x.consecutive_failures + 1 >= $7
                                     THEN 'Disabled after ' || (x.consecutive_failures + 1) || ' failed attempts in a row'
                                     ELSE x.disabled_reason END,
              updated_at = now()
         FROM d WHERE x.id = d.endpoint_id
       RETURNING x.url, (NOT x.enabled AND x.consecutive_failures = $7) AS disabled_now
     )
     SELECT url, disabled_now AS disabled FROM e`,
    [d.id, o.statusCode, o.durationMs, o.error?.slice(0, 1000) ?? null, retryInSeconds, o.response, disableAfter],
  );
  return rows[0] ?? null;
}
