import type { Schemas } from '@sysponto/client';
import { DateTime } from 'luxon';
import { onMounted, ref, shallowRef } from 'vue';
import { api, unwrap } from '@/api/client';
import { uploadForm } from '@/api/upload';
import { useResync, useSocketEvent } from '@/realtime/use-socket-event';
import { useAction, useAsync, usePagedList } from './use-async';

export type Justification = Schemas['JustificationDto'];
export type JustificationStatus = Schemas['JustificationStatus'];

export interface JustificationInput {
  sessionId: string;
  type: Schemas['JustificationType'];
  reason: string;
  document: File | null;
}

/** How far back a student can pick an absence or a late arrival to justify. */
const CANDIDATE_DAYS = 45;
/** How far ahead a student can pick a session to report an absence in advance. */
const UPCOMING_DAYS = 14;

/** A session the student can justify: a recent absence or late arrival, or (status null) one still to come. */
export interface JustifyCandidate {
  sessionId: string;
  courseCode: string;
  startsAt: string;
  timezone: string;
  status: 'absent' | 'late' | null;
}

/**
 * A student's justifications: the sessions they can justify (recent absences and late arrivals, and upcoming sessions
 * for an absence reported in advance), their own list (status filter, paged, re-read when a teacher reviews one),
 * sending one with its document (upload progress) and withdrawing a pending one.
 */
export function useMyJustifications(pageSize = 10) {
  const candidates = useAsync(async (): Promise<JustifyCandidate[]> => {
    const now = DateTime.now();
    const from = now.minus({ days: CANDIDATE_DAYS }).toISO()!;
    const mine = (status: 'absent' | 'late') =>
      unwrap(api.GET('/api/me/attendance', { params: { query: { status, from, pageSize: 100 } } }));
    const ahead = unwrap(
      api.GET('/api/me/sessions', {
        params: { query: { from: now.toISO()!, to: now.plus({ days: UPCOMING_DAYS }).toISO()! } },
      }),
    );
    const [absent, late, next] = await Promise.all([mine('absent'), mine('late'), ahead]);
    const past = [...absent.items, ...late.items]
      .sort((a, b) => b.startsAt.localeCompare(a.startsAt))
      .map((r) => ({ ...r, status: r.status === 'late' ? ('late' as const) : ('absent' as const) }));
    const upcoming = next.items
      .filter((s) => s.state === 'scheduled' && Date.parse(s.startsAt) > now.toMillis())
      .map((s) => ({
        sessionId: s.id,
        courseCode: s.courseCode,
        startsAt: s.startsAt,
        timezone: s.timezone,
        status: null,
      }));
    return [...past, ...upcoming];
  }, []);
  onMounted(candidates.run);

  const status = ref<'' | JustificationStatus>('');
  const list = usePagedList(
    (page) =>
      unwrap(
        api.GET('/api/justifications', {
          params: { query: { page, pageSize, ...(status.value ? { status: status.value } : {}) } },
        }),
      ),
    { filters: [status] },
  );
  useSocketEvent('justification.reviewed', () => void list.run());

  const sender = useAction();
  /** Upload progress of the document (0…1), null when nothing is being uploaded. */
  const progress = ref<number | null>(null);
  async function send(input: JustificationInput) {
    const body = new FormData();
    body.set('sessionId', input.sessionId);
    body.set('type', input.type);
    body.set('reason', input.reason.trim());
    if (input.document) body.set('document', input.document, input.document.name);
    progress.value = input.document ? 0 : null;
    const created = await sender.run(() =>
      uploadForm<Justification>('/api/justifications', body, { onProgress: (p) => (progress.value = p) }),
    );
    progress.value = null;
    if (created) void list.run();
    return created;
  }

  const withdrawing = useAction();
  async function withdraw(j: Justification) {
    const r = await withdrawing.run(() =>
      unwrap(api.POST('/api/justifications/{id}/withdraw', { params: { path: { id: j.id } } })),
    );
    if (r) {
      void list.run();
      void candidates.run();
    }
    return r;
  }

  return { candidates, status, list, sender, progress, send, withdrawing, withdraw };
}

/**
 * The teacher's (or admin's) review queue: filters by status (pending first), course and student (typed), paged, kept
 * current by `justification.submitted` and reconnects; one justification opened from a link even when it is not on
 * this page; approving or rejecting it.
 */
export function useJustificationReview(pageSize = 15) {
  const status = ref<'' | JustificationStatus>('pending');
  const courseId = ref('');
  const search = ref('');
  const list = usePagedList(
    (page) =>
      unwrap(
        api.GET('/api/justifications', {
          params: {
            query: {
              page,
              pageSize,
              ...(status.value ? { status: status.value } : {}),
              ...(courseId.value ? { courseId: courseId.value } : {}),
              ...(search.value.trim() ? { search: search.value.trim() } : {}),
            },
          },
        }),
      ),
    { filters: [status, courseId], typed: [search] },
  );
  useResync(() => void list.run());
  useSocketEvent('justification.submitted', () => void list.run());

  const act = useAction();
  /** The one a notification linked to (`?id=…`), read on its own. */
  const linked = shallowRef<Justification | null>(null);
  async function open(id: string) {
    linked.value =
      (await act.run(() => unwrap(api.GET('/api/justifications/{id}', { params: { path: { id } } })))) ?? null;
  }

  async function review(j: Justification, decision: 'approved' | 'rejected', comment: string) {
    const r = await act.run(() =>
      unwrap(
        api.POST('/api/justifications/{id}/review', {
          params: { path: { id: j.id } },
          body: { decision, ...(comment.trim() ? { comment: comment.trim() } : {}) },
        }),
      ),
    );
    if (!r) return undefined;
    if (linked.value?.id === j.id) linked.value = r;
    await list.run();
    return r;
  }

  return { status, courseId, search, list, pageSize, act, linked, open, review };
}

/** How many justifications wait for my review (the dashboard's badge), kept current by `justification.submitted`. */
export function usePendingReviewCount() {
  const pending = useAsync(async () => {
    const page = await unwrap(
      api.GET('/api/justifications', { params: { query: { status: 'pending', pageSize: 1 } } }),
    );
    return page.total;
  }, 0);
  onMounted(pending.run);
  useResync(() => void pending.run());
  useSocketEvent('justification.submitted', () => void pending.run());
  return pending;
}
