import { checkinOpensAt, deriveSessionState, isCheckinOpen } from './session-state.js';

describe('deriveSessionState', () => {
  const startsAt = new Date('2026-03-30T08:00:00Z');
  const endsAt = new Date('2026-03-30T09:30:00Z');
  const at = (iso: string) => new Date(iso);
  const s = { state: 'scheduled' as const, startsAt, endsAt };

  it('is scheduled before the check-in window', () => {
    expect(deriveSessionState(s, 15, at('2026-03-30T07:44:59.999Z'))).toBe('scheduled');
  });

  it('opens exactly checkinOpensMinutes before the start', () => {
    expect(checkinOpensAt(startsAt, 15)).toEqual(at('2026-03-30T07:45:00Z'));
    expect(deriveSessionState(s, 15, at('2026-03-30T07:45:00Z'))).toBe('open');
    expect(deriveSessionState(s, 0, at('2026-03-30T07:59:59Z'))).toBe('scheduled');
    expect(deriveSessionState(s, 0, startsAt)).toBe('open');
  });

  it('stays open until the end (exclusive), then falls back to scheduled until closed', () => {
    expect(deriveSessionState(s, 15, at('2026-03-30T09:29:59.999Z'))).toBe('open');
    expect(deriveSessionState(s, 15, endsAt)).toBe('scheduled');
    expect(isCheckinOpen(s, 15, endsAt)).toBe(false);
  });

  it('is closed whenever the stored state is closed, even inside the window', () => {
    expect(deriveSessionState({ ...s, state: 'closed' }, 15, at('2026-03-30T08:10:00Z'))).toBe('closed');
    expect(isCheckinOpen({ ...s, state: 'closed' }, 15, at('2026-03-30T08:10:00Z'))).toBe(false);
  });

  it('treats a stored "open" like scheduled: only the window decides', () => {
    expect(deriveSessionState({ ...s, state: 'open' }, 15, at('2026-03-30T10:00:00Z'))).toBe('scheduled');
    expect(deriveSessionState({ ...s, state: 'open' }, 15, at('2026-03-30T08:00:00Z'))).toBe('open');
  });
});
