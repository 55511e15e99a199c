import type { Schemas } from '@sysponto/client';
import type {
  AttendanceFlaggedPayload,
  AttendanceStatus,
  AttendanceSubmittedPayload,
  AttendanceUpdatedPayload,
} from '@sysponto/contracts';

export type RosterEntry = Schemas['RosterEntryDto'];

/**
 * Who the teacher must act on comes first: awaiting validation (pending), then missing (no record), then absent/late,
 * then the rest.
 */
const RANK: Record<string, number> = { pending: 0, missing: 1, absent: 2, late: 3, excused: 4, present: 5 };

export function rosterRank(status: AttendanceStatus | null): number {
  return RANK[status ?? 'missing'] ?? 9;
}

export function sortRoster<T extends Pick<RosterEntry, 'status' | 'fullName'>>(entries: readonly T[]): T[] {
  return [...entries].sort(
    (a, b) => rosterRank(a.status) - rosterRank(b.status) || a.fullName.localeCompare(b.fullName),
  );
}

export interface RosterCounts {
  missing: number;
  pending: number;
  present: number;
  late: number;
  absent: number;
  excused: number;
}

export function countRoster(entries: readonly Pick<RosterEntry, 'status'>[]): RosterCounts {
  const c: RosterCounts = { missing: 0, pending: 0, present: 0, late: 0, absent: 0, excused: 0 };
  for (const e of entries) c[e.status ?? 'missing'] += 1;
  return c;
}

/**
 * Applies a live event to the roster. Returns the new list, or null when the student is not on it (a new enrollment:
 * the caller re-reads over REST).
 */
export function applyRosterEvent(
  entries: readonly RosterEntry[],
  event:
    | { kind: 'submitted'; payload: AttendanceSubmittedPayload }
    | { kind: 'updated'; payload: AttendanceUpdatedPayload }
    | { kind: 'flagged'; payload: AttendanceFlaggedPayload },
): RosterEntry[] | null {
  const i = entries.findIndex((e) => e.studentId === event.payload.studentId);
  if (i < 0) return null;
  const next = [...entries];
  const cur = next[i]!;
  switch (event.kind) {
    case 'submitted':
      next[i] = {
        ...cur,
        status: event.payload.status,
        checkedInAt: event.payload.checkedInAt,
        source: cur.source ?? 'code',
        flags: event.payload.flags ?? [],
      };
      break;
    case 'updated':
      next[i] = {
        ...cur,
        status: event.payload.status,
        source: event.payload.source,
        validatedAt:
          event.payload.status === 'pending' ? cur.validatedAt : (cur.validatedAt ?? new Date().toISOString()),
      };
      break;
    case 'flagged':
      next[i] = { ...cur, flags: event.payload.flags };
      break;
  }
  return next;
}
