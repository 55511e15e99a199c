import pg from 'pg';
import { EmbeddedPostgres } from '../src/database/embedded-postgres.js';

/**
 * The embedded database's wire-protocol server keeps each connection's extended-protocol sequence (Parse … Sync)
 * together: our pnpm patch of @electric-sql/pglite-socket (docs/pglite-socket-bug.md). Without the patch, queries
 * of concurrent connections interleave and some answer with another query's result (seen here as rejections and
 * wrong values in every run).
 */
describe('embedded database wire protocol (pglite-socket patch)', () => {
  let embedded: EmbeddedPostgres;
  let pool: pg.Pool;

  beforeAll(async () => {
    embedded = await EmbeddedPostgres.start(':memory:');
    pool = new pg.Pool({
      host: embedded.socketDir,
      max: embedded.connections,
      user: 'postgres',
      database: 'template1',
    });
    pool.on('error', () => undefined);
  });
  afterAll(async () => {
    await pool?.end();
    await embedded?.stop();
  });

  it('answers every concurrent parameterized query with its own result, beside open transactions', async () => {
    const wrong: string[] = [];
    const jobs: Promise<unknown>[] = [];
    for (let i = 0; i < 20; i++) {
      jobs.push(
        pool.connect().then(async (c) => {
          try {
            await c.query('BEGIN');
            for (let k = 0; k < 4; k++) {
              const { rows } = await c.query<{ i: number; k: string }>('SELECT $1::int AS i, $2::text AS k', [
                i,
                `t${k}`,
              ]);
              if (rows[0]?.i !== i || rows[0]?.k !== `t${k}`) wrong.push(`tx ${i}/${k}`);
            }
            await c.query('COMMIT');
          } finally {
            c.release();
          }
        }),
      );
    }
    for (let i = 0; i < 1500; i++) {
      jobs.push(
        i % 2
          ? pool
              .query<{ a: number }>('SELECT $1::int AS a', [i])
              .then(({ rows }) => rows[0]?.a !== i && wrong.push(`a ${i}`))
          : pool
              .query<{ b: string; c: number }>('SELECT $1::text AS b, $2::int AS c', [`x${i}`, i])
              .then(({ rows }) => (rows[0]?.b !== `x${i}` || rows[0]?.c !== i) && wrong.push(`bc ${i}`)),
      );
    }
    const results = await Promise.allSettled(jobs);
    const rejected = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
    expect({ rejected: rejected.slice(0, 3), wrong: wrong.slice(0, 3) }).toEqual({ rejected: [], wrong: [] });
  });
});
