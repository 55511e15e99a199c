import { onMounted } from 'vue';
import { api, unwrap } from '@/api/client';
import { useAsync } from './use-async';

/** The admin's overview: every course's rate, students at risk, pending justifications, sessions left open. */
export function useOverviewReport() {
  const overview = useAsync(() => unwrap(api.GET('/api/reports/overview')));
  onMounted(overview.run);
  return overview;
}

/** A student's own rates, overall and per course, with the warning threshold. */
export function useMyReport() {
  const report = useAsync(() => unwrap(api.GET('/api/reports/me')));
  onMounted(report.run);
  return report;
}
