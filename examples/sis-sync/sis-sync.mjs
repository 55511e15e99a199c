#!/usr/bin/env node
// A school information system's sync with SysPonto, through @sysponto/client and an API key.
//
//   export SYSPONTO_URL=https://ponto.example.edu SYSPONTO_API_KEY=spk_…
//   node sis-sync.mjs pull [--state sync-state.json] [--out attendance.csv] [--course <courseId>]
//       appends every attendance change since the stored cursor to the CSV, then stores the new cursor
//       (key scope: attendance:read). Run it as often as you like: no change is missed or repeated.
//   node sis-sync.mjs push-roster --course <courseId> roster.csv
//       roster.csv has a header email,fullName,studentNumber: creates the students that do not exist yet and
//       enrolls them all in the course (scopes: users:read, users:write, courses:write). Every write carries an
//       Idempotency-Key derived from the row, so a rerun after a timeout or a crash never creates anything twice.
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { attendanceChanges, createClient, SysPontoError, unwrap } from '@sysponto/client';

const COLUMNS = [
  'id',
  'courseId',
  'sessionId',
  'studentId',
  'status',
  'source',
  'checkedInAt',
  'validatedAt',
  'updatedAt',
];

const csvCell = (v) => {
  const s = v == null ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

/** RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF) into rows of strings. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') ((cell += '"'), i++);
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') (row.push(cell), (cell = ''));
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      (row.push(cell), rows.push(row), (row = []), (cell = ''));
    } else cell += c;
  }
  if (cell || row.length) (row.push(cell), rows.push(row));
  return rows.filter((r) => r.some((v) => v.trim()));
}

const keyFor = (...parts) => createHash('sha256').update(parts.join('\u0000')).digest('base64url');

function client() {
  const baseUrl = process.env.SYSPONTO_URL;
  const apiKey = process.env.SYSPONTO_API_KEY;
  if (!baseUrl || !apiKey) throw new Error('Set SYSPONTO_URL and SYSPONTO_API_KEY.');
  return createClient({ baseUrl, apiKey, retries: 3 });
}

async function pull({ state = 'sync-state.json', out = 'attendance.csv', course }) {
  const sysponto = client();
  const saved = existsSync(state) ? JSON.parse(readFileSync(state, 'utf8')) : {};
  if (!existsSync(out)) writeFileSync(out, COLUMNS.join(',') + '\n');
  let count = 0;
  const query = {
    limit: 500,
    ...(saved.cursor ? { cursor: saved.cursor } : {}),
    ...(course ? { courseId: course } : {}),
  };
  for await (const page of attendanceChanges(sysponto, query)) {
    if (page.items.length)
      appendFileSync(out, page.items.map((r) => COLUMNS.map((c) => csvCell(r[c])).join(',')).join('\n') + '\n');
    count += page.items.length;
    // The cursor is stored only after the page is written: a crash in between repeats that page, never skips it.
    writeFileSync(`${state}.tmp`, JSON.stringify({ cursor: page.nextCursor, at: new Date().toISOString() }) + '\n');
    renameSync(`${state}.tmp`, state);
  }
  console.log(`pulled ${count} attendance changes into ${out}; cursor stored in ${state}`);
}

async function findStudent(sysponto, email) {
  const page = await unwrap(
    sysponto.GET('/api/users', { params: { query: { search: email, role: 'student', pageSize: 10 } } }),
  );
  return page.items.find((u) => u.email.toLowerCase() === email.toLowerCase());
}

async function pushRoster({ course }, file) {
  if (!course || !file) throw new Error('Usage: push-roster --course <courseId> roster.csv');
  const sysponto = client();
  const [header, ...rows] = parseCsv(readFileSync(file, 'utf8'));
  const col = (name) => header.findIndex((h) => h.trim().toLowerCase() === name.toLowerCase());
  const [iEmail, iName, iNumber] = [col('email'), col('fullName'), col('studentNumber')];
  if (iEmail < 0 || iName < 0) throw new Error('roster.csv needs the columns email,fullName[,studentNumber]');
  const ids = [];
  let created = 0;
  for (const row of rows) {
    const email = row[iEmail].trim();
    const fullName = row[iName].trim();
    const studentNumber = iNumber >= 0 ? row[iNumber]?.trim() : '';
    let student = await findStudent(sysponto, email);
    if (!student) {
      try {
        const result = await unwrap(
          sysponto.POST('/api/users', {
            body: { email, fullName, role: 'student', ...(studentNumber ? { studentNumber } : {}) },
            headers: { 'Idempotency-Key': `roster-user-${keyFor(email, fullName, studentNumber)}` },
          }),
        );
        student = result.user;
        created++;
      } catch (e) {
        // Made by an earlier run more than a day ago (its idempotency key expired) or by someone else meanwhile.
        if (!(e instanceof SysPontoError && e.code === 'users/email-taken')) throw e;
        student = await findStudent(sysponto, email);
        if (!student) throw new Error(`${email} exists but is not a student`);
      }
    }
    ids.push(student.id);
  }
  const call = sysponto.POST('/api/courses/{id}/enrollments', {
    params: { path: { id: course } },
    body: { studentIds: ids },
    headers: { 'Idempotency-Key': `roster-enroll-${keyFor(course, ...[...ids].sort())}` },
  });
  const result = await unwrap(call);
  // The same roster within 24 h: the server answers the first enrollment's result again and changes nothing.
  const replayed = (await call).response.headers.get('idempotent-replayed') === 'true';
  console.log(
    `roster: ${rows.length} students, ${created} created, ${result.added} enrolled, ` +
      `${result.alreadyEnrolled?.length ?? 0} already enrolled${replayed ? ' (enrollment replayed)' : ''}`,
  );
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { state: { type: 'string' }, out: { type: 'string' }, course: { type: 'string' } },
});
const [command, ...rest] = positionals;
try {
  if (command === 'pull') await pull(values);
  else if (command === 'push-roster') await pushRoster(values, rest[0]);
  else {
    console.error(
      'Usage: sis-sync.mjs pull [--state f] [--out f] [--course id] | push-roster --course <id> roster.csv',
    );
    process.exitCode = 2;
  }
} catch (e) {
  console.error(
    e instanceof SysPontoError ? `${e.status} ${e.code}: ${e.message}` : e instanceof Error ? e.message : e,
  );
  process.exitCode = 1;
}
