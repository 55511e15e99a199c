import { IntlMessageFormat } from 'intl-messageformat';
import { formatWhen } from '../../common/time.js';

/**
 * Notification texts, per type and locale (docs/notifications.md). A notification is stored as its type and its
 * parameters; its title and body are rendered here for each reader, in the reader's locale (users.locale), when it is
 * listed and when it is pushed. Messages are ICU MessageFormat (plurals, selects). Instants are passed as ISO strings
 * with the IANA zone they are shown in (`startsAt` + `timezone` → `{when}`).
 *
 * Adding a notification type: add it to NOTIFICATION_MESSAGES (en and pt, title and body) with its parameters in
 * NotificationParams, and create it with `NotificationsService.create([{ userId, type, params, link }])`.
 */
export type Locale = 'en' | 'pt';
export const LOCALES: Locale[] = ['en', 'pt'];

export function toLocale(value: string | null | undefined): Locale {
  return value === 'pt' ? 'pt' : 'en';
}

interface SessionParams {
  courseCode: string;
  /** The session's title, or null. */
  title: string | null;
  /** ISO instant of the session start and the course zone it is shown in. */
  startsAt: string;
  timezone: string;
}

/** The parameters each notification type carries (stored as JSON with the notification). */
export interface NotificationParams {
  'attendance.validated': SessionParams & { status: 'present' | 'late'; note: string | null };
  'attendance.updated': SessionParams & { status: string; note: string | null };
  'attendance.code-rotated': { courseCode: string };
  'course.enrolled': { courseCode: string; courseName: string };
  'justification.submitted': SessionParams & { studentName: string; kind: 'absence' | 'late'; reason: string };
  'justification.reviewed': SessionParams & {
    kind: 'absence' | 'late';
    decision: 'approved' | 'rejected';
    comment: string | null;
  };
  'session.cancelled': SessionParams & { reason: string };
  'webhook.disabled': { url: string; failures: number };
}
export type NotificationType = keyof NotificationParams;

type Texts = { title: string; body: string };

const STATUS_EN = `{status, select, pending {awaiting validation} present {present} late {late} absent {absent} excused {excused} other {{status}}}`;
const STATUS_PT = `{status, select, pending {a aguardar validação} present {presente} late {atrasado} absent {falta} excused {falta justificada} other {{status}}}`;
const WHAT = `{courseCode}{hasTitle, select, yes { – {title}} other {}}`;

/** ICU messages per type and locale. `{when}` and `{hasTitle}` are derived from the parameters. */
export const NOTIFICATION_MESSAGES: Record<NotificationType, Record<Locale, Texts>> = {
  'attendance.validated': {
    en: {
      title: `{courseCode}: check-in validated (${STATUS_EN})`,
      body: `Your attendance for ${WHAT} on {when} is now ${STATUS_EN}.{hasNote, select, yes { Note: {note}} other {}}`,
    },
    pt: {
      title: `{courseCode}: registo validado (${STATUS_PT})`,
      body: `A sua presença em ${WHAT} a {when} ficou como ${STATUS_PT}.{hasNote, select, yes { Nota: {note}} other {}}`,
    },
  },
  'attendance.updated': {
    en: {
      title: `{courseCode}: marked ${STATUS_EN}`,
      body: `Your attendance for ${WHAT} on {when} is now ${STATUS_EN}.{hasNote, select, yes { Note: {note}} other {}}`,
    },
    pt: {
      title: `{courseCode}: marcado como ${STATUS_PT}`,
      body: `A sua presença em ${WHAT} a {when} ficou como ${STATUS_PT}.{hasNote, select, yes { Nota: {note}} other {}}`,
    },
  },
  'attendance.code-rotated': {
    en: {
      title: '{courseCode}: the check-in code was replaced',
      body: 'Many wrong codes were tried for your session, so its code was replaced. Show the new code to your students.',
    },
    pt: {
      title: '{courseCode}: o código de registo foi substituído',
      body: 'Foram tentados muitos códigos errados na sua aula, por isso o código foi substituído. Mostre o novo código aos estudantes.',
    },
  },
  'course.enrolled': {
    en: {
      title: 'Enrolled in {courseCode}',
      body: 'You were enrolled in {courseCode} — {courseName}. Its sessions are now in your calendar.',
    },
    pt: {
      title: 'Inscrito em {courseCode}',
      body: 'Foi inscrito em {courseCode} — {courseName}. As aulas estão agora no seu calendário.',
    },
  },
  'justification.submitted': {
    en: {
      title: 'New justification from {studentName}',
      body: '{courseCode}, {when}: {kind, select, absence {absence} other {late arrival}}. {reason}',
    },
    pt: {
      title: 'Nova justificação de {studentName}',
      body: '{courseCode}, {when}: {kind, select, absence {falta} other {atraso}}. {reason}',
    },
  },
  'justification.reviewed': {
    en: {
      title: '{decision, select, approved {Justification approved} other {Justification rejected}}',
      body:
        '{courseCode}, {when}: your {kind, select, absence {absence} other {late arrival}} justification was {decision}.' +
        '{decision, select, approved {{kind, select, absence { The absence is now excused.} other { You are now marked present.}}} other {}}' +
        '{hasComment, select, yes { Comment: {comment}} other {}}',
    },
    pt: {
      title: '{decision, select, approved {Justificação aprovada} other {Justificação recusada}}',
      body:
        '{courseCode}, {when}: a sua justificação de {kind, select, absence {falta} other {atraso}} foi {decision, select, approved {aprovada} other {recusada}}.' +
        '{decision, select, approved {{kind, select, absence { A falta está agora justificada.} other { Está agora marcado como presente.}}} other {}}' +
        '{hasComment, select, yes { Comentário: {comment}} other {}}',
    },
  },
  'session.cancelled': {
    en: {
      title: '{courseCode}: session cancelled',
      body: 'The session {hasTitle, select, yes {{title} } other {}}of {courseCode} on {when} is cancelled: {reason}',
    },
    pt: {
      title: '{courseCode}: aula cancelada',
      body: 'A aula {hasTitle, select, yes {{title} } other {}}de {courseCode} a {when} foi cancelada: {reason}',
    },
  },
  'webhook.disabled': {
    en: {
      title: 'Webhook disabled',
      body: '{url} failed {failures, plural, one {# time} other {# times}} in a row and was disabled. Fix the receiver, then enable it again.',
    },
    pt: {
      title: 'Webhook desativado',
      body: '{url} falhou {failures, plural, one {# vez} other {# vezes seguidas}} e foi desativado. Corrija o recetor e volte a ativá-lo.',
    },
  },
};

const compiled = new Map<string, IntlMessageFormat>();
function format(message: string, locale: Locale, values: Record<string, unknown>): string {
  const key = `${locale}\u0000${message}`;
  let f = compiled.get(key);
  if (!f) compiled.set(key, (f = new IntlMessageFormat(message, locale === 'pt' ? 'pt-PT' : 'en-GB')));
  return String(f.format(values as Record<string, string>));
}

export function isNotificationType(type: string): type is NotificationType {
  return Object.prototype.hasOwnProperty.call(NOTIFICATION_MESSAGES, type);
}

/** Title and body of a notification for a reader; null for a type this version does not know (use the stored text). */
export function renderNotification(type: string, params: unknown, locale: Locale): Texts | null {
  if (!isNotificationType(type) || !params || typeof params !== 'object') return null;
  const p = params as Record<string, unknown>;
  const values: Record<string, unknown> = {
    ...Object.fromEntries(Object.entries(p).map(([k, v]) => [k, v ?? ''])),
    hasTitle: p.title ? 'yes' : 'no',
    hasNote: p.note ? 'yes' : 'no',
    hasComment: p.comment ? 'yes' : 'no',
    when: typeof p.startsAt === 'string' ? formatWhen(p.startsAt, String(p.timezone ?? 'UTC'), locale) : '',
  };
  const m = NOTIFICATION_MESSAGES[type][locale];
  return { title: format(m.title, locale, values), body: format(m.body, locale, values) };
}
