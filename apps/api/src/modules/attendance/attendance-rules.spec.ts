import { attendanceNotice } from './attendance-notices.js';
import { rate } from './my-attendance.service.js';
import { lateAfter } from './session-attendance.service.js';

describe('attendance rules', () => {
  it('computes rate = (present + late + pending) / (held - excused), 4 decimals', () => {
    expect(rate({ held: 10, present: 6, late: 2, absent: 1, excused: 1, pending: 0 }).rate).toBe(0.8889);
    expect(rate({ held: 4, present: 2, late: 0, absent: 1, excused: 0, pending: 1 }).rate).toBe(0.75);
    expect(rate({ held: 0, present: 0, late: 0, absent: 0, excused: 0, pending: 0 }).rate).toBeNull();
    expect(rate({ held: 2, present: 0, late: 0, absent: 0, excused: 2, pending: 0 }).rate).toBeNull();
    expect(rate({ held: 3, present: 0, late: 0, absent: 3, excused: 0, pending: 0 }).rate).toBe(0);
  });

  it('puts the late threshold lateAfterMinutes after the start', () => {
    expect(lateAfter({ startsAt: new Date('2026-03-02T09:00:00Z'), lateAfterMinutes: 10 }).toISOString()).toBe(
      '2026-03-02T09:10:00.000Z',
    );
  });

  it('words notifications in the course time zone, as a validation or a change', () => {
    const session = {
      courseCode: 'CS101',
      title: 'Lecture',
      startsAt: new Date('2026-03-30T08:00:00Z'),
      timezone: 'Europe/Lisbon',
    };
    const validated = attendanceNotice(
      { sessionId: 's', studentId: 'u', status: 'late', previousStatus: 'pending', source: 'teacher', changed: true },
      session,
    );
    expect(validated).toMatchObject({
      userId: 'u',
      type: 'attendance.validated',
      title: 'CS101: check-in validated (late)',
    });
    expect(validated.body).toContain('Mon 30 Mar 2026, 09:00'); // WEST (UTC+1) after the DST change
    const absent = attendanceNotice(
      { sessionId: 's', studentId: 'u', status: 'absent', previousStatus: null, source: 'auto-close', changed: true },
      session,
      'no show',
    );
    expect(absent).toMatchObject({ type: 'attendance.updated', title: 'CS101: marked absent' });
    expect(absent.body).toContain('Note: no show');
  });
});
