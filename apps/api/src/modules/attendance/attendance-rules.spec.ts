import { renderNotification } from '../notifications/notification-messages.js';
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
    expect(validated).toMatchObject({ userId: 'u', type: 'attendance.validated' });
    const en = renderNotification(validated.type, validated.params, 'en')!;
    expect(en.title).toBe('CS101: check-in validated (late)');
    expect(en.body).toContain('Mon, 30 Mar 2026, 09:00'); // WEST (UTC+1) after the DST change
    const pt = renderNotification(validated.type, validated.params, 'pt')!;
    expect(pt.title).toBe('CS101: registo validado (atrasado)');
    expect(pt.body).toContain('30/03/2026, 09:00');
    const absent = attendanceNotice(
      { sessionId: 's', studentId: 'u', status: 'absent', previousStatus: null, source: 'auto-close', changed: true },
      session,
      'no show',
    );
    expect(absent).toMatchObject({ type: 'attendance.updated' });
    expect(renderNotification(absent.type, absent.params, 'en')).toMatchObject({ title: 'CS101: marked absent' });
    expect(renderNotification(absent.type, absent.params, 'en')!.body).toContain('Note: no show');
    expect(renderNotification(absent.type, absent.params, 'pt')!.title).toBe('CS101: marcado como falta');
  });
});
