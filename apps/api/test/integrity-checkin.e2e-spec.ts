import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AttendanceFlag, LocationMode, LocationVerdict, ServerEvent } from '@sysponto/contracts';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../src/app.factory.js';
import { EmbeddedPostgres } from '../src/database/embedded-postgres.js';
import { AttendanceClock } from '../src/modules/attendance/attendance-clock.js';
import { rotatingCode, slotOf } from '../src/modules/attendance/attendance-codes.js';
import { AttendanceTimers } from '../src/modules/attendance/attendance-timers.js';
import { deviceHash } from '../src/modules/attendance/device-hash.js';
import {
  distanceMeters,
  type GeoFix,
  locationOutcome,
  locationVerdict,
} from '../src/modules/attendance/location-verdict.js';
import { PrivacyPurgeService } from '../src/modules/attendance/privacy-purge.service.js';
import { createCourse, createSession } from './support/factories.js';
import { connectSocket, nextEvent, watch } from './support/sockets.js';
import { cloneTestDatabase } from './support/test-database.js';
import { actor, bootOnly, createTestApp, type TestApp, testConfig } from './support/test-app.js';

type Actor = Awaited<ReturnType<typeof actor>>;

/** Sets a course's integrity policy directly (what the test is not about). */
async function policy(
  t: { dataSource: DataSource },
  courseId: string,
  p: { interval?: number; grace?: number; mode?: LocationMode; radius?: number },
) {
  await t.dataSource.query(
    `UPDATE courses SET rotating_interval_seconds = COALESCE($2, rotating_interval_seconds),
                        rotating_grace_seconds = COALESCE($3, rotating_grace_seconds),
                        location_mode = COALESCE($4, location_mode),
                        location_radius_meters = COALESCE($5, location_radius_meters) WHERE id = $1`,
    [courseId, p.interval ?? null, p.grace ?? null, p.mode ?? null, p.radius ?? null],
  );
}

/** A point `meters` north of `p`. */
function north(p: GeoFix, meters: number, accuracy: number): GeoFix {
  return { latitude: p.latitude + meters / 111_194.93, longitude: p.longitude, accuracy };
}

/**
 * Issue 16 on the check-in path: rotating interval and grace per course on every replica, the per-session device
 * hash and `shared-device` flags, the in-room check's three verdicts under the three modes, and no student
 * coordinates in the database, the log or the events.
 */
describe('integrity of check-ins', () => {
  describe('rotating interval and grace (codes derived in SQL) on two app instances sharing one database', () => {
    interface Replica {
      app: NestFastifyApplication;
      http: ReturnType<typeof request>;
      url: string;
      dataSource: DataSource;
    }
    let replicas: Replica[] = [];
    let embedded: EmbeddedPostgres | null = null;
    let drop: () => Promise<void> = async () => undefined;

    beforeAll(async () => {
      const db = await cloneTestDatabase(bootOnly);
      drop = db.drop;
      let url = db.env.DATABASE_URL;
      if (!url) {
        // The embedded database served to both instances over its socket, as PostgreSQL would be.
        embedded = await EmbeddedPostgres.start(db.env.DATA_DIR!, 8);
        url = `postgresql://postgres:postgres@localhost/postgres?host=${encodeURIComponent(embedded.socketDir)}`;
      }
      for (let i = 0; i < 2; i++) {
        const app = await createApp(testConfig({ DATABASE_URL: url, DATABASE_POOL_SIZE: '3' }), { logger: false });
        await app.listen({ port: 0, host: '127.0.0.1' });
        replicas.push({
          app,
          http: request(app.getHttpServer()),
          url: (await app.getUrl()).replace('[::1]', '127.0.0.1'),
          dataSource: app.get(DataSource),
        });
      }
    });
    afterAll(async () => {
      for (const r of replicas) await r.app.close();
      replicas = [];
      await embedded?.stop();
      await drop();
    });

    it('changes the code every course interval and accepts the previous one only within the course grace, on either instance', async () => {
      const [a, b] = replicas;
      const teacher = await actor(a as unknown as TestApp, 'teacher');
      const students: Actor[] = [];
      for (let i = 0; i < 6; i++) students.push(await actor(a as unknown as TestApp, 'student'));
      // Two courses with different policies: 7 s / 2 s grace, and 30 s / no grace.
      const seven = await createCourse(a as unknown as TestApp, {
        teacherIds: [teacher.id],
        studentIds: students.map((s) => s.id),
      });
      const thirty = await createCourse(a as unknown as TestApp, {
        teacherIds: [teacher.id],
        studentIds: students.map((s) => s.id),
      });
      await policy(a, seven.id, { interval: 7, grace: 2 });
      await policy(a, thirty.id, { interval: 30, grace: 0 });
      const s7 = await createSession(a as unknown as TestApp, seven.id);
      const s30 = await createSession(a as unknown as TestApp, thirty.id);

      // Both instances' clocks frozen 1 s into a slot of both intervals (210 s is a multiple of 7 and 30).
      const base = (Math.floor(Date.now() / 210_000) + 1) * 210_000;
      const spies = replicas.map((r) => jest.spyOn(r.app.get(AttendanceClock), 'now').mockReturnValue(base + 1000));
      try {
        // Generated on instance A…
        const c7 = await a.http
          .post(`/api/sessions/${s7.id}/codes`)
          .set(teacher.auth)
          .send({ mode: 'rotating' })
          .expect(201);
        expect(c7.body).toMatchObject({ rotationSeconds: 7, rotatesAt: new Date(base + 7000).toISOString() });
        const c30 = await a.http
          .post(`/api/sessions/${s30.id}/codes`)
          .set(teacher.auth)
          .send({ mode: 'rotating' })
          .expect(201);
        expect(c30.body).toMatchObject({ rotationSeconds: 30, rotatesAt: new Date(base + 30_000).toISOString() });
        const keys: {
          session_id: string;
          key_inner: Buffer;
          key_outer: Buffer;
          slot_seconds: number;
          grace_seconds: number;
        }[] = await a.dataSource.query(
          `SELECT session_id, key_inner, key_outer, slot_seconds, grace_seconds FROM attendance_codes WHERE revoked_at IS NULL AND session_id = ANY($1)`,
          [[s7.id, s30.id]],
        );
        const key = (sid: string) => {
          const k = keys.find((r) => r.session_id === sid)!;
          return { inner: k.key_inner, outer: k.key_outer };
        };
        expect(keys.map((k) => [k.slot_seconds, k.grace_seconds]).sort()).toEqual([
          [30, 0],
          [7, 2],
        ]);
        const slot7 = slotOf(base + 1000, 7);
        const slot30 = slotOf(base + 1000, 30);
        expect(c7.body.code).toBe(rotatingCode(key(s7.id), slot7));
        // … shown the same by instance B.
        const shownOnB = await b.http.get(`/api/sessions/${s7.id}/codes/current`).set(teacher.auth).expect(200);
        expect(shownOnB.body.code).toBe(c7.body.code);

        const checkIn = (r: Replica, s: Actor, code: string) =>
          r.http.post('/api/check-ins').set(s.auth).send({ code });
        // … accepted on instance B: the current slot, and the previous one within its course's grace.
        await checkIn(b, students[0], rotatingCode(key(s7.id), slot7)).expect(201);
        await checkIn(b, students[1], rotatingCode(key(s7.id), slot7 - 1)).expect(201); // 1 s < 2 s grace
        await checkIn(a, students[2], rotatingCode(key(s7.id), slot7 + 1)).expect(400); // not shown yet
        // The 30-second course has no grace: its previous code is refused 1 s into the slot.
        await checkIn(b, students[0], rotatingCode(key(s30.id), slot30 - 1)).expect(410);
        await checkIn(b, students[0], rotatingCode(key(s30.id), slot30)).expect(201);

        // 2.5 s into the slot: past the 2 s grace, on both instances.
        for (const spy of spies) spy.mockReturnValue(base + 2500);
        await checkIn(a, students[2], rotatingCode(key(s7.id), slot7 - 1)).expect(410);
        await checkIn(b, students[3], rotatingCode(key(s7.id), slot7 - 1)).expect(410);
        await checkIn(b, students[3], rotatingCode(key(s7.id), slot7)).expect(201);

        // One interval later the code changes: instance B's ticker pushes the 7-second course's next code
        // (with its interval), and leaves the 30-second one alone until its own boundary.
        const watcher = await connectSocket(b.url, teacher.token);
        await watch(watcher, s7.id);
        await watch(watcher, s30.id);
        const pushed: { sessionId: string; code: string; rotationSeconds?: number | null }[] = [];
        watcher.on(ServerEvent.CodeRotated, (p) => pushed.push(p));
        // Background ticking off on both (it would race the explicit calls below on the frozen clocks).
        for (const r of replicas) r.app.get(AttendanceTimers).onApplicationShutdown();
        const timers = b.app.get(AttendanceTimers);
        await timers.pushRotations(true); // learns the slots it is in
        for (const spy of spies) spy.mockReturnValue(base + 7000 + 100);
        const next = nextEvent(watcher, ServerEvent.CodeRotated);
        await expect(timers.pushRotations(true)).resolves.toBe(1);
        await expect(next).resolves.toMatchObject({
          sessionId: s7.id,
          code: rotatingCode(key(s7.id), slot7 + 1),
          rotationSeconds: 7,
          rotatesAt: new Date(base + 14_000).toISOString(),
        });
        await new Promise((r) => setTimeout(r, 200));
        expect(pushed.map((p) => p.sessionId)).toEqual([s7.id]);
        watcher.close();
        // The new slot's code works on instance A; the old one still for 2 s, then not.
        await checkIn(a, students[4], rotatingCode(key(s7.id), slot7 + 1)).expect(201);
        await checkIn(a, students[5], rotatingCode(key(s7.id), slot7)).expect(201);
      } finally {
        for (const spy of spies) spy.mockRestore();
      }
    });
  });

  describe('on one instance', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({}, { listen: true });
    });
    afterAll(async () => {
      await t.close();
    });

    async function classroom(n: number, p: Parameters<typeof policy>[2] = {}) {
      const teacher = await actor(t, 'teacher');
      const students: Actor[] = [];
      for (let i = 0; i < n; i++) students.push(await actor(t, 'student'));
      const course = await createCourse(t, { teacherIds: [teacher.id], studentIds: students.map((s) => s.id) });
      await policy(t, course.id, p);
      const session = await createSession(t, course.id);
      const code = await newCode(teacher, session.id);
      return { teacher, students, course, session, code };
    }
    async function newCode(teacher: Actor, sessionId: string) {
      const res = await t.http.post(`/api/sessions/${sessionId}/codes`).set(teacher.auth).send({ mode: 'fixed' });
      expect(res.status).toBe(201);
      return res.body.code as string;
    }
    async function rosterFlags(teacher: Actor, sessionId: string) {
      const res = await t.http.get(`/api/sessions/${sessionId}/attendance`).set(teacher.auth).expect(200);
      return Object.fromEntries(
        (res.body.items as { studentId: string; flags: string[] }[]).map((e) => [e.studentId, e.flags]),
      );
    }

    it('flags every student checked in from one device (the first one retroactively, pushed live), never blocks, and keeps only a per-session hash', async () => {
      const { teacher, students, course, session, code } = await classroom(4);
      const [ana, bruno, carla, dino] = students;
      const socket = await connectSocket(t.url, teacher.token);
      await watch(socket, session.id);
      const flaggedEvents: { studentId: string; flags: string[] }[] = [];
      socket.on(ServerEvent.AttendanceFlagged, (p) => flaggedEvents.push(p));

      let submitted = nextEvent(socket, ServerEvent.AttendanceSubmitted);
      await t.http.post('/api/check-ins').set(ana.auth).send({ code, deviceId: 'phone-of-ana' }).expect(201);
      await expect(submitted).resolves.toMatchObject({ studentId: ana.id, flags: [] });

      // Bruno checks in on Ana's phone: accepted, and both records are flagged.
      submitted = nextEvent(socket, ServerEvent.AttendanceSubmitted);
      const flagged = nextEvent(socket, ServerEvent.AttendanceFlagged);
      await t.http.post('/api/check-ins').set(bruno.auth).send({ code, deviceId: 'phone-of-ana' }).expect(201);
      await expect(submitted).resolves.toMatchObject({ studentId: bruno.id, flags: [AttendanceFlag.SharedDevice] });
      await expect(flagged).resolves.toEqual({
        sessionId: session.id,
        studentId: ana.id,
        flags: [AttendanceFlag.SharedDevice],
      });
      // Carla has her own device; Dino sends none (an older app): neither is flagged.
      await t.http.post('/api/check-ins').set(carla.auth).send({ code, deviceId: 'phone-of-carla' }).expect(201);
      await t.http.post('/api/check-ins').set(dino.auth).send({ code }).expect(201);
      // A repeated check-in is idempotent and changes nothing.
      await t.http.post('/api/check-ins').set(bruno.auth).send({ code, deviceId: 'phone-of-ana' }).expect(200);
      expect(await rosterFlags(teacher, session.id)).toEqual({
        [ana.id]: ['shared-device'],
        [bruno.id]: ['shared-device'],
        [carla.id]: [],
        [dino.id]: [],
      });
      expect(flaggedEvents).toHaveLength(1);

      // Stored: one keyed hash per (session, student) — never the identifier itself.
      const rows: { student_id: string; device_hash: Buffer }[] = await t.dataSource.query(
        `SELECT student_id, device_hash FROM attendance_device_hashes WHERE session_id = $1`,
        [session.id],
      );
      expect(rows).toHaveLength(3);
      const hashOf = (id: string) => rows.find((r) => r.student_id === id)!.device_hash;
      expect(hashOf(ana.id)).toEqual(deviceHash(t.config.attendance.deviceHashKey, 'phone-of-ana', session.id));
      expect(hashOf(bruno.id)).toEqual(hashOf(ana.id));
      expect(hashOf(carla.id)).not.toEqual(hashOf(ana.id));
      const dump = await databaseDump(t);
      expect(dump).not.toContain('phone-of-ana');
      expect(dump).not.toContain(Buffer.from('phone-of-ana').toString('hex'));

      // The same phone in another session of the course: a different hash, which cannot be linked to the first.
      const other = await createSession(t, course.id);
      const otherCode = await newCode(teacher, other.id);
      await t.http.post('/api/check-ins').set(ana.auth).send({ code: otherCode, deviceId: 'phone-of-ana' }).expect(201);
      const [again]: { device_hash: Buffer }[] = await t.dataSource.query(
        `SELECT device_hash FROM attendance_device_hashes WHERE session_id = $1 AND student_id = $2`,
        [other.id, ana.id],
      );
      expect(again.device_hash).toEqual(deviceHash(t.config.attendance.deviceHashKey, 'phone-of-ana', other.id));
      expect(again.device_hash).not.toEqual(hashOf(ana.id));
      const [{ n }]: { n: number }[] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM attendance_device_hashes a JOIN attendance_device_hashes b
            ON a.device_hash = b.device_hash AND a.session_id <> b.session_id`,
      );
      expect(n).toBe(0);
      expect((await rosterFlags(teacher, other.id))[ana.id]).toEqual([]);

      // The teacher clears Ana's flag after talking to her: audited, pushed, and not raised again on her record when
      // a third student uses the same phone.
      const clearedEvent = nextEvent(socket, ServerEvent.AttendanceFlagged);
      const cleared = await t.http
        .delete(`/api/sessions/${session.id}/attendance/${ana.id}/flags/shared-device`)
        .set(teacher.auth)
        .expect(200);
      expect(cleared.body).toMatchObject({ studentId: ana.id, flags: [] });
      await expect(clearedEvent).resolves.toEqual({ sessionId: session.id, studentId: ana.id, flags: [] });
      const audit: { action: string; actor_id: string; summary: Record<string, unknown> }[] = await t.dataSource.query(
        `SELECT action, actor_id, summary FROM audit_events WHERE action = 'attendance.flag-cleared'`,
      );
      expect(audit).toEqual([
        expect.objectContaining({
          actor_id: teacher.id,
          summary: expect.objectContaining({ sessionId: session.id, studentId: ana.id, flag: 'shared-device' }),
        }),
      ]);
      await t.http
        .delete(`/api/sessions/${session.id}/attendance/${ana.id}/flags/not-a-flag`)
        .set(teacher.auth)
        .expect(400);
      await t.http
        .delete(`/api/sessions/${session.id}/attendance/${ana.id}/flags/shared-device`)
        .set(ana.auth)
        .expect(403);
      const eva = await actor(t, 'student');
      await t.dataSource.query(`INSERT INTO enrollments (course_id, student_id) VALUES ($1, $2)`, [course.id, eva.id]);
      await t.http.post('/api/check-ins').set(eva.auth).send({ code, deviceId: 'phone-of-ana' }).expect(201);
      const after = await rosterFlags(teacher, session.id);
      expect(after[ana.id]).toEqual([]);
      expect(after[bruno.id]).toEqual(['shared-device']);
      expect(after[eva.id]).toEqual(['shared-device']);
      socket.close();

      // 30 days after the session the hashes are deleted (the scheduled purge); a recent session keeps its own.
      await t.dataSource.query(
        `UPDATE class_sessions SET starts_at = now() - interval '31 days 2 hours', ends_at = now() - interval '31 days' WHERE id = $1`,
        [session.id],
      );
      await expect(t.app.get(PrivacyPurgeService).purge()).resolves.toMatchObject({ deviceHashes: 4 });
      const left: { session_id: string }[] = await t.dataSource.query(
        `SELECT session_id FROM attendance_device_hashes`,
      );
      expect(left.map((r) => r.session_id)).toEqual([other.id]);
      // The flags stay on the records (they are attendance data, reviewed by the teacher).
      expect((await rosterFlags(teacher, session.id))[bruno.id]).toEqual(['shared-device']);
    });

    it('flags both students when one device checks them in at the same moment', async () => {
      const { teacher, students, session, code } = await classroom(3);
      const results = await Promise.all(
        students.map((s) => t.http.post('/api/check-ins').set(s.auth).send({ code, deviceId: 'one-tablet' })),
      );
      expect(results.map((r) => r.status)).toEqual([201, 201, 201]);
      const flags = await rosterFlags(teacher, session.id);
      expect(Object.values(flags)).toEqual([['shared-device'], ['shared-device'], ['shared-device']]);
    });

    it('rejects a device id that is too long or not plain text', async () => {
      const { students, code } = await classroom(1);
      for (const deviceId of ['x'.repeat(65), 'has spaces', '', 42]) {
        const res = await t.http.post('/api/check-ins').set(students[0].auth).send({ code, deviceId }).expect(400);
        expect(res.body.details[0].field).toBe('deviceId');
      }
    });

    describe('in-room check: three verdicts under each of the three modes', () => {
      const room: GeoFix = { latitude: 38.7369, longitude: -9.1427, accuracy: 15 };
      const inRoom = north(room, 40, 20); // 40 m away, ±20 m: in range of 80 m
      const faraway = north(room, 2000, 30); // 2 km away: out of range

      async function run(mode: LocationMode) {
        const { teacher, students, session, code } = await classroom(3, { mode, radius: 80 });
        await t.http.post(`/api/sessions/${session.id}/location`).set(teacher.auth).send(room).expect(200);
        const [near, far, none] = students;
        const answers = [
          await t.http.post('/api/check-ins').set(near.auth).send({ code, location: inRoom }),
          await t.http.post('/api/check-ins').set(far.auth).send({ code, location: faraway }),
          await t.http.post('/api/check-ins').set(none.auth).send({ code }),
        ];
        const stored: { student_id: string; location_verdict: string | null; flags: string[] }[] =
          await t.dataSource.query(
            `SELECT student_id, location_verdict, flags FROM attendance_records WHERE session_id = $1`,
            [session.id],
          );
        const rec = (s: Actor) => stored.find((r) => r.student_id === s.id);
        return { teacher, session, code, near, far, none, answers, rec };
      }

      it('off: nobody is checked, nothing is stored', async () => {
        const r = await run(LocationMode.Off);
        expect(r.answers.map((a) => a.status)).toEqual([201, 201, 201]);
        for (const s of [r.near, r.far, r.none]) expect(r.rec(s)).toMatchObject({ location_verdict: null, flags: [] });
      });

      it('flag: out-of-range and unknown are flagged for review, all are accepted', async () => {
        const r = await run(LocationMode.Flag);
        expect(r.answers.map((a) => a.status)).toEqual([201, 201, 201]);
        expect(r.rec(r.near)).toMatchObject({ location_verdict: 'in-range', flags: [] });
        expect(r.rec(r.far)).toMatchObject({ location_verdict: 'out-of-range', flags: ['location-out-of-range'] });
        expect(r.rec(r.none)).toMatchObject({ location_verdict: 'unknown', flags: ['location-unknown'] });
        expect(await rosterFlags(r.teacher, r.session.id)).toEqual({
          [r.near.id]: [],
          [r.far.id]: ['location-out-of-range'],
          [r.none.id]: ['location-unknown'],
        });
      });

      it('require: out-of-range is refused with 403 (not a wrong code), unknown is accepted and flagged', async () => {
        const r = await run(LocationMode.Require);
        expect(r.answers.map((a) => a.status)).toEqual([201, 403, 201]);
        expect(r.answers[1].body).toMatchObject({ statusCode: 403, code: 'attendance/out-of-range' });
        expect(r.rec(r.near)).toMatchObject({ location_verdict: 'in-range', flags: [] });
        expect(r.rec(r.far)).toBeUndefined();
        expect(r.rec(r.none)).toMatchObject({ location_verdict: 'unknown', flags: ['location-unknown'] });
        // Not counted as wrong codes: after 6 refusals (the limit is 5) the student still checks in from the room.
        for (let i = 0; i < 5; i++)
          await t.http.post('/api/check-ins').set(r.far.auth).send({ code: r.code, location: faraway }).expect(403);
        await t.http.post('/api/check-ins').set(r.far.auth).send({ code: r.code, location: inRoom }).expect(201);
      });

      it('decides unknown when the room location is not set, or a reading is too imprecise', async () => {
        const { teacher, students, session, code } = await classroom(2, { mode: LocationMode.Require });
        await t.http.post('/api/check-ins').set(students[0].auth).send({ code, location: inRoom }).expect(201);
        await t.http.post(`/api/sessions/${session.id}/location`).set(teacher.auth).send(room).expect(200);
        await t.http
          .post('/api/check-ins')
          .set(students[1].auth)
          .send({ code, location: north(room, 30, 900) })
          .expect(201);
        expect(Object.values(await rosterFlags(teacher, session.id))).toEqual([
          ['location-unknown'],
          ['location-unknown'],
        ]);
      });

      it('computes the same distances, verdicts and flags in SQL as in TypeScript', async () => {
        // A deterministic spread of positions around the room, accuracies and radii (including the edges).
        let seed = 7;
        const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
        const cases: { s: GeoFix | null; a: GeoFix | null; radius: number }[] = [];
        for (let i = 0; i < 300; i++) {
          const radius = 20 + Math.floor(rand() * 481);
          const s = north({ ...room, longitude: room.longitude + (rand() - 0.5) * 0.01 }, rand() * 1500, rand() * 600);
          const a = { ...room, accuracy: rand() * 150 };
          cases.push({ s: i % 37 === 0 ? null : s, a: i % 41 === 0 ? null : a, radius });
        }
        const rows: { verdict: string; distance: number | null }[] = await t.dataSource.query(
          `SELECT attendance_location_verdict(c.s_lat, c.s_lon, c.s_acc, c.a_lat, c.a_lon, c.a_acc, c.radius) AS verdict,
                  attendance_distance_m(c.s_lat, c.s_lon, c.a_lat, c.a_lon) AS distance
             FROM unnest($1::float8[], $2::float8[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::float8[])
                  WITH ORDINALITY AS c(s_lat, s_lon, s_acc, a_lat, a_lon, a_acc, radius, n)
            ORDER BY c.n`,
          [
            cases.map((c) => c.s?.latitude ?? null),
            cases.map((c) => c.s?.longitude ?? null),
            cases.map((c) => c.s?.accuracy ?? null),
            cases.map((c) => c.a?.latitude ?? null),
            cases.map((c) => c.a?.longitude ?? null),
            cases.map((c) => c.a?.accuracy ?? null),
            cases.map((c) => c.radius),
          ],
        );
        const verdicts = new Set<string>();
        cases.forEach((c, i) => {
          expect(rows[i].verdict).toBe(locationVerdict(c.s, c.a, c.radius));
          verdicts.add(rows[i].verdict);
          if (c.s && c.a) expect(rows[i].distance).toBeCloseTo(distanceMeters(c.s, c.a), 6);
        });
        expect([...verdicts].sort()).toEqual(['in-range', 'out-of-range', 'unknown']);

        const modes = Object.values(LocationMode);
        const all = Object.values(LocationVerdict);
        const flags: { mode: string; verdict: string; flags: string[] }[] = await t.dataSource.query(
          `SELECT m AS mode, v AS verdict, attendance_location_flags(m, v) AS flags FROM unnest($1::varchar[]) m, unnest($2::varchar[]) v`,
          [modes, all],
        );
        for (const f of flags)
          expect(f.flags).toEqual(locationOutcome(f.mode as LocationMode, f.verdict as LocationVerdict).flags);
        expect(flags).toHaveLength(9);
      });
    });
  });

  it('keeps no student coordinates in the database, the log or the events', async () => {
    // Distinctive values, so that any copy of them is found.
    const student = { latitude: 38.73611733, longitude: -9.14259171, accuracy: 17.4321 };
    const room = { latitude: 38.7362, longitude: -9.1426, accuracy: 12 };
    const needles = ['38.736117', '9.142591', '17.4321', '3873611', '914259'];
    let log = '';
    // Nest's own log lines go through process.stdout/stderr; the request log (pino) to the stream given to the app.
    const capture = (stream: NodeJS.WriteStream) =>
      jest.spyOn(stream, 'write').mockImplementation(((chunk: string | Uint8Array) => {
        log += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
        return true;
      }) as typeof stream.write);
    const spies = [capture(process.stdout), capture(process.stderr)];
    // The most talkative log there is: every request and every log line at trace level.
    const db = await cloneTestDatabase(bootOnly);
    const app = await createApp(testConfig({ ...db.env, LOG_LEVEL: 'trace' }), {
      logStream: { write: (line) => void (log += line) },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const t = {
      app,
      config: testConfig(db.env),
      http: request(app.getHttpServer()),
      dataSource: app.get(DataSource),
      url: (await app.getUrl()).replace('[::1]', '127.0.0.1'),
    } as unknown as TestApp;
    try {
      const teacher = await actor(t, 'teacher');
      const students = [await actor(t, 'student'), await actor(t, 'student'), await actor(t, 'student')];
      const course = await createCourse(t, { teacherIds: [teacher.id], studentIds: students.map((s) => s.id) });
      await policy(t, course.id, { mode: LocationMode.Flag, radius: 80 });
      const session = await createSession(t, course.id);
      const code = (await t.http.post(`/api/sessions/${session.id}/codes`).set(teacher.auth).send({ mode: 'fixed' }))
        .body.code as string;
      await t.http.post(`/api/sessions/${session.id}/location`).set(teacher.auth).send(room).expect(200);
      const socket = await connectSocket(t.url, teacher.token);
      await watch(socket, session.id);
      const events: unknown[] = [];
      socket.onAny((_event, payload) => events.push(payload));

      await t.http.post('/api/check-ins').set(students[0].auth).send({ code, location: student }).expect(201);
      // Far away (flagged), and a rejected body (the 400 must not echo the values either).
      await t.http
        .post('/api/check-ins')
        .set(students[1].auth)
        .send({ code, location: { ...student, latitude: student.latitude + 0.5 } })
        .expect(201);
      await t.http
        .post('/api/check-ins')
        .set(students[2].auth)
        .send({ code, location: { ...student, latitude: 91.73611733 } })
        .expect(400);
      await new Promise((r) => setTimeout(r, 300));
      socket.close();

      expect(log).toContain('/api/check-ins'); // the request log is on
      const dump = await databaseDump(t);
      expect(dump).toContain('in-range'); // the verdict is stored
      expect(dump).toContain('38.7362'); // the room's anchor is, until the session closes
      for (const needle of needles) {
        expect(dump).not.toContain(needle);
        expect(log).not.toContain(needle);
        expect(JSON.stringify(events)).not.toContain(needle);
      }
      await t.http.post(`/api/sessions/${session.id}/close`).set(teacher.auth).expect(200);
      expect(await databaseDump(t)).not.toContain('38.7362');
    } finally {
      await app.close();
      for (const s of spies) s.mockRestore();
      await db.drop();
    }
  });
});

/** Every row of every table as JSON text: what a logical dump of the database holds. */
async function databaseDump(t: { dataSource: DataSource }): Promise<string> {
  const tables: { table_name: string }[] = await t.dataSource.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
  );
  let out = '';
  for (const { table_name } of tables) {
    const rows: { j: string }[] = await t.dataSource.query(`SELECT row_to_json(x)::text AS j FROM "${table_name}" x`);
    out += `${table_name}\n${rows.map((r) => r.j).join('\n')}\n`;
  }
  return out;
}
