import { createAdapter } from '@socket.io/redis-streams-adapter';
import { ServerEvent, userRoom } from '@sysponto/contracts';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { MIGRATIONS } from '../../src/database/migrations/index.js';
import {
  api,
  connect,
  insertOpenSession,
  insertUsers,
  loginAs,
  mintToken,
  nextEvent,
  routeKeys,
  type ClusterSocket,
} from './support/api.js';
import {
  createDatabase,
  freePort,
  JWT_SECRET,
  type Nginx,
  removeDir,
  type Replica,
  scratchDir,
  sleep,
  startNginx,
  startReplica,
  systemEnabled,
  type TestDatabase,
  TestRedis,
  waitFor,
} from './support/cluster.js';

/**
 * The scale-out topology on loopback: two production replicas (`node dist/main.js`) on one PostgreSQL database and
 * one Redis, Debian's nginx in front with sticky routing. Run by `pnpm test:system` (jest.system.config.cjs).
 */
const describeSystem = systemEnabled ? describe : describe.skip;

describeSystem('cluster: two replicas behind nginx', () => {
  let dir: string;
  let db: TestDatabase;
  let redis: TestRedis;
  let r1: Replica;
  let r2: Replica;
  let nginx: Nginx;
  /** Route cookie values that nginx sends to r1 / r2. */
  let to1: string;
  let to2: string;
  let teacher: { id: string; email: string; token: string };
  let admin: { id: string; email: string; token: string };
  let students: { id: string; email: string; fullName: string; token: string }[];
  let sessionId: string;
  let code: string;
  const sockets: ClusterSocket[] = [];

  beforeAll(async () => {
    dir = scratchDir('sysponto-cluster-');
    db = await createDatabase();
    redis = new TestRedis(await freePort(), dir);
    await redis.start();
    // Both replicas start at the same moment on an empty database: the advisory lock makes one of them migrate.
    // Both run the auto-close scheduler every second (one test checks each ended session is closed exactly once).
    [r1, r2] = await Promise.all(
      ['r1', 'r2'].map((name) =>
        startReplica({
          name,
          databaseUrl: db.url,
          redisUrl: redis.url,
          dir,
          env: { AUTO_CLOSE_INTERVAL_SECONDS: '1' },
        }),
      ),
    );
    nginx = await startNginx(dir, [r1.port, r2.port]);
    const keys = await routeKeys(nginx.url, [r1.port, r2.port]);
    to1 = keys.get(r1.port)!;
    to2 = keys.get(r2.port)!;

    const [a] = await insertUsers(db, 'admin', 1);
    const [t] = await insertUsers(db, 'teacher', 1);
    students = (await insertUsers(db, 'student', 300)).map((s) => ({
      ...s,
      token: mintToken(JWT_SECRET, s.id, 'student'),
    }));
    ({ sessionId } = await insertOpenSession(
      db,
      t.id,
      students.map((s) => s.id),
    ));
    admin = { ...a, token: await loginAs(nginx.url, a.email, to1) };
    teacher = { ...t, token: await loginAs(nginx.url, t.email, to2) };
    const created = await api<{ code: string }>(nginx.url, 'POST', `/api/sessions/${sessionId}/codes`, {
      token: teacher.token,
      route: to2,
      body: { mode: 'fixed', validityMinutes: 120 },
    });
    expect(created.status).toBe(201);
    code = created.body.code;
  }, 180_000);

  afterAll(async () => {
    for (const s of sockets) s.close();
    await nginx?.stop();
    await Promise.all([r1?.kill('SIGTERM'), r2?.kill('SIGTERM')]);
    await redis?.stop();
    await db?.drop();
    // KEEP_CLUSTER_DIR=1 keeps the replicas' and nginx's logs for a post-mortem.
    if (dir && !process.env.KEEP_CLUSTER_DIR) removeDir(dir);
    else if (dir) console.log(`cluster logs kept in ${dir}`);
  }, 60_000);

  it('ran the migrations once although both replicas started together', async () => {
    const rows = await db.query<{ name: string; n: string }>(
      'SELECT name, count(*) AS n FROM migrations GROUP BY name',
    );
    expect(rows).toHaveLength(MIGRATIONS.length);
    expect(rows.every((r) => r.n === '1')).toBe(true);
    for (const r of [r1, r2])
      expect((await api(r.url, 'GET', '/api/health')).body).toMatchObject({
        status: 'ok',
        database: 'up',
        redis: 'up',
        databaseMode: 'postgres',
      });
  });

  it('routes through nginx: both replicas answer, a route cookie pins a client to one', async () => {
    const first = await fetch(`${nginx.url}/api/health`);
    expect(first.headers.get('set-cookie')).toMatch(/^sp_route=[0-9a-f]+; Path=\/; HttpOnly; SameSite=Lax$/);
    for (const [route, port] of [
      [to1, r1.port],
      [to2, r2.port],
    ] as const) {
      for (let i = 0; i < 5; i++) {
        const res = await api(nginx.url, 'GET', '/api/me', { token: admin.token, route });
        expect(res.status).toBe(200);
        expect(res.upstream).toBe(`127.0.0.1:${port}`);
      }
    }
  });

  it('keeps a long-polling Socket.IO client on one replica (sticky route cookie)', async () => {
    // engine.io over plain HTTP: handshake, then connect + ack round trips, each a separate request through nginx.
    const base = `${nginx.url}/socket.io/?EIO=4&transport=polling`;
    const hs = await fetch(base);
    const cookie = hs.headers.get('set-cookie')!.split(';')[0];
    const sid = JSON.parse((await hs.text()).slice(1)).sid as string;
    const post = (body: string) =>
      fetch(`${base}&sid=${sid}`, { method: 'POST', body, headers: { Cookie: cookie, 'Content-Type': 'text/plain' } });
    const poll = async () => {
      const res = await fetch(`${base}&sid=${sid}`, { headers: { Cookie: cookie } });
      expect(res.status).toBe(200);
      return res.text();
    };
    expect((await post(`40${JSON.stringify({ token: teacher.token })}`)).status).toBe(200);
    expect(await poll()).toMatch(/^40\{"sid":/);
    for (let i = 1; i <= 6; i++) {
      expect((await post(`42${i}["session.watch",${JSON.stringify({ sessionId })}]`)).status).toBe(200);
      expect(await poll()).toBe(`43${i}[{"ok":true}]`);
    }
    await post('41');
  });

  it('delivers an event published on one node to clients connected to either replica', async () => {
    const [s1, s2] = await Promise.all([
      connect(nginx.url, teacher.token, { route: to1 }),
      connect(nginx.url, teacher.token, { route: to2 }),
    ]);
    sockets.push(s1, s2);
    // A third node on the same Redis stream, as a replica's NotificationsService would publish.
    const node = await publishingNode(redis.url);
    try {
      const payload = {
        id: '00000000-0000-4000-8000-000000000001',
        type: 'system',
        title: 'Hello',
        body: null,
        link: null,
        createdAt: new Date().toISOString(),
        readAt: null,
      };
      const got = Promise.all([
        nextEvent(s1, ServerEvent.NotificationCreated),
        nextEvent(s2, ServerEvent.NotificationCreated),
      ]);
      await sleep(200);
      node.server.to(userRoom(teacher.id)).emit(ServerEvent.NotificationCreated, payload);
      const [e1, e2] = await got;
      expect(e1).toMatchObject({ title: 'Hello' });
      expect(e2).toMatchObject({ title: 'Hello' });
    } finally {
      await node.close();
    }
  });

  it('pushes a check-in posted through nginx to replica 1 to the teacher watching on replica 2', async () => {
    const watcher = await connect(nginx.url, teacher.token, { route: to2 });
    sockets.push(watcher);
    expect((await watcher.timeout(5000).emitWithAck('session.watch', { sessionId })).ok).toBe(true);
    const student = students[0];
    const submitted = nextEvent<{ studentId: string; sessionId: string; status: string; fullName: string }>(
      watcher,
      ServerEvent.AttendanceSubmitted,
      5000,
      (p) => p.studentId === student.id,
    );
    const res = await api(nginx.url, 'POST', '/api/check-ins', { token: student.token, route: to1, body: { code } });
    expect(res.status).toBe(201);
    expect(res.upstream).toBe(`127.0.0.1:${r1.port}`);
    expect(res.body).toMatchObject({ sessionId, studentId: student.id, status: 'pending', alreadyCheckedIn: false });
    expect(await submitted).toMatchObject({
      sessionId,
      studentId: student.id,
      status: 'pending',
      fullName: student.fullName,
    });
    // The roster read on the other replica shows it (one database).
    const roster = await api<{ items: { studentId: string; status: string | null }[] }>(
      nginx.url,
      'GET',
      `/api/sessions/${sessionId}/attendance`,
      { token: teacher.token, route: to2 },
    );
    expect(roster.body.items.find((i) => i.studentId === student.id)?.status).toBe('pending');
  });

  it("rotates a course's code at the course interval and accepts the previous one only within its grace, on both replicas", async () => {
    // Issue 16: the codes are derived in SQL from the slot of the clock, so any replica accepts the code another one
    // shows, with the interval and grace of the course's policy (10 s and 6 s here: generous against a loaded machine).
    const group = students.slice(200, 206);
    const { courseId, sessionId: rotating } = await insertOpenSession(
      db,
      teacher.id,
      group.map((s) => s.id),
    );
    await db.query(`UPDATE courses SET rotating_interval_seconds = 10, rotating_grace_seconds = 6 WHERE id = $1`, [
      courseId,
    ]);
    type Code = { code: string; rotationSeconds: number | null; rotatesAt: string | null };
    const created = await api<Code>(nginx.url, 'POST', `/api/sessions/${rotating}/codes`, {
      token: teacher.token,
      route: to1,
      body: { mode: 'rotating' },
    });
    expect(created.status).toBe(201);
    expect(created.body.rotationSeconds).toBe(10);
    const current = (route: string) =>
      api<Code>(nginx.url, 'GET', `/api/sessions/${rotating}/codes/current`, { token: teacher.token, route });
    // Start right after a rotation, so that every step below happens in the slot it means.
    await sleep(Math.max(0, Date.parse(created.body.rotatesAt!) - Date.now()) + 150);
    const first = (await current(to1)).body;
    const rotatesAt = Date.parse(first.rotatesAt!);
    expect(rotatesAt % 10_000).toBe(0);
    expect((await current(to2)).body.code).toBe(first.code);
    const checkIn = (i: number, code: string, route: string) =>
      api(nginx.url, 'POST', '/api/check-ins', { token: group[i].token, route, body: { code } });
    expect((await checkIn(0, first.code, to2)).status).toBe(201);

    // The next slot: each replica's ticker pushes the new code with its interval; the previous one is still accepted
    // on either replica within the 6 s grace.
    const watcher = await connect(nginx.url, teacher.token, { route: to2 });
    sockets.push(watcher);
    expect((await watcher.timeout(5000).emitWithAck('session.watch', { sessionId: rotating })).ok).toBe(true);
    const rotated = nextEvent<{ sessionId: string; code: string; rotationSeconds?: number | null }>(
      watcher,
      ServerEvent.CodeRotated,
      rotatesAt - Date.now() + 5000,
      (p) => p.sessionId === rotating && p.code !== first.code,
    );
    await sleep(rotatesAt - Date.now() + 200);
    const second = (await current(to2)).body;
    expect(second.code).not.toBe(first.code);
    expect(Date.parse(second.rotatesAt!)).toBe(rotatesAt + 10_000);
    expect(await rotated).toMatchObject({ code: second.code, rotationSeconds: 10 });
    expect((await checkIn(1, first.code, to1)).status).toBe(201);
    expect((await checkIn(2, first.code, to2)).status).toBe(201);
    expect((await checkIn(3, second.code, to1)).status).toBe(201);

    // Past the grace: the previous code is refused by both replicas as expired (410, not a wrong code); the current
    // one still works.
    await sleep(rotatesAt + 6500 - Date.now());
    for (const [i, route] of [
      [4, to1],
      [5, to2],
    ] as const) {
      const late = await checkIn(i, first.code, route);
      expect(late.status).toBe(410);
      expect(late.body).toMatchObject({ code: 'attendance/code-expired' });
    }
    if (Date.now() < rotatesAt + 9500) expect((await checkIn(4, second.code, to2)).status).toBe(201);
  }, 60_000);

  it('keeps serving REST while Redis is down (health degraded) and recovers when it returns', async () => {
    await redis.stop();
    try {
      for (const r of [r1, r2]) {
        const h = await waitFor(`${r.name} to report Redis down`, async () => {
          const res = await api(r.url, 'GET', '/api/health');
          return res.body?.redis === 'down' ? res : undefined;
        });
        expect(h.status).toBe(200);
        expect(h.body).toMatchObject({ status: 'degraded', database: 'up', redis: 'down' });
      }
      // Logins (rate limits fall back to memory), reads and writes keep working through nginx on both replicas.
      for (const route of [to1, to2]) {
        const token = await loginAs(nginx.url, students[0].email, route);
        expect((await api(nginx.url, 'GET', '/api/me', { token, route })).status).toBe(200);
        expect((await api(nginx.url, 'GET', '/api/notifications?pageSize=1', { token, route })).status).toBe(200);
      }
    } finally {
      await redis.start();
    }
    for (const r of [r1, r2]) {
      await waitFor(
        `${r.name} to see Redis again`,
        async () => (await api(r.url, 'GET', '/api/health')).body?.status === 'ok',
        20_000,
        250,
      );
    }
    // The adapter is back too: a fresh pair of sockets on both replicas gets a cross-node event.
    const [s1, s2] = await Promise.all([
      connect(nginx.url, teacher.token, { route: to1 }),
      connect(nginx.url, teacher.token, { route: to2 }),
    ]);
    sockets.push(s1, s2);
    const node = await publishingNode(redis.url);
    try {
      await waitFor(
        'cross-replica events after the Redis restart',
        async () => {
          const got = Promise.all([
            nextEvent(s1, ServerEvent.NotificationCreated, 1500),
            nextEvent(s2, ServerEvent.NotificationCreated, 1500),
          ]);
          node.server.to(userRoom(teacher.id)).emit(ServerEvent.NotificationCreated, {
            id: '00000000-0000-4000-8000-000000000002',
            type: 'system',
            title: 'Back',
            body: null,
            link: null,
            createdAt: new Date().toISOString(),
            readAt: null,
          });
          return got.then(() => true).catch(() => false);
        },
        20_000,
        0,
      );
    } finally {
      await node.close();
    }
  }, 90_000);

  it('closes each ended session exactly once although both replicas run the auto-close scheduler', async () => {
    const [course] = await db.query<{ course_id: string }>('SELECT course_id FROM class_sessions WHERE id = $1', [
      sessionId,
    ]);
    const ended = await db.query<{ id: string }>(
      // Created before they ended (sessions recorded afterwards are left for the teacher to close).
      `INSERT INTO class_sessions (course_id, title, starts_at, ends_at, state, created_at)
       SELECT $1, 'Ended ' || g, now() - interval '2 hours', now() - interval '1 minute', 'open', now() - interval '3 hours'
         FROM generate_series(1, 6) g RETURNING id`,
      [course.course_id],
    );
    const ids = ended.map((e) => e.id);
    await waitFor(
      'the ended sessions to be closed',
      async () => {
        const [r] = await db.query<{ n: string }>(
          `SELECT count(*) AS n FROM class_sessions WHERE id = ANY($1::uuid[]) AND state = 'closed'`,
          [ids],
        );
        return r.n === String(ids.length);
      },
      20_000,
      250,
    );
    await sleep(2500); // a few more scheduler ticks on both replicas
    const perSession = await db.query<{ session_id: string; records: string; absent: string; events: string }>(
      `SELECT s.id AS session_id,
              (SELECT count(*) FROM attendance_records r WHERE r.session_id = s.id) AS records,
              (SELECT count(*) FROM attendance_records r WHERE r.session_id = s.id AND r.status = 'absent') AS absent,
              (SELECT count(*) FROM attendance_events e WHERE e.session_id = s.id) AS events
         FROM class_sessions s WHERE s.id = ANY($1::uuid[])`,
      [ids],
    );
    expect(perSession).toHaveLength(ids.length);
    for (const row of perSession) {
      expect(Number(row.records)).toBe(students.length);
      expect(Number(row.absent)).toBe(students.length);
      expect(Number(row.events)).toBe(students.length);
    }
  }, 60_000);

  it('survives a replica being killed: sockets reconnect to the other, REST keeps working, no acknowledged write is lost', async () => {
    const client = await connect(nginx.url, teacher.token, { route: to1, reconnection: true });
    sockets.push(client);
    expect((await client.timeout(5000).emitWithAck('session.watch', { sessionId })).ok).toBe(true);

    const watcher = await connect(nginx.url, teacher.token, { route: to2, reconnection: true });
    sockets.push(watcher);
    expect((await watcher.timeout(5000).emitWithAck('session.watch', { sessionId })).ok).toBe(true);
    const pushed = new Set<string>();
    watcher.on(ServerEvent.AttendanceSubmitted, (p) => pushed.add(p.studentId));

    // Check-ins through nginx the whole time, routed to the replica about to die; each 2xx must be stored once.
    const acknowledged: string[] = [];
    let failures = 0;
    let writing = true;
    const queue = students.slice(1);
    const writer = (async () => {
      while (writing && queue.length) {
        const student = queue.shift()!;
        const res = await api(nginx.url, 'POST', '/api/check-ins', {
          token: student.token,
          route: to1,
          body: { code },
        }).catch(() => null);
        if (res && (res.status === 201 || res.status === 200)) acknowledged.push(student.id);
        else failures++;
        await sleep(10);
      }
    })();
    await sleep(700);
    const reconnected = new Promise<void>((resolve) => client.io.once('reconnect', () => resolve()));
    await r1.kill('SIGKILL');
    await sleep(1500);
    writing = false;
    await writer;

    await reconnected;
    expect(client.connected).toBe(true);
    // It is now on r2 (the only one left) and can rejoin the session room; REST answers through nginx for everyone.
    expect((await client.timeout(5000).emitWithAck('session.watch', { sessionId })).ok).toBe(true);
    for (const route of [to1, to2])
      expect((await api(nginx.url, 'GET', '/api/me', { token: admin.token, route })).status).toBe(200);
    const after = await api(nginx.url, 'GET', '/api/health', { route: to1 });
    expect(after.upstream).toBe(`127.0.0.1:${r2.port}`);

    expect(acknowledged.length).toBeGreaterThan(20);
    const stored = await db.query<{ student_id: string }>(
      `SELECT student_id FROM attendance_records WHERE session_id = $1 AND student_id = ANY($2::uuid[])`,
      [sessionId, acknowledged],
    );
    expect(stored).toHaveLength(acknowledged.length);
    const events = await db.query<{ n: string }>(
      `SELECT count(*) AS n FROM attendance_events WHERE session_id = $1 AND student_id = ANY($2::uuid[])`,
      [sessionId, acknowledged],
    );
    expect(Number(events[0].n)).toBe(acknowledged.length);
    // The teacher on the surviving replica was told of every check-in acknowledged by either replica.
    // Through the Redis stream the surviving replica reads: seconds on a loaded machine, so wait up to 15 s.
    await waitFor(
      'every acknowledged check-in pushed to the teacher',
      async () => {
        const missing = acknowledged.filter((id) => !pushed.has(id));
        if (missing.length) throw new Error(`${missing.length} of ${acknowledged.length} not pushed yet`);
        return true;
      },
      15_000,
    );
    // At most the request in flight at the moment of the kill fails (nginx retries only what never reached r1).
    expect(failures).toBeLessThanOrEqual(1);
  }, 60_000);
});

/**
 * A third Socket.IO node on the cluster's Redis stream, as a replica's NotificationsService would publish. It is ready
 * once its clients are connected and subscribed, and close() ends every connection the adapter opened (its stream
 * reader would otherwise sit in XREAD BLOCK for 5 s, and a command still queued on a client being disconnected
 * rejects with "Connection is closed" outside any test).
 */
async function publishingNode(url: string) {
  const pub = new Redis(url, { maxRetriesPerRequest: null });
  pub.on('error', () => undefined);
  const clients: Redis[] = [pub];
  const duplicate = pub.duplicate.bind(pub);
  pub.duplicate = (...args: Parameters<Redis['duplicate']>) => {
    const client = duplicate(...args);
    // The adapter sends SUBSCRIBE without handling its promise.
    const subscribe = client.subscribe.bind(client) as (...channels: string[]) => Promise<unknown>;
    client.subscribe = ((...channels: string[]) => {
      const sent = subscribe(...channels);
      sent.catch(() => undefined);
      return sent;
    }) as Redis['subscribe'];
    clients.push(client);
    return client;
  };
  const server = new Server();
  server.adapter(createAdapter(pub));
  // The adapter's publisher, stream reader and subscriber.
  await waitFor(
    'the publishing node to connect to Redis',
    async () => clients.length === 3 && clients.every((c) => c.status === 'ready'),
    10_000,
    50,
  );
  return {
    server,
    async close() {
      // Closing the namespace's adapter aborts the stream reader's loop (Server.close() needs an attached engine).
      await server.of('/').adapter.close();
      for (const client of clients) client.disconnect();
    },
  };
}
