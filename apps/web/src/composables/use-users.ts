import type { Schemas } from '@sysponto/client';
import { onBeforeUnmount, reactive, ref, watch } from 'vue';
import { api, unwrap } from '@/api/client';
import { ApiError } from '@/api/errors';
import { TYPING_PAUSE_MS, useAction, usePagedList } from './use-async';

export type User = Schemas['UserDto'];
export type Role = User['role'];

export interface UserInput {
  email: string;
  fullName: string;
  role: Role;
  /** students only; empty clears it */
  studentNumber: string;
  /** empty keeps the current one (edit) or lets the server make a temporary one (create) */
  password: string;
}

export type SaveResult =
  | { kind: 'created'; user: User; temporaryPassword?: string }
  | { kind: 'saved'; user: User; temporaryPassword?: undefined };

/**
 * The admin's user list (search, role and active filters, paged) and what can be done to a user: create or edit it
 * (`editor`, with the field errors), deactivate / reactivate and delete it (`act`). Each change re-reads the list.
 */
export function useUsers(pageSize = 20) {
  const filters = reactive({ search: '', role: '' as '' | Role, active: '' as '' | 'true' | 'false' });
  const list = usePagedList(
    (page) =>
      unwrap(
        api.GET('/api/users', {
          params: {
            query: {
              page,
              pageSize,
              ...(filters.search.trim() ? { search: filters.search.trim() } : {}),
              ...(filters.role ? { role: filters.role } : {}),
              ...(filters.active ? { active: filters.active === 'true' } : {}),
            },
          },
        }),
      ),
    { filters: [() => filters.role, () => filters.active], typed: [() => filters.search] },
  );
  const editor = useAction();
  const act = useAction();

  /** Creates a user (`id` null) or saves one; a new user may come with its one-time `temporaryPassword`. */
  async function save(id: string | null, input: UserInput) {
    const studentNumber = input.role === 'student' ? input.studentNumber.trim() : '';
    const common = {
      email: input.email.trim(),
      fullName: input.fullName.trim(),
      role: input.role,
      ...(input.password ? { password: input.password } : {}),
    };
    const result = await editor.run(async (): Promise<SaveResult> => {
      if (!id) {
        const body = { ...common, ...(studentNumber ? { studentNumber } : {}) };
        return { kind: 'created', ...(await unwrap(api.POST('/api/users', { body }))) };
      }
      const body = { ...common, studentNumber: studentNumber || null };
      return { kind: 'saved', user: await unwrap(api.PATCH('/api/users/{id}', { params: { path: { id } }, body })) };
    });
    if (result) void list.run();
    return result;
  }

  async function setActive(user: User, active: boolean): Promise<boolean> {
    const ok = await act.run(() =>
      unwrap(api.PATCH('/api/users/{id}', { params: { path: { id: user.id } }, body: { active } })),
    );
    if (ok) void list.run();
    return !!ok;
  }

  /**
   * Deletes a user. One with attendance history is refused by the server: `'has-history'` (offer deactivation or
   * `anonymize`, which keeps the records under an anonymous name).
   */
  async function remove(user: User, anonymize = false): Promise<'deleted' | 'has-history' | false> {
    const r = await act.run(async () => {
      try {
        const query = anonymize ? { anonymize: true } : {};
        await unwrap(api.DELETE('/api/users/{id}', { params: { path: { id: user.id }, query } }));
        return 'deleted' as const;
      } catch (e) {
        if (e instanceof ApiError && e.code === 'users/has-history') return 'has-history' as const;
        throw e;
      }
    });
    if (r === 'deleted') void list.run();
    return r ?? false;
  }

  /** Mails the user a single-use link to set a new password (their current one keeps working until then). */
  async function sendPasswordReset(user: User): Promise<boolean> {
    const ok = await act.run(async () => {
      await unwrap(api.POST('/api/users/{id}/password-reset', { params: { path: { id: user.id } } }));
      return true;
    });
    return !!ok;
  }

  return { filters, list, editor, act, save, setActive, remove, sendPasswordReset };
}

/** Search-as-you-type over active users of one role (the pickers for enrollments and course teachers). */
export function useUserSearch(role: () => 'student' | 'teacher', limit = 8) {
  const query = ref('');
  const results = ref<User[]>([]);
  const busy = ref(false);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let seq = 0;
  watch(query, (q) => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const mine = ++seq;
      if (!q.trim()) {
        results.value = [];
        return;
      }
      busy.value = true;
      try {
        const page = await unwrap(
          api.GET('/api/users', {
            params: { query: { search: q.trim(), role: role(), pageSize: limit, active: true } },
          }),
        );
        if (mine === seq) results.value = page.items;
      } catch {
        if (mine === seq) results.value = [];
      } finally {
        if (mine === seq) busy.value = false;
      }
    }, TYPING_PAUSE_MS);
  });
  onBeforeUnmount(() => clearTimeout(timer));
  return { query, results, busy };
}
