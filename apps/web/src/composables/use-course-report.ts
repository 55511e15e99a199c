import { computed, onMounted, reactive, watch } from 'vue';
import { api, unwrap } from '@/api/client';
import { downloadFile } from '@/api/download';
import { useAction, useAsync } from './use-async';

export type ReportExport = 'attendance.csv' | 'records.csv' | 'attendance.xlsx';

/**
 * A course's report for a date range (both ends optional; read on mount and when the range changes), and its exports
 * over the same range, saved under the server's file name.
 */
export function useCourseReport(courseId: () => string) {
  const range = reactive({ from: '', to: '' });
  const query = computed(() => ({
    ...(range.from ? { from: range.from } : {}),
    ...(range.to ? { to: range.to } : {}),
  }));
  const report = useAsync(() =>
    unwrap(api.GET('/api/reports/courses/{id}', { params: { path: { id: courseId() }, query: query.value } })),
  );
  onMounted(report.run);
  watch(range, () => void report.run());

  const exporting = useAction();
  function download(file: ReportExport) {
    const qs = new URLSearchParams(query.value).toString();
    const code = report.data.value?.course.code ?? 'course';
    const url = `/api/reports/courses/${courseId()}/${file}${qs ? `?${qs}` : ''}`;
    return exporting.run(() => downloadFile(url, `${code}-${file}`));
  }
  return { ...report, range, exporting, download };
}
