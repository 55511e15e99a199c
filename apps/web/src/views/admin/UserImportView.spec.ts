import { flushPromises, mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { setAccessToken, setBaseFetch } from '@/api/http';
import { i18n } from '@/i18n';
import UserImportView from './UserImportView.vue';
import type { ImportReport, ImportRow } from '@/composables/use-user-import';

const row = (
  line: number,
  email: string,
  errors: ImportRow['errors'] = [],
  extra: Partial<ImportRow> = {},
): ImportRow => ({
  line,
  email,
  fullName: `User ${line}`,
  role: 'student',
  studentNumber: null,
  courses: [],
  errors,
  ...extra,
});
const report = (rows: ImportRow[], dryRun: boolean): ImportReport => ({
  dryRun,
  imported: !dryRun && rows.every((r) => !r.errors.length),
  totalRows: rows.length,
  validRows: rows.filter((r) => !r.errors.length).length,
  invalidRows: rows.filter((r) => r.errors.length).length,
  created: dryRun ? 0 : rows.length,
  enrollments: 0,
  errors: rows.flatMap((r) => r.errors.map((e) => ({ ...e, line: r.line }))),
  rows,
  rejectedCsv: rows.some((r) => r.errors.length)
    ? `email,full name,role,student number,courses,error\r\n${rows
        .filter((r) => r.errors.length)
        .map((r) => `${r.email},${r.fullName},${r.role},,,${r.errors[0]!.field}: ${r.errors[0]!.reason}`)
        .join('\r\n')}\r\n`
    : null,
});

/** Answers POST /api/users/import from a queue and records the query and body of each call. */
function stubImport(answers: ImportReport[]) {
  const calls: {
    dryRun: string | null;
    mode?: string;
    body: string;
    contentType: string | null;
    auth: string | null;
  }[] = [];
  setBaseFetch(async (input, init) => {
    const req = input instanceof Request ? input : new Request(new URL(String(input), 'http://localhost/'), init);
    const url = new URL(req.url);
    calls.push({
      dryRun: url.searchParams.get('dryRun'),
      ...(url.searchParams.has('mode') ? { mode: url.searchParams.get('mode')! } : {}),
      body: await req.text(),
      contentType: req.headers.get('content-type'),
      auth: req.headers.get('authorization'),
    });
    return new Response(JSON.stringify(answers.shift()), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  });
  return calls;
}

function mountView() {
  i18n.global.locale.value = 'en';
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/:p(.*)*', component: { render: () => null } }],
  });
  return mount(UserImportView, { global: { plugins: [createPinia(), i18n, router] } });
}

describe('UserImportView', () => {
  afterEach(() => setAccessToken(null));

  it('previews with a dry run, marks the bad row and offers no import until the file is clean', async () => {
    setAccessToken('tok');
    const calls = stubImport([
      report(
        [row(2, 'a@example.com'), row(3, 'nope', [{ field: 'email', reason: 'is not a valid email address' }])],
        true,
      ),
    ]);
    const w = mountView();
    await w
      .find('#imp-text')
      .setValue('email,full name,role,student number\na@example.com,A,student,\nnope,B,student,\n');
    await w.find('form').trigger('submit');
    await flushPromises();

    expect(calls).toEqual([
      { dryRun: 'true', body: expect.stringContaining('nope,B,student'), contentType: 'text/csv', auth: 'Bearer tok' },
    ]);
    expect(w.find('[data-testid="import-summary"]').text()).toContain('2 rows: 1 ready, 1 with errors');
    const bad = w.findAll('tr[data-invalid="true"]');
    expect(bad).toHaveLength(1);
    expect(bad[0]!.classes()).toContain('table-danger');
    expect(bad[0]!.text()).toContain('email: is not a valid email address');
    expect(w.find('[data-testid="import-run"]').exists()).toBe(false);
  });

  it('asks for a file or lines when there is neither, and checks the lines pasted afterwards', async () => {
    setAccessToken('tok');
    const calls = stubImport([report([row(2, 'a@example.com')], true)]);
    const w = mountView();
    await w.find('form').trigger('submit');
    await flushPromises();
    expect(calls).toEqual([]);
    expect(w.find('[role="alert"]').text()).toContain('Choose a file or paste some lines first');

    await w.find('#imp-text').setValue('email,full name,role,student number\na@example.com,A,student,\n');
    expect(w.find('[role="alert"]').exists()).toBe(false);
    await w.find('form').trigger('submit');
    await flushPromises();
    expect(calls).toHaveLength(1);
    expect(w.find('[data-testid="import-summary"]').text()).toContain('1 rows: 1 ready, 0 with errors');
  });

  it('imports a clean file for real and shows each one-time password', async () => {
    const rows = [row(2, 'a@example.com'), row(3, 'b@example.com')];
    const calls = stubImport([
      report(rows, true),
      report(
        rows.map((r, i) => ({ ...r, userId: `id-${i}`, temporaryPassword: `Temp-Pass-${i}x` })),
        false,
      ),
    ]);
    const w = mountView();
    await w
      .find('#imp-text')
      .setValue('email,full name,role,student number\na@example.com,A,student,\nb@example.com,B,student,\n');
    await w.find('form').trigger('submit');
    await flushPromises();
    await w.find('[data-testid="import-run"]').trigger('click');
    await flushPromises();

    expect(calls.map((c) => c.dryRun)).toEqual(['true', 'false']);
    const result = w.find('[data-testid="import-result"]');
    expect(result.text()).toContain('2 users imported');
    expect(result.text()).toContain('Temp-Pass-0x');
    expect(result.text()).toContain('Temp-Pass-1x');
  });

  it('imports the valid rows only and offers the rejected ones, with their errors, as a CSV', async () => {
    const bad = row(3, 'nope', [{ field: 'email', reason: 'is not a valid email address' }]);
    const calls = stubImport([
      report([row(2, 'a@example.com'), bad], true),
      {
        ...report([{ ...row(2, 'a@example.com'), userId: 'id-a', temporaryPassword: 'Temp-Pass-0x' }, bad], false),
        imported: true,
        created: 1,
      },
    ]);
    const saved: string[] = [];
    const createUrl = URL.createObjectURL;
    URL.createObjectURL = (b: Blob | MediaSource) => {
      void (b as Blob).text().then((x) => saved.push(x));
      return 'blob:x';
    };
    const click = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function () {};
    try {
      const w = mountView();
      await w
        .find('#imp-text')
        .setValue('email,full name,role,student number\na@example.com,A,student,\nnope,B,student,\n');
      await w.find('form').trigger('submit');
      await flushPromises();
      expect(w.find('[data-testid="import-run"]').exists()).toBe(false);
      await w.find('[data-testid="import-download-rejected"]').trigger('click');
      await flushPromises();
      expect(saved[0]).toContain('email: is not a valid email address');

      await w.find('[data-testid="import-run-valid"]').trigger('click');
      await flushPromises();
      expect(calls.map((c) => [c.dryRun, c.mode])).toEqual([
        ['true', undefined],
        ['false', 'valid'],
      ]);
      const result = w.find('[data-testid="import-result"]');
      expect(result.text()).toContain('1 user imported');
      expect(result.text()).toContain('Temp-Pass-0x');
      expect(w.find('[data-testid="import-rejected"]').text()).toContain('1 row was rejected');
      await w.find('[data-testid="import-result-rejected"]').trigger('click');
      await flushPromises();
      expect(saved).toHaveLength(2);
      expect(saved[1]).toContain('nope,User 3,student');
    } finally {
      URL.createObjectURL = createUrl;
      HTMLAnchorElement.prototype.click = click;
    }
  });
});
