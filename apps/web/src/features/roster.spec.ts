// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { applyRosterEvent, applyRosterEvents, countRoster, sortRoster, type RosterEntry } from './roster';

const entry = (fullName: string, status: RosterEntry['status'], id = fullName): RosterEntry => ({
  studentId: id,
  fullName,
  email: `${id}@example.com`,
  studentNumber: null,
  status,
  checkedInAt: null,
  validatedAt: null,
  source: null,
  flags: [],
  note: null,
});

describe('roster', () => {
  it('puts students awaiting validation first, then missing, then the rest, each by name', () => {
    const sorted = sortRoster([
      entry('Zé', 'present'),
      entry('Bruno', null),
      entry('Ana', 'pending'),
      entry('Carla', 'absent'),
      entry('Abel', null),
      entry('Duarte', 'late'),
      entry('Eva', 'excused'),
    ]);
    expect(sorted.map((e) => `${e.fullName}:${e.status ?? 'missing'}`)).toEqual([
      'Ana:pending',
      'Abel:missing',
      'Bruno:missing',
      'Carla:absent',
      'Duarte:late',
      'Eva:excused',
      'Zé:present',
    ]);
  });

  it('applies a live check-in and a validation to one row', () => {
    const roster = [entry('Ana', null, 'a'), entry('Bruno', null, 'b')];
    const afterCheckIn = applyRosterEvent(roster, {
      kind: 'submitted',
      payload: {
        sessionId: 's',
        studentId: 'b',
        fullName: 'Bruno',
        checkedInAt: '2026-11-24T09:01:00Z',
        status: 'pending',
        flags: [],
      },
    })!;
    expect(afterCheckIn[1]).toMatchObject({ status: 'pending', checkedInAt: '2026-11-24T09:01:00Z' });
    expect(sortRoster(afterCheckIn).map((e) => e.studentId)).toEqual(['b', 'a']);
    const afterValidation = applyRosterEvent(afterCheckIn, {
      kind: 'updated',
      payload: { sessionId: 's', studentId: 'b', status: 'present', previousStatus: 'pending', source: 'teacher' },
    })!;
    expect(afterValidation[1]).toMatchObject({ status: 'present', source: 'teacher' });
    expect(afterValidation[1]!.validatedAt).not.toBeNull();
    expect(countRoster(afterValidation)).toEqual({
      missing: 1,
      pending: 0,
      present: 1,
      late: 0,
      absent: 0,
      excused: 0,
    });
    // The input is never mutated (the page swaps the list to re-render).
    expect(roster[1]!.status).toBeNull();
  });

  it('asks for a re-read when the student is not on the roster yet', () => {
    expect(
      applyRosterEvent([entry('Ana', null, 'a')], {
        kind: 'submitted',
        payload: {
          sessionId: 's',
          studentId: 'new',
          fullName: 'New',
          checkedInAt: '2026-11-24T09:01:00Z',
          status: 'pending',
          flags: [],
        },
      }),
    ).toBeNull();
  });

  it('shows the flags of a live check-in, a flag raised later and one cleared', () => {
    const roster = [entry('Ana', 'pending', 'a'), entry('Bruno', null, 'b')];
    const checkedIn = applyRosterEvent(roster, {
      kind: 'submitted',
      payload: {
        sessionId: 's',
        studentId: 'b',
        fullName: 'Bruno',
        checkedInAt: '2026-11-24T09:01:00Z',
        status: 'pending',
        flags: ['shared-device'],
      },
    })!;
    expect(checkedIn[1]!.flags).toEqual(['shared-device']);
    // Ana's earlier check-in came from the same device: flagged retroactively.
    const flagged = applyRosterEvent(checkedIn, {
      kind: 'flagged',
      payload: { sessionId: 's', studentId: 'a', flags: ['location-unknown', 'shared-device'] },
    })!;
    expect(flagged[0]).toMatchObject({ status: 'pending', flags: ['location-unknown', 'shared-device'] });
    const cleared = applyRosterEvent(flagged, {
      kind: 'flagged',
      payload: { sessionId: 's', studentId: 'a', flags: ['location-unknown'] },
    })!;
    expect(cleared[0]!.flags).toEqual(['location-unknown']);
  });

  it('applies a batch of events in order with one copy, and says when a student is not on the roster', () => {
    const roster = [entry('Ana', null, 'a'), entry('Bruno', null, 'b'), entry('Carla', 'present', 'c')];
    const submitted = (studentId: string) => ({
      kind: 'submitted' as const,
      payload: {
        sessionId: 's',
        studentId,
        fullName: studentId,
        checkedInAt: '2026-11-24T09:01:00Z',
        status: 'pending' as const,
        flags: [],
      },
    });
    const { entries, unknown } = applyRosterEvents(roster, [
      submitted('a'),
      submitted('new'),
      submitted('b'),
      {
        kind: 'updated',
        payload: { sessionId: 's', studentId: 'a', status: 'present', previousStatus: 'pending', source: 'teacher' },
      },
    ]);
    expect(unknown).toBe(true);
    expect(entries.map((e) => `${e.studentId}:${e.status}`)).toEqual(['a:present', 'b:pending', 'c:present']);
    // Untouched rows keep their object (their rendering is skipped); the input is not mutated.
    expect(entries[2]).toBe(roster[2]);
    expect(roster.map((e) => e.status)).toEqual([null, null, 'present']);
    expect(applyRosterEvents(roster, [submitted('b')]).unknown).toBe(false);
  });
});
