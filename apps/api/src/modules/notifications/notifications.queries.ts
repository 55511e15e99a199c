import type { EntityManager } from 'typeorm';

type Db = Pick<EntityManager, 'query'>;

/** A notification to store: its owner, type, the English title and body, link and parameters. */
export interface NotificationInsert {
  userId: string;
  type: string;
  title: string;
  body: string;
  link: string | null;
  params: unknown;
}

/** A stored notification with its owner's locale (to render it for them). */
export interface InsertedNotificationRow {
  id: string;
  user_id: string;
  type: string;
  title: string;
  body: string;
  link: string | null;
  params: Record<string, unknown> | null;
  created_at: Date;
  locale: string;
}

/** Stores all of `items` in one statement and returns them with each owner's locale. */
export async function insertNotifications(db: Db, items: NotificationInsert[]): Promise<InsertedNotificationRow[]> {
  return db.query(
    `WITH ins AS (
       INSERT INTO notifications (user_id, type, title, body, link, params)
       SELECT u, t, ti, b, l, p::jsonb FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS x(u, t, ti, b, l, p)
       RETURNING id, user_id, type, title, body, link, params, read_at, created_at
     )
     SELECT ins.*, users.locale FROM ins JOIN users ON users.id = ins.user_id`,
    [
      items.map((i) => i.userId),
      items.map((i) => i.type),
      items.map((i) => i.title),
      items.map((i) => i.body),
      items.map((i) => i.link),
      items.map((i) => JSON.stringify(i.params)),
    ],
  );
}
