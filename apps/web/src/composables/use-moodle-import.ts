import type { Schemas } from '@sysponto/client';
import { api, unwrap } from '@/api/client';
import { useImportSteps } from './use-import-steps';

export type MoodleReport = Schemas['MoodleImportReportDto'];
export type MoodleStatus = Schemas['MoodleImportMappingDto']['status'];

export const MOODLE_IMPORT_MAX_BYTES = 2 * 1024 * 1024;
export const MOODLE_STATUSES: MoodleStatus[] = ['present', 'late', 'excused', 'absent'];
/** Moodle's default statuses. */
export const DEFAULT_MAPPING: { acronym: string; status: MoodleStatus }[] = [
  { acronym: 'P', status: 'present' },
  { acronym: 'L', status: 'late' },
  { acronym: 'E', status: 'excused' },
  { acronym: 'A', status: 'absent' },
];

export interface MoodleImportOptions {
  mapping: { acronym: string; status: MoodleStatus }[];
  durationMinutes: number;
}

/** The mapping as the API takes it: `P=present,L=late,…` (rows without an acronym left out). */
export function mappingParam(mapping: MoodleImportOptions['mapping']): string {
  return mapping
    .filter((m) => m.acronym.trim())
    .map((m) => `${m.acronym.trim().toUpperCase()}=${m.status}`)
    .join(',');
}

/** POST /api/courses/:id/import/moodle-attendance with the export as the multipart field `file`. */
function importMoodle(courseId: string, file: File, opts: MoodleImportOptions, dryRun: boolean) {
  const form = new FormData();
  form.set('file', file, file.name);
  return unwrap(
    api.POST('/api/courses/{id}/import/moodle-attendance', {
      params: {
        path: { id: courseId },
        query: { dryRun, mapping: mappingParam(opts.mapping), durationMinutes: opts.durationMinutes },
      },
      body: form as unknown as { file: string },
      // The form goes as it is (the browser sets the multipart boundary).
      bodySerializer: (body) => body as unknown as FormData,
    }),
  );
}

/**
 * Moodle's attendance export into a course, in two steps: `check` (a dry run: sessions and records to create with
 * every problem, into `preview`), then `commit` (the real import, all or nothing, into `result`).
 */
export function useMoodleImport(courseId: () => string) {
  return useImportSteps(
    (input: { file: File; options: MoodleImportOptions }, dryRun: boolean) =>
      importMoodle(courseId(), input.file, input.options, dryRun),
    (r) => r.problems.length === 0,
  );
}
