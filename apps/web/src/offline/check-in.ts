import type { QueueOutcome } from './queue';

type Translate = (key: string, named?: Record<string, unknown>) => string;

/** Refusals of a queued check-in that mean "the code was no longer good when it arrived": ask the teacher. */
const TOO_LATE = new Set([
  'attendance/code-invalid',
  'attendance/code-expired',
  'attendance/session-not-open',
  'attendance/session-closed',
]);

/** Plain words for a queued check-in the server did not accept. */
export function checkInRefusal(o: QueueOutcome, t: Translate, te: (key: string) => boolean): string {
  if (o.code && TOO_LATE.has(o.code)) return t('offline.checkIn.askTeacher');
  const key = o.code ? `errors.${o.code.replace('/', '.')}` : '';
  const reason = key && te(key) ? t(key, { seconds: 60 }) : (o.message ?? t('errors.generic'));
  return t('offline.checkIn.refused', { reason });
}

/** How many check-in boxes are on screen: each answers queued check-ins itself, inline. */
let boxesOnScreen = 0;

/**
 * A check-in box on screen shows the outcome of a queued check-in inline (the result, or why it was refused); the
 * app then shows no toast for it (once is enough, and on a phone a toast covers the page). Returns the undo.
 */
export function answerQueuedCheckInsInline(): () => void {
  boxesOnScreen++;
  let done = false;
  return () => {
    if (!done) boxesOnScreen--;
    done = true;
  };
}

/** Whether a check-in box on screen is showing queued check-ins' outcomes (else the app shows a toast). */
export const queuedCheckInsAnsweredInline = () => boxesOnScreen > 0;
