import {
  attendanceWarningMail,
  escapeHtml,
  justificationDigestMail,
  justificationReviewedMail,
  mailLocale,
} from './mail.templates.js';

const base = {
  fullName: 'Ana <b>Silva</b>',
  courseCode: 'CS101',
  courseName: 'Programming',
  sessionStartsAt: new Date('2026-03-30T08:00:00Z'),
  timezone: 'Europe/Lisbon',
  type: 'absence' as const,
  comment: 'ok & welcome',
  link: 'https://school.test/student/justifications',
};

describe('mail templates', () => {
  it('falls back to English for unknown locales', () => {
    expect(mailLocale('pt')).toBe('pt');
    expect(mailLocale('fr')).toBe('en');
    expect(mailLocale(null)).toBe('en');
  });

  it('renders the review in English and Portuguese, in the course time zone, with escaped HTML', () => {
    const en = justificationReviewedMail('en', { ...base, decision: 'approved' });
    expect(en.subject).toBe('Your justification for CS101 was approved');
    expect(en.text).toContain('Your absence is now excused.');
    expect(en.text).toContain('09:00'); // 08:00Z is 09:00 in Lisbon (summer time)
    expect(en.html).toContain('Ana &lt;b&gt;Silva&lt;/b&gt;');
    expect(en.html).toContain('ok &amp; welcome');
    const pt = justificationReviewedMail('pt', { ...base, type: 'late', decision: 'rejected', comment: null });
    expect(pt.subject).toBe('A sua justificação para CS101 foi rejeitada');
    expect(pt.text).toContain('não foi alterado');
    expect(pt.text).not.toContain('Comentário');
  });

  it('renders the warning and the digest with plurals', () => {
    expect(attendanceWarningMail('pt', { ...base, ratePercent: 60, thresholdPercent: 75 }).subject).toBe(
      'Aviso de assiduidade: CS101 está em 60%',
    );
    const item = {
      courseCode: 'CS101',
      studentName: 'Rui',
      type: 'late' as const,
      sessionStartsAt: base.sessionStartsAt,
      timezone: 'UTC',
    };
    expect(
      justificationDigestMail('en', { fullName: 'T', items: [item, item], total: 25, link: base.link }),
    ).toMatchObject({
      subject: '25 justifications are waiting for your review',
      text: expect.stringContaining('… and 23 more.'),
    });
    expect(justificationDigestMail('pt', { fullName: 'T', items: [item], total: 1, link: base.link }).subject).toBe(
      '1 justificação aguarda a sua revisão',
    );
  });

  it('escapes every HTML special character', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
