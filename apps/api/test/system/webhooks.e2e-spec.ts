import { execFileSync } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { verifyWebhook } from '../../src/modules/webhooks/webhook-signature.js';
import { api, insertUsers, mintToken } from './support/api.js';
import {
  createDatabase,
  freePort,
  JWT_SECRET,
  removeDir,
  type Replica,
  scratchDir,
  startReplica,
  systemEnabled,
  type TestDatabase,
  TestRedis,
  waitFor,
} from './support/cluster.js';

/**
 * Webhook delivery on the scale-out topology: two production replicas on one PostgreSQL database, both running the
 * delivery worker, and a local receiver that checks every signature. Run by `pnpm test:system`.
 */
const describeSystem = systemEnabled ? describe : describe.skip;

interface Arrival {
  id: string;
  path: string;
  type: string;
  email?: string;
  valid: boolean;
  /** The status the receiver answered (null: never answered — the sender died). */
  answered: number | null;
  /** Local port of the sender's connection: tells which replica sent it. */
  remotePort: number;
}

/** The pid that owns a loopback TCP connection from `port` (ss, as the tests run as root). */
function pidOfConnection(port: number): number | null {
  const out = execFileSync('ss', ['-Htnp', 'state', 'established', `( sport = :${port} )`], { encoding: 'utf8' });
  const m = /pid=(\d+)/.exec(out);
  return m ? Number(m[1]) : null;
}

describeSystem('webhooks on two replicas', () => {
  let dir: string;
  let db: TestDatabase;
  let redis: TestRedis;
  let replicas: Replica[];
  let receiver: Server;
  let receiverUrl: string;
  let adminToken: string;
  let secret = '';
  const arrivals: Arrival[] = [];
  /** Decides each request's fate: a status, or 'hold' (never answer). */
  let decide: (a: Arrival, req: IncomingMessage) => number | 'hold' = () => 200;
  const held: ServerResponse[] = [];

  beforeAll(async () => {
    dir = scratchDir('sysponto-webhooks-');
    db = await createDatabase();
    redis = new TestRedis(await freePort(), dir);
    await redis.start();
    const env = {
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      WEBHOOK_POLL_INTERVAL_MS: '100',
      WEBHOOK_RETRY_DELAYS_SECONDS: '1,1,1,1,1',
      // A 10 s timeout makes the claim lease 35 s: a dead replica's delivery is taken over after that.
      WEBHOOK_TIMEOUT_MS: '10000',
    };
    replicas = await Promise.all(
      ['r1', 'r2'].map((name) => startReplica({ name, databaseUrl: db.url, redisUrl: redis.url, dir, env })),
    );
    receiver = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        const headers = {
          id: String(req.headers['webhook-id']),
          timestamp: String(req.headers['webhook-timestamp']),
          signature: String(req.headers['webhook-signature']),
        };
        const json = JSON.parse(body || '{}') as { type?: string; data?: { email?: string } };
        const a: Arrival = {
          id: headers.id,
          path: req.url ?? '/',
          type: json.type ?? '',
          email: json.data?.email,
          valid: verifyWebhook(secret, headers, body),
          answered: null,
          remotePort: req.socket.remotePort ?? 0,
        };
        arrivals.push(a);
        const verdict = decide(a, req);
        if (verdict === 'hold') {
          held.push(res);
          return;
        }
        a.answered = verdict;
        res.writeHead(verdict).end(verdict < 300 ? 'ok' : 'receiver says no');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
    const [admin] = await insertUsers(db, 'admin', 1);
    adminToken = mintToken(JWT_SECRET, admin.id, 'admin');
    const hook = await api(replicas[0].url, 'POST', '/api/webhooks', {
      token: adminToken,
      body: { url: `${receiverUrl}/hook`, events: ['user.created'] },
    });
    expect(hook.status).toBe(201);
    secret = hook.body.secret;
  }, 180_000);

  afterAll(async () => {
    for (const res of held) res.destroy();
    await new Promise((r) => receiver?.close(r));
    await Promise.all((replicas ?? []).map((r) => r.kill('SIGTERM')));
    await redis?.stop();
    await db?.drop();
    if (dir && !process.env.KEEP_CLUSTER_DIR) removeDir(dir);
  }, 60_000);

  const createUser = (replica: Replica, email: string) =>
    api(replica.url, 'POST', '/api/users', {
      token: adminToken,
      body: { email, fullName: 'Webhook Student', role: 'student', password: 'webhook-test-password-1' },
    });

  it('delivers signed events that the receiver verifies', async () => {
    expect((await createUser(replicas[1], 'signed@cluster.test')).status).toBe(201);
    const a = await waitFor('the signed delivery', async () => arrivals.find((x) => x.email === 'signed@cluster.test'));
    expect(a).toMatchObject({ type: 'user.created', valid: true, answered: 200 });
    expect(a.id).toMatch(/^msg_[0-9a-f]{32}$/);
  });

  it('retries after a 500, with the same webhook-id, until the receiver says 2xx', async () => {
    let refused = 0;
    decide = (a) => (a.email === 'retry@cluster.test' && refused++ === 0 ? 500 : 200);
    expect((await createUser(replicas[0], 'retry@cluster.test')).status).toBe(201);
    const both = await waitFor('a retry', async () => {
      const got = arrivals.filter((x) => x.email === 'retry@cluster.test');
      return got.length >= 2 ? got : undefined;
    });
    expect(both.map((x) => [x.answered, x.valid])).toEqual([
      [500, true],
      [200, true],
    ]);
    expect(both[1].id).toBe(both[0].id);
    const [row] = await db.query<{ attempts: number; status: string }>(
      `SELECT d.attempts, d.status FROM webhook_deliveries d JOIN webhook_messages m ON m.id = d.message_id
        WHERE m.body::jsonb -> 'data' ->> 'email' = 'retry@cluster.test'`,
    );
    expect(row).toMatchObject({ attempts: 2 });
    decide = () => 200;
  });

  it('delivers every event once after the delivering replica is killed mid-delivery', async () => {
    const victimEmail = 'victim@cluster.test';
    let sender: Replica | null = null;
    decide = (a) => {
      if (a.email !== victimEmail || sender) return 200;
      // The first attempt of the victim: find the replica sending it, and leave the request open.
      const pid = pidOfConnection(a.remotePort);
      sender = replicas.find((r) => r.proc.pid === pid) ?? null;
      return 'hold';
    };
    const emails = [victimEmail, ...Array.from({ length: 19 }, (_v, i) => `burst-${i}@cluster.test`)];
    // Written on both replicas; both deliver.
    const created = await Promise.all(emails.map((e, i) => createUser(replicas[i % 2], e)));
    expect(created.map((c) => c.status)).toEqual(emails.map(() => 201));
    // Killed mid-delivery: the victim's request is still open (well within the 10 s timeout).
    const killed = await waitFor('the victim to reach the receiver', async () => sender ?? undefined);
    await killed.kill('SIGKILL');

    await waitFor(
      'the victim to be delivered again by the other replica',
      async () => arrivals.some((x) => x.email === victimEmail && x.answered === 200),
      60_000,
    );
    expect(killed).not.toBeNull();
    await waitFor('every event answered 2xx', async () =>
      emails.every((e) => arrivals.some((x) => x.email === e && x.answered === 200)),
    );

    const mine = arrivals.filter((x) => emails.includes(x.email ?? ''));
    expect(mine.every((x) => x.valid)).toBe(true);
    // One webhook-id per event, acknowledged once; the victim's id was sent twice (the dead replica's attempt, unanswered).
    const okIds = mine.filter((x) => x.answered === 200).map((x) => x.id);
    expect(new Set(okIds).size).toBe(emails.length);
    expect(okIds).toHaveLength(emails.length);
    const victim = mine.filter((x) => x.email === victimEmail);
    expect(victim.map((x) => x.answered)).toEqual([null, 200]);
    expect(victim[1].id).toBe(victim[0].id);
    const rows = await db.query<{ n: number; ok: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE d.status = 'succeeded')::int AS ok
         FROM webhook_deliveries d JOIN webhook_messages m ON m.id = d.message_id
        WHERE m.body::jsonb -> 'data' ->> 'email' = ANY($1)`,
      [emails],
    );
    expect(rows[0]).toEqual({ n: emails.length, ok: emails.length });
  }, 120_000);
});
