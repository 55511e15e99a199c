import type { EntityManager } from 'typeorm';
import { seedAttendance } from './attendance.seed.js';
import { seedCourses } from './courses.seed.js';
import { seedJustifications } from './justifications.seed.js';

const FIRST = [
  'Ana',
  'Bruno',
  'Carla',
  'Diogo',
  'Eva',
  'Filipe',
  'Graça',
  'Hugo',
  'Inês',
  'João',
  'Kátia',
  'Luís',
  'Marta',
  'Nuno',
  'Olga',
  'Pedro',
  'Quitéria',
  'Rui',
  'Sofia',
  'Tiago',
  'Úrsula',
  'Vasco',
  'Wanda',
  'Xavier',
  'Yara',
  'Zé',
  'Beatriz',
  'Carlos',
  'Daniela',
  'Eduardo',
];
const LAST = [
  'Silva',
  'Santos',
  'Ferreira',
  'Pereira',
  'Oliveira',
  'Costa',
  'Rodrigues',
  'Martins',
  'Sousa',
  'Fernandes',
];

/** What each feature's seed step gets: the transaction, the clock, and the demo users' ids by email. */
export interface SeedContext {
  m: EntityManager;
  now: Date;
  userIds: Map<string, string>;
  /** All demo student emails (student@example.com first). */
  studentEmails: string[];
}

/**
 * The demo school (SPEC §6), run in one transaction on an empty database. Each feature adds its own step
 * (a `<feature>.seed.ts` beside this file) to the list at the end. `now` anchors the term so a fresh start always
 * has a session open now.
 */
export async function seedDemoSchool(m: EntityManager, passwordHash: string, now: Date): Promise<void> {
  const users: [string, string, string, string | null][] = [
    ['admin@example.com', 'Alice Admin', 'admin', null],
    ['teacher@example.com', 'Tomás Teacher', 'teacher', null],
    ['teacher2@example.com', 'Teresa Tavares', 'teacher', null],
    ['student@example.com', 'Sara Student', 'student', 'S0001'],
  ];
  for (let i = 0; i < 30; i++) {
    users.push([
      `student${i + 2}@example.com`,
      `${FIRST[i]} ${LAST[i % LAST.length]}`,
      'student',
      `S${String(i + 2).padStart(4, '0')}`,
    ]);
  }
  await m.query(
    `INSERT INTO users (email, full_name, role, password_hash, student_number)
     SELECT e, n, r, $5, s FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(e, n, r, s)`,
    [users.map((u) => u[0]), users.map((u) => u[1]), users.map((u) => u[2]), users.map((u) => u[3]), passwordHash],
  );
  const rows: { id: string; email: string }[] = await m.query('SELECT id, email FROM users');
  const ctx: SeedContext = {
    m,
    now,
    userIds: new Map(rows.map((r) => [r.email, r.id])),
    studentEmails: users.filter((u) => u[2] === 'student').map((u) => u[0]),
  };
  // Feature steps, in dependency order.
  for (const step of SEED_STEPS) await step(ctx);
}

type SeedStep = (ctx: SeedContext) => Promise<void>;
// Justifications read the sessions and attendance written by the steps before them: keep them last.
const SEED_STEPS: SeedStep[] = [seedCourses, seedAttendance, seedJustifications];
