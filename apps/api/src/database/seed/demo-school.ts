import type { EntityManager } from 'typeorm';

const FIRST = ['Ana', 'Bruno', 'Carla', 'Diogo', 'Eva', 'Filipe', 'Graça', 'Hugo', 'Inês', 'João', 'Kátia', 'Luís', 'Marta', 'Nuno', 'Olga', 'Pedro', 'Quitéria', 'Rui', 'Sofia', 'Tiago', 'Úrsula', 'Vasco', 'Wanda', 'Xavier', 'Yara', 'Zé', 'Beatriz', 'Carlos', 'Daniela', 'Eduardo'];
const LAST = ['Silva', 'Santos', 'Ferreira', 'Pereira', 'Oliveira', 'Costa', 'Rodrigues', 'Martins', 'Sousa', 'Fernandes'];

/**
 * The demo school (SPEC §6). One function, extended by each feature's data, run in one transaction.
 * `now` anchors the term so a fresh start always has a session open now.
 */
export async function seedDemoSchool(m: EntityManager, passwordHash: string, now: Date): Promise<void> {
  void now;
  const users: [string, string, string, string | null][] = [
    ['admin@example.com', 'Alice Admin', 'admin', null],
    ['teacher@example.com', 'Tomás Teacher', 'teacher', null],
    ['teacher2@example.com', 'Teresa Tavares', 'teacher', null],
    ['student@example.com', 'Sara Student', 'student', 'S0001'],
  ];
  for (let i = 0; i < 30; i++) {
    users.push([`student${i + 2}@example.com`, `${FIRST[i]} ${LAST[i % LAST.length]}`, 'student', `S${String(i + 2).padStart(4, '0')}`]);
  }
  await m.query(
    `INSERT INTO users (email, full_name, role, password_hash, student_number)
     SELECT e, n, r, $5, s FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(e, n, r, s)`,
    [users.map((u) => u[0]), users.map((u) => u[1]), users.map((u) => u[2]), users.map((u) => u[3]), passwordHash],
  );
}
