import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { isEmail } from 'class-validator';
import { USER_ROLES, type UserRole } from '@sysponto/contracts';
import { toCsv } from '../reports/exports.service.js';

export const IMPORT_MAX_BYTES = 2 * 1024 * 1024;
export const IMPORT_MAX_ROWS = 5000;
const STUDENT_NUMBER = /^[A-Za-z0-9._-]{1,32}$/;
const COURSE_CODE = /^[A-Z0-9][A-Z0-9._-]{0,19}$/;

/** Header names, compared without case, spaces, dashes or underscores ("Full name" = "full_name" = "fullName"). */
export const IMPORT_COLUMNS = {
  email: 'email',
  fullname: 'fullName',
  role: 'role',
  studentnumber: 'studentNumber',
  courses: 'courses',
} as const;
type Column = (typeof IMPORT_COLUMNS)[keyof typeof IMPORT_COLUMNS];
const REQUIRED: Column[] = ['email', 'fullName', 'role', 'studentNumber'];

export interface RawRow {
  line: number;
  values: Partial<Record<Column, string>>;
  /** The number of fields when it differs from the header's. */
  fieldCount?: number;
}

export interface RowError {
  field: string;
  reason: string;
}

export interface CheckedRow {
  line: number;
  email: string;
  fullName: string;
  role: string;
  studentNumber: string | null;
  courses: string[];
  errors: RowError[];
}

export class CsvLimitError extends Error {
  constructor(readonly kind: 'bytes' | 'rows') {
    super(kind);
  }
}

export class CsvHeaderError extends Error {
  constructor(readonly details: { missing: string[]; unknown: string[]; duplicate: string[] }) {
    super('bad header');
  }
}

/** Passes bytes through and fails once more than `max` went by (the upload is never held whole in memory twice). */
function byteLimit(max: number, onLimit: (err: CsvLimitError) => void) {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
      seen += chunk.length;
      if (seen > max) {
        const err = new CsvLimitError('bytes');
        onLimit(err);
        cb(err);
      } else cb(null, chunk);
    },
  });
}

export function normalizeHeader(name: string): string {
  return name.toLowerCase().replace(/[\s_-]+/g, '');
}

/** Streams the CSV through csv-parse: checks the header, maps each record to named values with its line number. */
export async function readUsersCsv(
  source: Readable,
  limits = { bytes: IMPORT_MAX_BYTES, rows: IMPORT_MAX_ROWS },
): Promise<{ rows: RawRow[]; columnCount: number }> {
  const rows: RawRow[] = [];
  let columns: (Column | null)[] | null = null;
  const parser = parse({
    bom: true,
    skip_empty_lines: true,
    trim: true,
    relax_column_count: true,
    info: true,
    max_record_size: 64 * 1024,
  });
  // pipeline() reports an AbortError when the last stage throws: keep the first real cause to rethrow it.
  let cause: unknown;
  const limiter = byteLimit(limits.bytes, (err) => (cause ??= err));
  try {
    await pipeline(
      source,
      limiter,
      parser,
      async (records: AsyncIterable<{ record: string[]; info: { lines: number } }>) => {
        try {
          for await (const { record, info } of records) {
            if (!columns) {
              columns = checkHeader(record);
              continue;
            }
            if (record.every((v) => v === '')) continue;
            if (rows.length >= limits.rows) throw new CsvLimitError('rows');
            const values: RawRow['values'] = {};
            columns.forEach((c, i) => {
              if (c) values[c] = record[i] ?? '';
            });
            rows.push({
              line: info.lines,
              values,
              ...(record.length !== columns.length ? { fieldCount: record.length } : {}),
            });
          }
        } catch (err) {
          cause ??= err;
          throw err;
        }
      },
    );
  } catch (err) {
    throw cause ?? err;
  }
  const header = columns as (Column | null)[] | null;
  if (!header) throw new CsvHeaderError({ missing: REQUIRED.map(label), unknown: [], duplicate: [] });
  return { rows, columnCount: header.length };
}

function label(c: Column): string {
  return c === 'fullName' ? 'full name' : c === 'studentNumber' ? 'student number' : c;
}

/**
 * The `error` column of a rejected-rows file (`rejectedRowsCsv`) is read and ignored, so the admin can fix that file
 * and import it as it is.
 */
const IGNORED_COLUMNS = new Set(['error']);

function checkHeader(record: string[]): (Column | null)[] {
  const known = IMPORT_COLUMNS as Record<string, Column>;
  const cols = record.map((h) => known[normalizeHeader(h)] ?? null);
  const unknown = record.filter((h, i) => !cols[i] && !IGNORED_COLUMNS.has(normalizeHeader(h)));
  const duplicate = record.filter((_h, i) => cols[i] && cols.indexOf(cols[i]) !== i);
  const missing = REQUIRED.filter((c) => !cols.includes(c)).map(label);
  if (unknown.length || duplicate.length || missing.length) throw new CsvHeaderError({ missing, unknown, duplicate });
  return cols;
}

export interface ExistingData {
  /** Lower-cased emails that already exist. */
  emails: Set<string>;
  studentNumbers: Set<string>;
  /** Known course codes (upper case). */
  courseCodes: Set<string>;
}

/** Normalizes each row and lists every problem, including duplicates inside the file and clashes with existing users. */
export function checkRows(rows: RawRow[], existing: ExistingData, columnCount: number): CheckedRow[] {
  const emailLines = new Map<string, number>();
  const numberLines = new Map<string, number>();
  return rows.map((r) => {
    const errors: RowError[] = [];
    const email = (r.values.email ?? '').toLowerCase();
    const fullName = r.values.fullName ?? '';
    const role = (r.values.role ?? '').toLowerCase();
    const studentNumber = r.values.studentNumber || null;
    const courses = [
      ...new Set(
        (r.values.courses ?? '')
          .split(';')
          .map((c) => c.trim().toUpperCase())
          .filter(Boolean),
      ),
    ];
    if (r.fieldCount !== undefined)
      errors.push({ field: 'row', reason: `has ${r.fieldCount} fields, the header has ${columnCount}` });
    if (!email) errors.push({ field: 'email', reason: 'is required' });
    else if (email.length > 254 || !isEmail(email))
      errors.push({ field: 'email', reason: 'is not a valid email address' });
    else if (emailLines.has(email))
      errors.push({ field: 'email', reason: `appears twice in the file (also on line ${emailLines.get(email)})` });
    else if (existing.emails.has(email))
      errors.push({ field: 'email', reason: 'a user with this email already exists' });
    if (email && !emailLines.has(email)) emailLines.set(email, r.line);
    if (!fullName) errors.push({ field: 'full name', reason: 'is required' });
    else if (fullName.length > 120) errors.push({ field: 'full name', reason: 'is longer than 120 characters' });
    if (!(USER_ROLES as string[]).includes(role))
      errors.push({ field: 'role', reason: `must be one of ${USER_ROLES.join(', ')}` });
    if (studentNumber) {
      if (!STUDENT_NUMBER.test(studentNumber))
        errors.push({ field: 'student number', reason: 'must be 1-32 letters, digits, dots, dashes or underscores' });
      else if (numberLines.has(studentNumber))
        errors.push({
          field: 'student number',
          reason: `appears twice in the file (also on line ${numberLines.get(studentNumber)})`,
        });
      else if (existing.studentNumbers.has(studentNumber))
        errors.push({ field: 'student number', reason: 'another user has this student number' });
      if (!numberLines.has(studentNumber)) numberLines.set(studentNumber, r.line);
    }
    if (courses.length) {
      if (role && role !== 'student') errors.push({ field: 'courses', reason: 'only students can be enrolled' });
      const unknown = courses.filter((c) => !COURSE_CODE.test(c) || !existing.courseCodes.has(c));
      if (unknown.length) errors.push({ field: 'courses', reason: `unknown course ${unknown.join(', ')}` });
    }
    return { line: r.line, email, fullName, role: role as UserRole, studentNumber, courses, errors };
  });
}

/**
 * The rejected rows as a CSV the admin can download, fix and import again: the import's columns as read (normalised)
 * and `error`, each of the row's problems as "field: reason", separated by "; ". Null when every row is valid.
 */
export function rejectedRowsCsv(rows: CheckedRow[]): string | null {
  const rejected = rows.filter((r) => r.errors.length);
  if (!rejected.length) return null;
  return toCsv([
    ['email', 'full name', 'role', 'student number', 'courses', 'error'],
    ...rejected.map((r) => [
      r.email,
      r.fullName,
      r.role,
      r.studentNumber,
      r.courses.join(';'),
      r.errors.map((e) => `${e.field}: ${e.reason}`).join('; '),
    ]),
  ]).toString('utf8');
}
