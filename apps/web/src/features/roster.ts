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

/** One collator for every sort (String#localeCompare makes one per call: slow over a 1,000-student roster). */
let names: Intl.Collator | undefined;

export function sortRoster<T extends Pick<RosterEntry, 'status' | 'fullName'>>(entries: readonly T[]): T[] {
  const collator = (names ??= new Intl.Collator());
  return [...entries].sort(
    (a, b) => rosterRank(a.status) - rosterRank(b.status) || collator.compare(a.fullName, b.fullName),
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

export type RosterEvent =
  | { kind: 'submitted'; payload: AttendanceSubmittedPayload }
  | { kind: 'updated'; payload: AttendanceUpdatedPayload }
  | { kind: 'flagged'; payload: AttendanceFlaggedPayload };

/** One row after one event (a new object; the other rows keep theirs, so their rendering can be skipped). */
function applyToEntry(cur: RosterEntry, event: RosterEvent): RosterEntry {
  switch (event.kind) {
    case 'submitted':
      return {
        ...cur,
        status: event.payload.status,
        checkedInAt: event.payload.checkedInAt,
        source: cur.source ?? 'code',
        flags: event.payload.flags ?? [],
      };
    case 'updated':
      return {
        ...cur,
        status: event.payload.status,
        source: event.payload.source,
        validatedAt:
          event.payload.status === 'pending' ? cur.validatedAt : (cur.validatedAt ?? new Date().toISOString()),
      };
    case 'flagged':
      return { ...cur, flags: event.payload.flags };
  }
}

/**
 * Applies a live event to the roster. Returns the new list, or null when the student is not on it (a new enrollment:
 * the caller re-reads over REST).
 */
export function applyRosterEvent(entries: readonly RosterEntry[], event: RosterEvent): RosterEntry[] | null {
  const i = entries.findIndex((e) => e.studentId === event.payload.studentId);
  if (i < 0) return null;
  const next = [...entries];
  next[i] = applyToEntry(next[i]!, event);
  return next;
}

/**
 * Applies a batch of live events in order (500 check-ins in a few seconds arrive faster than a page should redraw a
 * 1,000-row roster): one copy of the list, each student found through an index. `unknown` is set when an event names
 * a student not on the list (a new enrollment: the caller re-reads over REST); the others are applied.
 */
export function applyRosterEvents(
  entries: readonly RosterEntry[],
  events: readonly RosterEvent[],
): { entries: RosterEntry[]; unknown: boolean } {
  const next = [...entries];
  if (!events.length) return { entries: next, unknown: false };
  const index = new Map(next.map((e, i) => [e.studentId, i]));
  let unknown = false;
  for (const event of events) {
    const i = index.get(event.payload.studentId);
    if (i === undefined) unknown = true;
    else next[i] = applyToEntry(next[i]!, event);
  }
  return { entries: next, unknown };
}
