/**
 * Every audit action the API writes (`<target-type>.<past-tense-verb>`; the convention is in the API's
 * modules/audit/audit.actions.ts). One list: the API types its writes with it and the admin's audit page offers it
 * as filters, grouped by target type.
 */
export const AUDIT_ACTIONS = [
  'user.created',
  'user.updated',
  'user.deleted',
  'user.anonymized',
  'user.imported',
  'course.attendance-imported',
  'user.password-changed',
  'user.password-reset',
  'user.password-reset-sent',
  'user.check-in-unlocked',
  'course.created',
  'course.updated',
  'course.deleted',
  'enrollment.created',
  'enrollment.deleted',
  'session.created',
  'session.updated',
  'session.deleted',
  'session.closed',
  'session.reopened',
  'session.cancelled',
  'holiday.created',
  'holiday.deleted',
  'code.created',
  'code.revoked',
  'attendance.updated',
  'attendance.flag-cleared',
  'justification.reviewed',
  'api-key.created',
  'api-key.revoked',
  'webhook.created',
  'webhook.updated',
  'webhook.deleted',
  'auth.login-failed',
  'auth.locked-out',
] as const;

export type KnownAuditAction = (typeof AUDIT_ACTIONS)[number];

/** The audit actions by target type (`user` → `user.created`, …), in the order of AUDIT_ACTIONS. */
export function auditActionsByTarget(): Record<string, KnownAuditAction[]> {
  const byTarget: Record<string, KnownAuditAction[]> = {};
  for (const action of AUDIT_ACTIONS) (byTarget[action.slice(0, action.indexOf('.'))] ??= []).push(action);
  return byTarget;
}
