import { SessionState } from '@sysponto/contracts';

/** What the state derivation needs from a session and its course's policy. */
export interface SessionTiming {
  /** The stored state (`closed` once closed by a teacher or the auto-close job). */
  state: SessionState;
  startsAt: Date;
  endsAt: Date;
}

/** When check-in opens: `checkinOpensMinutes` before the start. */
export function checkinOpensAt(startsAt: Date, checkinOpensMinutes: number): Date {
  return new Date(startsAt.getTime() - checkinOpensMinutes * 60_000);
}

/**
 * The state a user sees: `closed` once closed, `cancelled` once cancelled; `open` from `startsAt − checkinOpensMinutes` until `endsAt`
 * (end exclusive); otherwise `scheduled` (before the window, and after the end until the session is closed).
 * No "open" action exists: the window alone opens a session (SPEC §3).
 */
export function deriveSessionState(
  s: SessionTiming,
  checkinOpensMinutes: number,
  now: Date = new Date(),
): SessionState {
  if (s.state === SessionState.Closed || s.state === SessionState.Cancelled) return s.state;
  const t = now.getTime();
  return t >= checkinOpensAt(s.startsAt, checkinOpensMinutes).getTime() && t < s.endsAt.getTime()
    ? SessionState.Open
    : SessionState.Scheduled;
}

/** True while students may check in (the derived state is `open`). */
export function isCheckinOpen(s: SessionTiming, checkinOpensMinutes: number, now: Date = new Date()): boolean {
  return deriveSessionState(s, checkinOpensMinutes, now) === SessionState.Open;
}
