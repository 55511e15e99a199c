import type { Schemas } from '@sysponto/api-client';
import { onMounted, reactive, ref, watch } from 'vue';
import { api, unwrap } from '@/api/client';
import { useResync, useSocketEvent } from '@/realtime/use-socket-event';
import { usePagedList, useAsync } from './use-async';

export type AttendanceStatus = Schemas['AttendanceStatus'];

/** My overall and per-course rates (the student dashboard); re-read when a teacher validates one of my check-ins. */
export function useAttendanceSummary() {
  const summary = useAsync(() => unwrap(api.GET('/api/me/attendance', { params: { query: { pageSize: 1 } } })));
  onMounted(summary.run);
  useSocketEvent('attendance.updated', () => void summary.run());
  return summary;
}

/**
 * My attendance history: filters by course, status and dates, paged, re-read after a reconnect. `courses` keeps the
 * per-course rates of the unfiltered read (the filters' choices do not shrink with the filter).
 */
export function useAttendanceHistory(pageSize = 20) {
  const filters = reactive({ courseId: '', status: '' as '' | AttendanceStatus, from: '', to: '' });
  const history = usePagedList(
    (page) =>
      unwrap(
        api.GET('/api/me/attendance', {
          params: {
            query: {
              page,
              pageSize,
              ...(filters.courseId ? { courseId: filters.courseId } : {}),
              ...(filters.status ? { status: filters.status } : {}),
              ...(filters.from ? { from: filters.from } : {}),
              ...(filters.to ? { to: `${filters.to}T23:59:59Z` } : {}),
            },
          },
        }),
      ),
    { filters: [filters] },
  );
  const courses = ref<Schemas['CourseAttendanceRateDto'][]>([]);
  watch(history.data, (d) => {
    if (d && !filters.courseId && !filters.status && !filters.from && !filters.to) courses.value = d.courses;
  });
  useResync(() => void history.run());
  return { ...history, filters, courses, pageSize };
}
