import { attendanceNotice } from './attendance-notices.js';
import { lateAfter } from './session-attendance.service.js';

describe('attendance rules', () => {
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
