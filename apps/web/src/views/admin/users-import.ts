import { toApiError } from '@/api/errors';
import { authFetch } from '@/api/http';

/**
 * POST /api/users/import is not in libs/api-client yet (its body is raw text/csv, which the generated client does not
 * model): these types mirror UsersImportReportDto in the OpenAPI document. The call still goes through authFetch
 * (token, refresh, retry) and ApiError like every other request.
 */
export interface ImportRowError {
  field: string;
  reason: string;
}
export interface ImportRow {
  line: number;
  email: string;
  fullName: string;
  role: string;
  studentNumber: string | null;
  courses: string[];
  errors: ImportRowError[];
  userId?: string;
  temporaryPassword?: string;
}
export interface ImportReport {
  dryRun: boolean;
  imported: boolean;
  totalRows: number;
  validRows: number;
  invalidRows: number;
  created: number;
  enrollments: number;
  errors: (ImportRowError & { line: number })[];
  rows: ImportRow[];
}

export const IMPORT_MAX_BYTES = 2 * 1024 * 1024;
export const IMPORT_HEADER = 'email,full name,role,student number';

export async function importUsers(csv: Blob | string, dryRun: boolean): Promise<ImportReport> {
  const res = await authFetch(`/api/users/import?dryRun=${dryRun}`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: csv,
  });
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) throw toApiError(res, body);
  return body as ImportReport;
}

/** The created users' one-time passwords as a CSV the admin can hand out. */
export function passwordsCsv(rows: ImportRow[]): string {
  const q = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return [
    'email,full name,temporary password',
    ...rows.filter((r) => r.temporaryPassword).map((r) => [r.email, r.fullName, r.temporaryPassword!].map(q).join(',')),
  ].join('\n');
}
