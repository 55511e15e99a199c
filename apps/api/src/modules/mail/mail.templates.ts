import { formatWhen } from '../../common/time.js';

/** Mail languages: the user's `locale` column. */
export type MailLocale = 'en' | 'pt';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export function mailLocale(locale: string | null | undefined): MailLocale {
  return locale === 'pt' ? 'pt' : 'en';
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Paragraphs (plain text) → the text body and a minimal, escaped HTML body with an optional button. */
function compose(
  subject: string,
  greeting: string,
  paragraphs: string[],
  action: { label: string; url: string } | null,
  footer: string,
): RenderedMail {
  const text = [
    greeting,
    '',
    ...paragraphs.flatMap((p) => [p, '']),
    ...(action ? [`${action.label}: ${action.url}`, ''] : []),
    '—',
    footer,
  ].join('\n');
  const html = [
    '<!doctype html><html><body style="font-family:Arial,Helvetica,sans-serif;font-size:15px;color:#212529;line-height:1.5">',
    `<p>${escapeHtml(greeting)}</p>`,
    ...paragraphs.map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`),
    action
      ? `<p><a href="${escapeHtml(action.url)}" style="display:inline-block;padding:8px 16px;background:#0d6efd;color:#fff;text-decoration:none;border-radius:4px">${escapeHtml(action.label)}</a></p>`
      : '',
    `<p style="color:#6c757d;font-size:12px">${escapeHtml(footer)}</p>`,
    '</body></html>',
  ].join('');
  return { subject, text, html };
}

const FOOTER: Record<MailLocale, string> = {
  en: 'SysPonto — class attendance. You get this email because of your account at your school.',
  pt: 'SysPonto — assiduidade nas aulas. Recebe este email por causa da sua conta na sua escola.',
};

export interface JustificationReviewedMailData {
  fullName: string;
  courseCode: string;
  courseName: string;
  sessionStartsAt: Date;
  timezone: string;
  type: 'absence' | 'late';
  decision: 'approved' | 'rejected';
  comment: string | null;
  link: string;
}

export function justificationReviewedMail(locale: MailLocale, d: JustificationReviewedMailData): RenderedMail {
  const when = formatWhen(d.sessionStartsAt, d.timezone, locale);
  if (locale === 'pt') {
    const what = d.type === 'absence' ? 'falta' : 'atraso';
    const verdict = d.decision === 'approved' ? 'aprovada' : 'rejeitada';
    const effect =
      d.decision === 'approved'
        ? d.type === 'absence'
          ? 'A sua falta passou a justificada.'
          : 'O seu registo passou a presente.'
        : 'O seu registo de assiduidade não foi alterado.';
    return compose(
      `A sua justificação para ${d.courseCode} foi ${verdict}`,
      `Olá ${d.fullName},`,
      [
        `A sua justificação de ${what} na aula de ${d.courseCode} — ${d.courseName} (${when}) foi ${verdict}. ${effect}`,
        ...(d.comment ? [`Comentário: ${d.comment}`] : []),
      ],
      { label: 'Ver as minhas justificações', url: d.link },
      FOOTER.pt,
    );
  }
  const what = d.type === 'absence' ? 'absence' : 'late arrival';
  const effect =
    d.decision === 'approved'
      ? d.type === 'absence'
        ? 'Your absence is now excused.'
        : 'Your record is now present.'
      : 'Your attendance record was not changed.';
  return compose(
    `Your justification for ${d.courseCode} was ${d.decision}`,
    `Hello ${d.fullName},`,
    [
      `Your justification of ${what} for the ${d.courseCode} — ${d.courseName} class on ${when} was ${d.decision}. ${effect}`,
      ...(d.comment ? [`Comment: ${d.comment}`] : []),
    ],
    { label: 'See my justifications', url: d.link },
    FOOTER.en,
  );
}

export interface AttendanceWarningMailData {
  fullName: string;
  courseCode: string;
  courseName: string;
  /** 0..100, rounded. */
  ratePercent: number;
  thresholdPercent: number;
  link: string;
}

export function attendanceWarningMail(locale: MailLocale, d: AttendanceWarningMailData): RenderedMail {
  if (locale === 'pt') {
    return compose(
      `Aviso de assiduidade: ${d.courseCode} está em ${d.ratePercent}%`,
      `Olá ${d.fullName},`,
      [
        `A sua assiduidade em ${d.courseCode} — ${d.courseName} está em ${d.ratePercent}%, abaixo do mínimo de ${d.thresholdPercent}%.`,
        'Se faltou por um motivo válido, pode justificar a falta com um documento.',
      ],
      { label: 'Ver a minha assiduidade', url: d.link },
      FOOTER.pt,
    );
  }
  return compose(
    `Attendance warning: ${d.courseCode} is at ${d.ratePercent}%`,
    `Hello ${d.fullName},`,
    [
      `Your attendance in ${d.courseCode} — ${d.courseName} is ${d.ratePercent}%, below the minimum of ${d.thresholdPercent}%.`,
      'If you missed a class for a valid reason, you can justify the absence with a document.',
    ],
    { label: 'See my attendance', url: d.link },
    FOOTER.en,
  );
}

export interface DigestItem {
  courseCode: string;
  studentName: string;
  type: 'absence' | 'late';
  sessionStartsAt: Date;
  timezone: string;
}

export interface JustificationDigestMailData {
  fullName: string;
  /** At most the first DIGEST_MAX_ITEMS, oldest first. */
  items: DigestItem[];
  total: number;
  link: string;
}

export const DIGEST_MAX_ITEMS = 20;

export function justificationDigestMail(locale: MailLocale, d: JustificationDigestMailData): RenderedMail {
  const lines = d.items.map((i) => {
    const when = formatWhen(i.sessionStartsAt, i.timezone, locale);
    const what =
      locale === 'pt' ? (i.type === 'absence' ? 'falta' : 'atraso') : i.type === 'absence' ? 'absence' : 'late';
    return `• ${i.courseCode} — ${i.studentName} (${what}, ${when})`;
  });
  const more = d.total - d.items.length;
  if (locale === 'pt') {
    return compose(
      d.total === 1 ? '1 justificação aguarda a sua revisão' : `${d.total} justificações aguardam a sua revisão`,
      `Olá ${d.fullName},`,
      [
        d.total === 1
          ? 'Há 1 justificação pendente nas suas unidades curriculares:'
          : `Há ${d.total} justificações pendentes nas suas unidades curriculares:`,
        lines.join('\n') + (more > 0 ? `\n… e mais ${more}.` : ''),
        'Pode desativar este resumo diário no seu perfil.',
      ],
      { label: 'Rever justificações', url: d.link },
      FOOTER.pt,
    );
  }
  return compose(
    d.total === 1
      ? '1 justification is waiting for your review'
      : `${d.total} justifications are waiting for your review`,
    `Hello ${d.fullName},`,
    [
      d.total === 1
        ? 'There is 1 pending justification in your courses:'
        : `There are ${d.total} pending justifications in your courses:`,
      lines.join('\n') + (more > 0 ? `\n… and ${more} more.` : ''),
      'You can turn this daily digest off in your profile.',
    ],
    { label: 'Review justifications', url: d.link },
    FOOTER.en,
  );
}

export interface PasswordResetMailData {
  fullName: string;
  link: string;
  minutes: number;
  /** Sent by an admin rather than asked for by the user. */
  byAdmin: boolean;
}

export function passwordResetMail(locale: MailLocale, d: PasswordResetMailData): RenderedMail {
  if (locale === 'pt') {
    return compose(
      'Definir uma nova palavra-passe do SysPonto',
      `Olá ${d.fullName},`,
      [
        d.byAdmin
          ? 'A administração da sua escola enviou-lhe uma ligação para definir uma nova palavra-passe.'
          : 'Recebemos um pedido para definir uma nova palavra-passe da sua conta.',
        `A ligação funciona uma única vez, durante ${d.minutes} minutos. Se não pediu nada, ignore este email: a sua palavra-passe não muda.`,
      ],
      { label: 'Definir nova palavra-passe', url: d.link },
      FOOTER.pt,
    );
  }
  return compose(
    'Set a new SysPonto password',
    `Hello ${d.fullName},`,
    [
      d.byAdmin
        ? "Your school's administration sent you a link to set a new password."
        : 'We received a request to set a new password for your account.',
      `The link works once, for ${d.minutes} minutes. If you did not ask for it, ignore this email: your password stays as it is.`,
    ],
    { label: 'Set a new password', url: d.link },
    FOOTER.en,
  );
}
