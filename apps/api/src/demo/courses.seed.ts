import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { expandWeeklySeries, type PlannedSlot } from '../modules/sessions/series.js';
import type { SeedContext } from './demo-school.js';

interface DemoCourse {
  code: string;
  name: string;
  description: string;
  timezone: string;
  joinCode: string;
  teachers: string[];
  students: string[];
  weekdays: number[];
  startTime: string;
  endTime: string;
  room: string;
}

/**
 * Two demo courses (SPEC §6) with their teachers, students and a term of weekly sessions from six weeks ago to six
 * weeks ahead, plus one CS101 session open right now (started 10 minutes ago, ends in 80). Past sessions stay
 * `scheduled` here: the attendance step closes them and writes their history.
 */
export async function seedCourses({ m, now, userIds, studentEmails }: SeedContext): Promise<void> {
  const courses: DemoCourse[] = [
    {
      code: 'CS101',
      name: 'Introduction to Programming',
      description: 'Variables, control flow, functions and data structures, with weekly lab work.',
      timezone: 'Europe/Lisbon',
      joinCode: 'PRGCS234',
      teachers: ['teacher@example.com'],
      students: studentEmails,
      weekdays: [1, 3],
      startTime: '09:00',
      endTime: '10:30',
      room: 'Room 1.07',
    },
    {
      code: 'MATH201',
      name: 'Linear Algebra',
      description: 'Vector spaces, linear maps, matrices, determinants and eigenvalues.',
      timezone: 'Europe/Lisbon',
      joinCode: 'MATHS789',
      teachers: ['teacher2@example.com', 'teacher@example.com'],
      students: studentEmails.slice(0, 15),
      weekdays: [2, 4],
      startTime: '14:00',
      endTime: '15:30',
      room: 'Room 2.14',
    },
  ];
  const id = (email: string) => {
    const v = userIds.get(email);
    if (!v) throw new Error(`demo seed: no user ${email}`);
    return v;
  };
  for (const c of courses) {
    const [{ id: courseId }]: { id: string }[] = await m.query(
      `INSERT INTO courses (code, name, description, timezone, join_code) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [c.code, c.name, c.description, c.timezone, c.joinCode],
    );
    await m.query(`INSERT INTO course_teachers (course_id, teacher_id) SELECT $1, unnest($2::uuid[])`, [
      courseId,
      c.teachers.map(id),
    ]);
    await m.query(
      `INSERT INTO enrollments (course_id, student_id, source, enrolled_at) SELECT $1, unnest($2::uuid[]), 'admin', $3`,
      [courseId, c.students.map(id), DateTime.fromJSDate(now).minus({ weeks: 7 }).toJSDate()],
    );
    const today = DateTime.fromJSDate(now, { zone: c.timezone }).startOf('day');
    const series = expandWeeklySeries(
      {
        weekdays: c.weekdays,
        startTime: c.startTime,
        endTime: c.endTime,
        from: today.minus({ weeks: 6 }).toISODate()!,
        to: today.plus({ weeks: 6 }).toISODate()!,
      },
      c.timezone,
    );
    if (!('slots' in series)) throw new Error(`demo seed: ${series.problem.reason}`);
    await insertSessions(m, courseId, randomUUID(), series.slots, 'Lecture', c.room);
    if (c.code === 'CS101') {
      const open = { startsAt: new Date(now.getTime() - 10 * 60_000), endsAt: new Date(now.getTime() + 80 * 60_000) };
      await insertSessions(m, courseId, null, [open], 'Live lecture (demo)', 'Room 1.07');
    }
  }
}

async function insertSessions(
  m: SeedContext['m'],
  courseId: string,
  seriesId: string | null,
  slots: PlannedSlot[],
  title: string,
  room: string,
) {
  await m.query(
    `INSERT INTO class_sessions (course_id, series_id, title, room, starts_at, ends_at)
     SELECT $1, $2, $3, $4, t.s, t.e FROM unnest($5::timestamptz[], $6::timestamptz[]) AS t(s, e)`,
    [
      courseId,
      seriesId,
      title,
      room,
      slots.map((s) => s.startsAt.toISOString()),
      slots.map((s) => s.endsAt.toISOString()),
    ],
  );
}
