import { flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { setAccessToken } from '@/api/http';
import type { MoodleReport } from '@/composables/use-moodle-import';
import { i18n } from '@/i18n';
import { fakeFetch, page } from '@/test/fake-fetch';
import { mountPage } from '@/test/mount';
import MoodleImportView from './MoodleImportView.vue';

const COURSE = '22222222-2222-4222-8222-222222222222';
const course = { id: COURSE, code: 'CS101', name: 'Programming', timezone: 'Europe/Lisbon' };

const report = (over: Partial<MoodleReport> = {}): MoodleReport => ({
  dryRun: true,
  imported: false,
  fileCourse: 'CS101 Introduction to Programming',
  fileGroup: 'All participants',
  timezone: 'Europe/Lisbon',
  mapping: [{ acronym: 'P', status: 'present' }],
  totalRows: 2,
  validRows: 1,
  invalidRows: 1,
  sessionsToCreate: 1,
  recordsToCreate: 1,
  byStatus: { present: 1, late: 0, excused: 0, absent: 0 },
  enrollmentsBackdated: 1,
  problems: [{ line: 6, field: 'student', reason: 'no SysPonto user has this email or ID number (student number)' }],
  sessions: [
    {
      header: '6 Oct 2025 9.00AM All students',
      startsAt: '2025-10-06T08:00:00.000Z',
      endsAt: '2025-10-06T09:00:00.000Z',
      title: null,
      records: 1,
      skipped: false,
      problems: [],
    },
  ],
  rows: [
    {
      line: 5,
      lastName: 'Silva',
      firstName: 'Ana',
      email: 'ana@school.test',
      idNumber: null,
      studentId: '33333333-3333-4333-8333-333333333333',
      fullName: 'Ana Silva',
      records: 1,
      problems: [],
    },
    {
      line: 6,
      lastName: 'Nobody',
      firstName: 'X',
      email: 'nobody@school.test',
      idNumber: null,
      studentId: null,
      fullName: null,
      records: 0,
      problems: [{ field: 'student', reason: 'no SysPonto user has this email or ID number (student number)' }],
    },
  ],
  ...over,
});

async function pickFile(w: Awaited<ReturnType<typeof mountPage>>['wrapper'], text: string) {
  const input = w.find('[data-testid="moodle-file"]');
  const file = new File([text], 'CS101_Attendances.txt', { type: 'text/plain' });
  Object.defineProperty(input.element, 'files', { value: [file], configurable: true });
  await input.trigger('change');
}

describe('MoodleImportView', () => {
  afterEach(() => {
    setAccessToken(null);
    document.body.innerHTML = '';
  });

  it('previews with a dry run and the edited mapping, shows each problem and imports only a clean file', async () => {
    setAccessToken('tok');
    const clean = report({ problems: [], validRows: 2, invalidRows: 0, rows: [report().rows[0]!] });
    const network = fakeFetch({
      'GET /api/courses': { status: 200, body: page([course]) },
      [`POST /api/courses/${COURSE}/import/moodle-attendance`]: [
        { status: 200, body: report() },
        { status: 200, body: clean },
        { status: 200, body: { ...clean, dryRun: false, imported: true } },
      ],
    });
    const { wrapper: w } = await mountPage(MoodleImportView, {
      path: `/teacher/moodle-import?courseId=${COURSE}`,
      pattern: '/teacher/moodle-import',
      network,
    });
    expect((w.find('[data-testid="moodle-course"]').element as HTMLSelectElement).value).toBe(COURSE);

    // Map Moodle's "T" to late as well.
    await w
      .findAll('button')
      .find((b) => b.text() === 'Add a status')!
      .trigger('click');
    const last = w.findAll('[data-testid="moodle-mapping-row"]').at(-1)!;
    await last.find('input').setValue('t');
    await last.find('select').setValue('late');
    await pickFile(w, 'Course\tCS101\n');
    await w.find('form').trigger('submit');
    await flushPromises();

    const posts = network.calls.filter((c) => c.method === 'POST');
    expect(posts[0]!.query).toEqual({
      dryRun: 'true',
      mapping: 'P=present,L=late,E=excused,A=absent,T=late',
      durationMinutes: '60',
    });
    expect(posts[0]!.body).toContain('name="file"; filename="CS101_Attendances.txt"');
    const summary = w.find('[data-testid="moodle-summary"]').text();
    expect(summary).toContain('File: CS101 Introduction to Programming');
    expect(summary).toContain('1 session and 1 record to create · 1 of 2 students ready');
    expect(summary).toContain('1 enrollment starts earlier');
    const bad = w.find('tr[data-line="6"]');
    expect(bad.attributes('data-invalid')).toBe('true');
    expect(bad.text()).toContain('no SysPonto user has this email or ID number');
    expect(w.find('[data-testid="moodle-fix-first"]').text()).toContain('1 problem');
    expect(w.find('[data-testid="moodle-run"]').exists()).toBe(false);

    // The file was fixed: preview again, then import.
    await w.find('form').trigger('submit');
    await flushPromises();
    await w.find('[data-testid="moodle-run"]').trigger('click');
    await flushPromises();
    const run = network.calls.filter((c) => c.method === 'POST').at(-1)!;
    expect(run.query.dryRun).toBe('false');
    expect(w.find('[data-testid="moodle-result"]').text()).toContain('Imported 1 session and 1 record.');
  });

  it('shows a refused file in plain words, in Portuguese too', async () => {
    setAccessToken('tok');
    const network = fakeFetch({
      'GET /api/courses': { status: 200, body: page([course]) },
      [`POST /api/courses/${COURSE}/import/moodle-attendance`]: {
        status: 400,
        body: { statusCode: 400, code: 'moodle-import/not-an-export', message: 'No table header found.' },
      },
    });
    const { wrapper: w } = await mountPage(MoodleImportView, {
      path: `/teacher/moodle-import?courseId=${COURSE}`,
      pattern: '/teacher/moodle-import',
      network,
    });
    i18n.global.locale.value = 'pt';
    await flushPromises();
    await pickFile(w, 'email,full name\n');
    await w.find('form').trigger('submit');
    await flushPromises();
    expect(w.text()).toContain('Este ficheiro não é a exportação de presenças do Moodle');
    expect(w.text()).toContain('Unidade curricular');
    i18n.global.locale.value = 'en';
  });
});
