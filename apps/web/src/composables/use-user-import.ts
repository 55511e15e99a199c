import type { Schemas } from '@sysponto/client';
import { api, unwrap } from '@/api/client';
import { useImportSteps } from './use-import-steps';

export type ImportReport = Schemas['UsersImportReportDto'];
export type ImportRow = Schemas['ImportRowDto'];

export const IMPORT_MAX_BYTES = 2 * 1024 * 1024;
export const IMPORT_HEADER = 'email,full name,role,student number';

/**
 * POST /api/users/import with the CSV as a raw text/csv body (a dry run writes nothing; `validOnly` writes the valid
 * rows and rejects the others instead of writing nothing).
 */
async function importUsers(csv: Blob | string, dryRun: boolean, validOnly: boolean): Promise<ImportReport> {
  return unwrap(
    api.POST('/api/users/import', {
      params: { query: { dryRun, ...(validOnly ? { mode: 'valid' as const } : {}) } },
      body: typeof csv === 'string' ? csv : await csv.text(),
      headers: { 'content-type': 'text/csv' },
      // The CSV goes as it is (the client would JSON-encode it).
      bodySerializer: (body) => body as string,
    }),
  );
}

/**
 * The CSV import in two steps: `check` (a dry run: every row with its errors, into `preview`), then `commit` (the real
 * import, into `result`, with each new user's one-time password; `commit(csv, true)` imports the valid rows only).
 * Changing the file clears the preview.
 */
export function useUserImport() {
  return useImportSteps(importUsers, (r) => r.invalidRows === 0);
}

/** The created users' one-time passwords as a CSV the admin can hand out. */
export function passwordsCsv(rows: ImportRow[]): string {
  const q = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return [
    'email,full name,temporary password',
    ...rows.filter((r) => r.temporaryPassword).map((r) => [r.email, r.fullName, r.temporaryPassword!].map(q).join(',')),
  ].join('\n');
}

/** Saves a CSV text as a file (the rejected rows with their errors, the one-time passwords). */
export function downloadCsv(csv: string, fileName: string) {
  const href = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
  const a = document.createElement('a');
  a.href = href;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
