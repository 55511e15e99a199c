import { Readable } from 'node:stream';
import type { Pool, PoolClient } from 'pg';
import type { EntityManager } from 'typeorm';
import type { Range } from './rates.queries.js';
import { inRange } from './report-sql.js';

type Db = Pick<EntityManager, 'query'>;

export interface RecordsCsvQuery {
  courseId: string;
  range: Range;
  /** The course's time zone: the times are written with its UTC offset (the transaction's TimeZone). */
  zone: string;
}

/**
 * SQL for one CSV record of `columns` (text column references, each used more than once: pass plain columns), written
 * exactly as toCsv writes a row of strings, without the line end: null and '' empty, neutralise()'s apostrophe before
 * = + - @ TAB or CR, quoted (quotes doubled) when the text holds a quote, a comma, a CR or an LF.
 * test/exports.e2e-spec.ts compares the two.
 */
export function csvLineSql(columns: string[]): string {
  const field = (c: string) => {
    const prefix = `CASE WHEN left(${c}, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) THEN '''' ELSE '' END`;
    return `CASE WHEN ${c} IS NULL THEN ''
                 WHEN strpos(${c}, '"') > 0 OR strpos(${c}, ',') > 0 OR strpos(${c}, chr(13)) > 0 OR strpos(${c}, chr(10)) > 0
                 THEN '"' || ${prefix} || replace(${c}, '"', '""') || '"'
                 ELSE ${prefix} || ${c} END`;
  };
  return columns.map(field).join(` || ',' || `);
}

const iso = (col: string) => `to_char(${col}, 'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM')`;

/**
 * records.csv's fields, one row per record of the course's sessions in the range ($1 course, $2/$3 range, $4 zone),
 * as `q` with the sort keys. OFFSET 0 keeps each field computed once per record (a flattened subquery would repeat
 * each expression at every use in the line). Run with the transaction's TimeZone set to the course's zone.
 */
const RECORD_FIELDS = `
  (SELECT s.id::text AS f0, ${iso('s.starts_at')} AS f1, s.title::text AS f2, u.student_number::text AS f3,
          u.full_name::text AS f4, u.email::text AS f5, r.status::text AS f6, r.source::text AS f7,
          ${iso('r.checked_in_at')} AS f8, ${iso('r.validated_at')} AS f9, v.full_name::text AS f10,
          r.note::text AS f11, ${iso('r.updated_at')} AS f12,
          CASE WHEN EXISTS (SELECT 1 FROM enrollments e WHERE e.course_id = s.course_id AND e.student_id = r.student_id
                                                       AND e.ended_at IS NULL) THEN 'yes' ELSE 'no' END AS f13,
          s.starts_at, s.id AS session_id, u.full_name, u.id AS student_id
     FROM attendance_records r
     JOIN class_sessions s ON s.id = r.session_id
     JOIN users u ON u.id = r.student_id
     LEFT JOIN users v ON v.id = r.validated_by
    WHERE s.course_id = $1 AND ${inRange('$4::text', '$2', '$3')}
   OFFSET 0) q`;

/** One CSV line of `q` with its CRLF (toCsv's quoting and neutralising), and the file's order. */
const LINE = `${csvLineSql(Array.from({ length: 14 }, (_, i) => `q.f${i}`))} || E'\\r\\n'`;
const ORDER = `q.starts_at, q.session_id, q.full_name, q.student_id`;

const params = (p: RecordsCsvQuery) => [p.courseId, p.range.from ?? null, p.range.to ?? null, p.zone];

/** records.csv's lines joined in one statement (the embedded database, where a cursor would hold the one session). */
export async function recordLinesAtOnce(db: Pick<EntityManager, 'transaction'>, p: RecordsCsvQuery): Promise<string> {
  return db.transaction(async (m: Db) => {
    await m.query(`SELECT set_config('TimeZone', $1, true)`, [p.zone]);
    const [{ body }]: { body: string | null }[] = await m.query(
      `SELECT string_agg(${LINE}, '' ORDER BY ${ORDER}) AS body FROM ${RECORD_FIELDS}`,
      params(p),
    );
    return body ?? '';
  });
}

/**
 * records.csv streamed: `head` first (at once), then the lines from a cursor on a pool connection of its own, `batch`
 * rows per FETCH as the reader asks for more (so the first byte leaves before the records are read and memory stays
 * at one batch). The connection is released when the stream ends, fails or is destroyed (a client that goes away).
 */
export function streamRecordLines(pool: Pool, p: RecordsCsvQuery, head: Buffer, batch = 2000): Readable {
  let client: PoolClient | null = null;
  let opened = false;
  let finished = false;
  const close = async (err?: Error | null) => {
    if (!client || finished) return;
    finished = true;
    const c = client;
    try {
      await c.query(err ? 'ROLLBACK' : 'COMMIT');
      c.release();
    } catch (e) {
      c.release(e as Error);
    }
  };
  return new Readable({
    async read() {
      try {
        // One push per call, as the last step: Node calls read() again only after a push.
        if (!opened) {
          opened = true;
          client = await pool.connect();
          await client.query('BEGIN READ ONLY');
          await client.query(`SELECT set_config('TimeZone', $1, true)`, [p.zone]);
          await client.query(
            `DECLARE records_csv NO SCROLL CURSOR FOR SELECT ${LINE} AS line FROM ${RECORD_FIELDS} ORDER BY ${ORDER}`,
            params(p),
          );
          this.push(head);
          return;
        }
        const { rows } = await client!.query<{ line: string }>(`FETCH ${batch} FROM records_csv`);
        const text = rows.map((r) => r.line).join('');
        if (rows.length < batch) {
          await close();
          if (text) this.push(text);
          this.push(null);
        } else this.push(text);
      } catch (err) {
        this.destroy(err as Error);
      }
    },
    destroy(err, callback) {
      close(err ?? new Error('closed')).then(
        () => callback(err),
        () => callback(err),
      );
    },
  });
}
