import type { KnownAuditAction } from '@sysponto/contracts';

export { AUDIT_ACTIONS, type KnownAuditAction } from '@sysponto/contracts';

/**
 * Audit action names — the convention every module follows.
 *
 *   action      = `<target-type>.<past-tense-verb>`   e.g. `user.created`, `enrollment.deleted`, `code.revoked`
 *   target-type = the singular, kebab-case name of what was acted on; it is also stored as `targetType`
 *                 (`user`, `course`, `enrollment`, `session`, `code`, `justification`, `api-key`, `webhook`, `auth`)
 *   verb        = kebab-case past tense: `created`, `updated`, `deleted`, `imported`, `closed`, `reopened`,
 *                 `revoked`, `reviewed`, `login-failed`, `locked-out`
 *
 * Add the names your module writes to AUDIT_ACTIONS in libs/contracts (one list, so the admin page offers them as
 * filters).
 * The summary says what changed in plain JSON (`{ changes: { role: { from, to } } }`, `{ count: 12 }`); never put a
 * password, token, secret or hash in it (AuditService also strips keys that look like one).
 */
/** Known names autocomplete; a new module's names type-check as long as they follow the pattern. */
export type AuditAction = KnownAuditAction | `${string}.${string}`;

export const AUDIT_ACTION_PATTERN = /^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/;
