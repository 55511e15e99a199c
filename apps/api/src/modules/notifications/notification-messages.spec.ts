import { NOTIFICATION_MESSAGES, type NotificationParams, renderNotification } from './notification-messages.js';

const session = { courseCode: 'CS101', title: null, startsAt: '2026-03-30T08:00:00.000Z', timezone: 'Europe/Lisbon' };
const samples: { [T in keyof NotificationParams]: NotificationParams[T] } = {
  'attendance.validated': { ...session, status: 'present', note: null },
  'attendance.updated': { ...session, status: 'absent', note: 'x' },
  'attendance.code-rotated': { courseCode: 'CS101' },
  'course.enrolled': { courseCode: 'CS101', courseName: 'Intro' },
  'justification.submitted': { ...session, studentName: 'Ana', kind: 'late', reason: 'bus' },
  'justification.reviewed': { ...session, kind: 'absence', decision: 'approved', comment: null },
  'session.cancelled': { ...session, reason: 'strike' },
  'webhook.disabled': { url: 'https://x.test/hook', failures: 1 },
};

describe('notification messages', () => {
  it('renders every type in both languages, with no placeholder left', () => {
    for (const type of Object.keys(NOTIFICATION_MESSAGES) as (keyof NotificationParams)[]) {
      for (const locale of ['en', 'pt'] as const) {
        const t = renderNotification(type, samples[type], locale)!;
        expect(t.title.length).toBeGreaterThan(0);
        expect(`${t.title} ${t.body}`).not.toMatch(/[{}]/);
      }
    }
  });

  it('uses Portuguese plurals, dates and terms', () => {
    expect(renderNotification('webhook.disabled', { url: 'u', failures: 1 }, 'pt')!.body).toContain('falhou 1 vez e');
    expect(renderNotification('webhook.disabled', { url: 'u', failures: 5 }, 'pt')!.body).toContain('5 vezes seguidas');
    expect(renderNotification('webhook.disabled', { url: 'u', failures: 5 }, 'en')!.body).toContain('5 times in a row');
    const pt = renderNotification('session.cancelled', samples['session.cancelled'], 'pt')!;
    expect(pt.body).toContain('30/03/2026, 09:00');
    expect(pt.body).not.toMatch(/disciplina|cadeira|aluno/i);
  });

  it('falls back to the stored text for unknown types or rows without parameters', () => {
    expect(renderNotification('something.new', { a: 1 }, 'pt')).toBeNull();
    expect(renderNotification('course.enrolled', null, 'pt')).toBeNull();
  });
});
