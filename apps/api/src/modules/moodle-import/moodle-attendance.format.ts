import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import type { AttendanceStatus } from '@sysponto/contracts';

/**
 * The export of Moodle's attendance activity (mod_attendance, export.php), as its teachers download it:
 *
 * - "Text format" (`<course>_Attendances_<date>.txt`): tab-separated, no quoting — `Course⇥<full name>`,
 *   `Group⇥<group>`, a blank line, then the table. A copy saved from a spreadsheet as CSV (comma or semicolon) reads
 *   the same way; so does the "Excel" export (.xlsx: the same rows in its first sheet, the table from row 4).
 * - The table's header: `Last name`, `First name`, `Groups` (courses with group mode), then the identity fields the
 *   teacher ticked under "Identify by" (`Student ID` — Moodle's internal user id —, `ID number`, `Email address`,
 *   `Username`, …), then one column per session headed `userdate(sessdate, '%d %b %Y %I.%M%p')` plus the session's
 *   group ("All students" for a common session) and optionally its description (`5 Oct 2026 9.00AM All students`),
 *   each followed by an untitled remarks column when remarks were included; then a count per status acronym,
 *   `Taken sessions`, `Points`, `Percentage`.
 * - A session cell holds the status's acronym with the points (`P (2/2)`); `?` when the session was not taken for
 *   the student, empty when it is not for their group, `-X` for a status since hidden, or an enrolment note
 *   ("Enrolment start 01.10.2026", then `←` for the following sessions) when the student was not enrolled.
 *
 * Header names are recognised in English and Portuguese, without case or accents. Times are read in the zone the
 * teacher's Moodle showed them in (the course's timezone unless the request names another).
 */

export interface SheetLine {
  /** 1-based line (text) or row (xlsx) in the file. */
  line: number;
  cells: string[];
}

export class MoodleFormatError extends Error {
  constructor(
    readonly kind: 'not-text' | 'no-header' | 'no-sessions' | 'no-identity' | 'too-large',
    message: string,
  ) {
    super(message);
  }
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** The file's lines as cells: an .xlsx workbook's first sheet, or delimited text (tab, comma or semicolon). */
export async function readSheet(file: Buffer, maxLines: number): Promise<SheetLine[]> {
  if (file.subarray(0, 4).equals(ZIP_MAGIC)) return readXlsx(file, maxLines);
  if (file.includes(0)) throw new MoodleFormatError('not-text', 'The file is neither text nor an .xlsx workbook.');
  let text = file.toString('utf8');
  // Moodle writes UTF-8; a copy saved from a spreadsheet on Windows may be in its ANSI code page (Latin-1).
  if (text.includes('\uFFFD')) text = file.toString('latin1');
  const delimiter = detectDelimiter(text);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      delimiter,
      // Moodle's text export writes tabs between raw values: a quote is just a character there.
      quote: delimiter === '\t' ? false : '"',
      relax_quotes: true,
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
      max_record_size: 256 * 1024,
      to_line: maxLines + 1,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (err) {
    throw new MoodleFormatError('not-text', `The file is not valid delimited text: ${(err as Error).message}`);
  }
  if (records.length > maxLines) throw new MoodleFormatError('too-large', `The file has more than ${maxLines} lines.`);
  return records.map((r) => ({ line: r.info.lines, cells: r.record.map((c) => c.trim()) }));
}

/** The delimiter of the header-ish lines: the character that splits the first lines into the most cells. */
export function detectDelimiter(text: string): string {
  const head = text.split(/\r?\n/, 12).join('\n');
  const count = (c: string) => head.split(c).length - 1;
  const [best] = ['\t', ';', ','].map((c) => [c, count(c)] as const).sort((a, b) => b[1] - a[1]);
  return best[1] > 0 ? best[0] : '\t';
}

async function readXlsx(file: Buffer, maxLines: number): Promise<SheetLine[]> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(file as unknown as ArrayBuffer);
  } catch {
    throw new MoodleFormatError('not-text', 'The file looks like a zip archive but is not a readable .xlsx workbook.');
  }
  const sheet = wb.worksheets[0];
  if (!sheet) throw new MoodleFormatError('no-header', 'The workbook has no sheet.');
  if (sheet.actualRowCount > maxLines)
    throw new MoodleFormatError('too-large', `The sheet has more than ${maxLines} rows.`);
  const out: SheetLine[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, n) => {
    const cells: string[] = [];
    for (let c = 1; c <= row.cellCount; c++) {
      const cell = row.getCell(c);
      // A merged remarks heading repeats its master's text: Moodle's text export leaves that heading empty.
      cells.push(cell.isMerged && cell.master !== cell ? '' : cell.text.trim());
    }
    out.push({ line: n, cells });
  });
  return out;
}

/** Lower case, no accents, single spaces: "Endereço de e-mail" → "endereco de e-mail". */
function norm(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

type Identity = 'lastName' | 'firstName' | 'groups' | 'email' | 'idNumber' | 'username' | 'moodleId';
const IDENTITY_HEADERS: Record<string, Identity> = {
  'last name': 'lastName',
  surname: 'lastName',
  apelido: 'lastName',
  sobrenome: 'lastName',
  'first name': 'firstName',
  nome: 'firstName',
  'nome proprio': 'firstName',
  groups: 'groups',
  grupos: 'groups',
  'email address': 'email',
  email: 'email',
  'e-mail': 'email',
  'endereco de e-mail': 'email',
  'endereco de email': 'email',
  'id number': 'idNumber',
  idnumber: 'idNumber',
  'numero de identificacao': 'idNumber',
  'numero de id': 'idNumber',
  username: 'username',
  'nome de utilizador': 'username',
  'nome de usuario': 'username',
  'student id': 'moodleId',
  'id do estudante': 'moodleId',
  'id do aluno': 'moodleId',
};
/** The name of a session shared by every group ("commonsession"), left out of the imported title. */
const COMMON_SESSION = ['all students', 'todos os alunos', 'todos os estudantes', 'todos'];
const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, fev: 2, mar: 3, apr: 4, abr: 4, may: 5, mai: 5, jun: 6, jul: 7, aug: 8, ago: 8,
  sep: 9, sept: 9, set: 9, oct: 10, out: 10, nov: 11, dec: 12, dez: 12,
}; // prettier-ignore
/** `5 Oct 2026 9.00AM All students` (Moodle's strftimedmyhm, day and hour without leading zeros), 24 h too. */
const SESSION_HEADER =
  /^(\d{1,2})\s+([\p{L}]{3,5})\.?\s+(\d{4}),?\s+(\d{1,2})[.:h](\d{2})\s*([ap]\.?\s?m\.?)?(?:\s+(.*))?$/iu;

export interface ParsedSessionColumn {
  /** The session column's index in the table. */
  column: number;
  /** Its remarks column (the untitled one right after it), if any. */
  remarksColumn: number | null;
  header: string;
  startsAt: Date;
  /** What follows the time: the session's group (unless common) and description. */
  title: string | null;
}

export interface ParsedCell {
  session: number;
  /** The cell as written ("P (2/2)"). */
  value: string;
  acronym: string;
  remark: string | null;
}

export interface ParsedRow {
  line: number;
  lastName: string;
  firstName: string;
  email: string | null;
  idNumber: string | null;
  cells: ParsedCell[];
}

export interface ParsedExport {
  /** The `Course` and `Group` lines above the table, when present. */
  course: string | null;
  group: string | null;
  headerLine: number;
  sessions: ParsedSessionColumn[];
  rows: ParsedRow[];
  /** Problems of the file as a whole: headers that look like a session but cannot be read. */
  problems: { line: number; field: string; reason: string }[];
}

/** A session header's start in `zone`, and the rest of the text; null when it is not a session header. */
export function parseSessionHeader(header: string, zone: string): { startsAt: Date; rest: string } | null {
  const m = SESSION_HEADER.exec(header.trim());
  if (!m) return null;
  const [, d, mon, y, h, min, ampm, rest] = m;
  const month = MONTHS[norm(mon)];
  if (!month) return null;
  let hour = Number(h);
  if (ampm) {
    if (hour < 1 || hour > 12) return null;
    const pm = /^p/i.test(ampm);
    hour = (hour % 12) + (pm ? 12 : 0);
  }
  const t = DateTime.fromObject({ year: Number(y), month, day: Number(d), hour, minute: Number(min) }, { zone });
  if (!t.isValid) return null;
  return { startsAt: t.toJSDate(), rest: (rest ?? '').trim() };
}

function sessionTitle(rest: string): string | null {
  let t = rest;
  const n = norm(t);
  for (const c of COMMON_SESSION) {
    if (n === c || n.startsWith(`${c} `)) {
      t = t.slice(c.length).trim();
      break;
    }
  }
  return t ? t.slice(0, 200) : null;
}

/** A session cell's status acronym: `P (2/2)` → P, `-X` (a hidden status) → X; null when there is no status. */
export function cellAcronym(value: string): string | null {
  const v = value.trim();
  if (!v || v === '?' || v === '←') return null;
  const m = /^-?([^\s()]{1,10})(?:\s*\([^)]*\))?$/u.exec(v);
  // Anything else is Moodle's enrolment note ("Enrolment start 01.10.2026"): no session for the student.
  return m ? m[1].toUpperCase() : null;
}

/** Finds the table, its identity and session columns, and every student row. */
export function parseMoodleExport(lines: SheetLine[], zone: string): ParsedExport {
  let course: string | null = null;
  let group: string | null = null;
  const headerAt = lines.findIndex((l) => l.cells.some((c) => IDENTITY_HEADERS[norm(c)] === 'lastName'));
  if (headerAt < 0 || headerAt > 10)
    throw new MoodleFormatError(
      'no-header',
      'No table header found: the file must be Moodle attendance\'s export, with a "Last name" column.',
    );
  for (const l of lines.slice(0, headerAt)) {
    const key = norm(l.cells[0] ?? '');
    if (key === 'course' || key === 'disciplina' || key === 'curso') course = l.cells[1] || null;
    if (key === 'group' || key === 'grupo') group = l.cells[1] || null;
  }
  const header = lines[headerAt];
  const identity = new Map<Identity, number>();
  const sessions: ParsedSessionColumn[] = [];
  const problems: ParsedExport['problems'] = [];
  header.cells.forEach((raw, i) => {
    const id = IDENTITY_HEADERS[norm(raw)];
    if (id) {
      if (!identity.has(id)) identity.set(id, i);
      return;
    }
    if (raw === '') {
      const last = sessions.at(-1);
      if (last && last.column === i - 1) last.remarksColumn = i;
      return;
    }
    const s = parseSessionHeader(raw, zone);
    if (s) {
      sessions.push({ column: i, remarksColumn: null, header: raw, startsAt: s.startsAt, title: sessionTitle(s.rest) });
    } else if (/^\d{1,2}\s+\p{L}/u.test(raw)) {
      problems.push({
        line: header.line,
        field: raw,
        reason: 'looks like a session but its date and time cannot be read',
      });
    }
    // Anything else is a summary column (status counts, Taken sessions, Points, Percentage): not imported.
  });
  if (!sessions.length && !problems.length)
    throw new MoodleFormatError('no-sessions', 'The table has no session columns ("5 Oct 2026 9.00AM All students").');
  if (!identity.has('email') && !identity.has('idNumber'))
    throw new MoodleFormatError(
      'no-identity',
      'Students are matched by email or ID number: export again with "Email address" or "ID number" ticked under "Identify by".',
    );
  const col = (cells: string[], id: Identity) => {
    const i = identity.get(id);
    return i === undefined ? '' : (cells[i] ?? '').trim();
  };
  const rows: ParsedRow[] = [];
  for (const l of lines.slice(headerAt + 1)) {
    if (l.cells.every((c) => !c)) continue;
    const cells: ParsedCell[] = [];
    sessions.forEach((s, k) => {
      const value = (l.cells[s.column] ?? '').trim();
      const acronym = cellAcronym(value);
      if (!acronym) return;
      const remark = s.remarksColumn === null ? '' : (l.cells[s.remarksColumn] ?? '').trim();
      cells.push({ session: k, value, acronym, remark: remark ? remark.slice(0, 500) : null });
    });
    rows.push({
      line: l.line,
      lastName: col(l.cells, 'lastName'),
      firstName: col(l.cells, 'firstName'),
      email: col(l.cells, 'email') || null,
      idNumber: col(l.cells, 'idNumber') || null,
      cells,
    });
  }
  return { course, group, headerLine: header.line, sessions, rows, problems };
}

/** Moodle's default statuses (Present 2 points, Late 1, Excused 1, Absent 0). */
export const DEFAULT_MAPPING: Record<string, AttendanceStatus> = {
  P: 'present',
  L: 'late',
  E: 'excused',
  A: 'absent',
};
export const MAPPABLE_STATUSES = ['present', 'late', 'excused', 'absent'] as const;

/**
 * `P=present,L=late,E=excused,A=absent` (what the request's `mapping` holds) → a map of upper-case acronyms; the
 * defaults stay for acronyms it does not name. null when a pair is malformed or names another status.
 */
export function parseMapping(value: string | undefined): Record<string, AttendanceStatus> | null {
  const out: Record<string, AttendanceStatus> = { ...DEFAULT_MAPPING };
  if (!value?.trim()) return out;
  for (const pair of value.split(',')) {
    const m = /^\s*([^\s=,]{1,10})\s*[=:]\s*([a-z]+)\s*$/i.exec(pair);
    if (!m || !(MAPPABLE_STATUSES as readonly string[]).includes(m[2].toLowerCase())) return null;
    out[m[1].toUpperCase()] = m[2].toLowerCase() as AttendanceStatus;
  }
  return out;
}
