import type { Schemas } from '@sysponto/client';
import { onMounted, reactive, ref, watch } from 'vue';
import { api, unwrap } from '@/api/client';
import { useResync, useSocketEvent } from '@/realtime/use-socket-event';
import { useAuthStore } from '@/stores/auth';
import { usePagedList } from './use-async';
import { readWithOfflineCopy, rereadWhenOnline, useOfflineRead } from './use-offline-read';

export type AttendanceStatus = Schemas['AttendanceStatus'];

/**
 * My overall and per-course rates (the student dashboard); re-read when a teacher validates one of my check-ins.
 * Offline: the last answer read (with `savedAt`).
 */
export function useAttendanceSummary() {
  const summary = useOfflineRead(
    () => 'my-attendance:summary',
    () => unwrap(api.GET('/api/me/attendance', { params: { query: { pageSize: 1 } } })),
  );
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
  const auth = useAuthStore();
  /** Set when the page shows what was read earlier (offline). */
  const savedAt = ref<number | null>(null);
  const history = usePagedList(
    (page) => {
      const query = {
        page,
        pageSize,
        ...(filters.courseId ? { courseId: filters.courseId } : {}),
        ...(filters.status ? { status: filters.status } : {}),
        ...(filters.from ? { from: filters.from } : {}),
        ...(filters.to ? { to: `${filters.to}T23:59:59Z` } : {}),
      };
      return readWithOfflineCopy(
        auth.user?.id,
        `my-attendance:${JSON.stringify(query)}`,
        () => unwrap(api.GET('/api/me/attendance', { params: { query } })),
        savedAt,
      );
    },
    { filters: [filters] },
  );
  rereadWhenOnline(savedAt, history.run);
  const courses = ref<Schemas['CourseAttendanceRateDto'][]>([]);
  watch(history.data, (d) => {
    if (d && !filters.courseId && !filters.status && !filters.from && !filters.to) courses.value = d.courses;
  });
  useResync(() => void history.run());
  return { ...history, filters, courses, pageSize, savedAt };
}
