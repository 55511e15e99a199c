import type { Schemas } from '@sysponto/client';
import { onMounted, ref } from 'vue';
import { api, unwrap } from '@/api/client';
import { useAction, useAsync, usePagedList } from './use-async';
import { useOfflineRead } from './use-offline-read';

export type Course = Schemas['CourseDto'];

/** The admin's course list (search, paged), creating and deleting a course; each change re-reads the list. */
export function useCourses(pageSize = 20) {
  const search = ref('');
  const list = usePagedList(
    (page) =>
      unwrap(
        api.GET('/api/courses', {
          params: { query: { page, pageSize, ...(search.value.trim() ? { search: search.value.trim() } : {}) } },
        }),
      ),
    { typed: [search] },
  );
  const creator = useAction();
  const act = useAction();

  const create = (body: Schemas['CreateCourseDto']) => creator.run(() => unwrap(api.POST('/api/courses', { body })));

  async function remove(course: Course): Promise<boolean> {
    const r = await act.run(() => unwrap(api.DELETE('/api/courses/{id}', { params: { path: { id: course.id } } })));
    if (r === undefined) return false;
    void list.run();
    return true;
  }

  return { search, list, creator, act, create, remove };
}

/** The courses I teach (or all, for an admin), for pickers and the dashboard; read on mount. */
export function useMyCourses() {
  const courses = useOfflineRead(
    () => 'my-courses',
    () => unwrap(api.GET('/api/courses', { params: { query: { pageSize: 100 } } })),
  );
  onMounted(courses.run);
  return courses;
}

/** A student joins a course with the code the teacher gave out. */
export function useJoinCourse() {
  const action = useAction();
  const join = (joinCode: string) =>
    action.run(() => unwrap(api.POST('/api/courses/join', { body: { joinCode: joinCode.trim() } })));
  return { ...action, join };
}

/**
 * One course (read on mount) and what its teacher or an admin changes on it: settings, the join code. Each change
 * re-reads the course.
 */
export function useCourse(id: () => string) {
  const course = useAsync(() => unwrap(api.GET('/api/courses/{id}', { params: { path: { id: id() } } })));
  onMounted(course.run);
  const act = useAction();
  const path = () => ({ path: { id: id() } });

  async function changed<T>(call: () => Promise<T>): Promise<T | undefined> {
    const r = await act.run(call);
    if (r !== undefined) void course.run();
    return r;
  }
  const save = (body: Schemas['UpdateCourseDto']) =>
    changed(() => unwrap(api.PATCH('/api/courses/{id}', { params: path(), body })));
  const regenerateJoinCode = () => changed(() => unwrap(api.POST('/api/courses/{id}/join-code', { params: path() })));
  const setJoinCodeEnabled = (enabled: boolean) =>
    changed(() => unwrap(api.PATCH('/api/courses/{id}/join-code', { params: path(), body: { enabled } })));

  return { course, act, save, regenerateJoinCode, setJoinCodeEnabled };
}

/** A course's students (search, paged), enrolling and unenrolling them; each change re-reads the list. */
export function useEnrollments(courseId: () => string, pageSize = 20) {
  const search = ref('');
  const list = usePagedList(
    (page) =>
      unwrap(
        api.GET('/api/courses/{id}/enrollments', {
          params: {
            path: { id: courseId() },
            query: { page, pageSize, ...(search.value ? { search: search.value } : {}) },
          },
        }),
      ),
    { typed: [search] },
  );
  const act = useAction();

  async function enroll(studentIds: string[]) {
    const r = await act.run(() =>
      unwrap(api.POST('/api/courses/{id}/enrollments', { params: { path: { id: courseId() } }, body: { studentIds } })),
    );
    if (r) void list.run();
    return r;
  }

  async function unenroll(studentId: string): Promise<boolean> {
    const r = await act.run(() =>
      unwrap(
        api.DELETE('/api/courses/{id}/enrollments/{studentId}', { params: { path: { id: courseId(), studentId } } }),
      ),
    );
    if (r === undefined) return false;
    void list.run();
    return true;
  }

  return { search, list, act, enroll, unenroll, pageSize };
}
