import type {
  AttendanceFlag,
  AttendanceSource,
  AttendanceStatus,
  JustificationStatus,
  JustificationType,
} from './enums.js';

/** Socket.IO event names: `<entity>.<past-tense verb>`. Rooms: `user:<id>`, `session:<id>`. */
export const ServerEvent = {
  AttendanceSubmitted: 'attendance.submitted',
  AttendanceUpdated: 'attendance.updated',
  AttendanceFlagged: 'attendance.flagged',
  AttendanceLockedOut: 'attendance.locked-out',
  AttendanceLockoutCleared: 'attendance.lockout-cleared',
  JustificationSubmitted: 'justification.submitted',
  JustificationReviewed: 'justification.reviewed',
  NotificationCreated: 'notification.created',
  CodeRotated: 'code.rotated',
  CodeRevoked: 'code.revoked',
  SessionCancelled: 'session.cancelled',
  SessionOpened: 'session.opened',
  SessionClosed: 'session.closed',
  SessionCodeChanged: 'session.code-changed',
} as const;

export const ClientEvent = {
  SessionWatch: 'session.watch',
  SessionUnwatch: 'session.unwatch',
} as const;

export const userRoom = (userId: string) => `user:${userId}`;
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;

export interface AttendanceSubmittedPayload {
  sessionId: string;
  studentId: string;
  fullName: string;
  checkedInAt: string;
  status: AttendanceStatus;
  /** Integrity flags of the new record (e.g. `shared-device`); empty when none. */
  flags: AttendanceFlag[];
}

export interface AttendanceUpdatedPayload {
  sessionId: string;
  studentId: string;
  status: AttendanceStatus;
  previousStatus: AttendanceStatus | null;
  source: AttendanceSource;
}

/**
 * The flags of a record changed (session room only): raised later (another student checked in from the same device,
 * so an earlier record is flagged retroactively) or cleared by a teacher. `flags` is the record's whole new set.
 */
export interface AttendanceFlaggedPayload {
  sessionId: string;
  studentId: string;
  flags: AttendanceFlag[];
}

/**
 * A student is locked out of check-in (too many wrong codes): to the rooms of the sessions they could be checking in
 * to, so their teacher can let them try again or mark them.
 */
export interface AttendanceLockedOutPayload {
  sessionId: string;
  studentId: string;
  fullName: string;
}

/** A teacher let a locked-out student try again: to the session room and to the student. */
export interface AttendanceLockoutClearedPayload {
  sessionId: string;
  studentId: string;
}

export interface JustificationSubmittedPayload {
  justificationId: string;
  sessionId: string;
  courseId: string;
  studentId: string;
  fullName: string;
  type: JustificationType;
}

export interface JustificationReviewedPayload {
  justificationId: string;
  sessionId: string;
  status: JustificationStatus;
  comment: string | null;
}

/** Title and body are in the recipient's language; `params` are what they were rendered from. */
export interface NotificationCreatedPayload {
  id: string;
  type: string;
  title: string;
  body: string;
  params: Record<string, unknown> | null;
  link: string | null;
  createdAt: string;
}

export interface CodeRotatedPayload {
  sessionId: string;
  code: string;
  /** When the code as a whole stops being accepted (end of its validity). */
  expiresAt: string;
  mode?: 'fixed' | 'rotating';
  /** Rotating mode: when the shown code changes next. */
  rotatesAt?: string | null;
  /** The link the QR code encodes. */
  checkInUrl?: string;
  /** Rotating mode: seconds per code (the course's `rotatingIntervalSeconds` when the code was generated). */
  rotationSeconds?: number | null;
}

export interface CodeRevokedPayload {
  sessionId: string;
  /** revoked by a teacher, or the session closed. */
  reason: 'revoked' | 'closed';
}

/** A session was cancelled: to its live room and to the course's enrolled students. */
export interface SessionCancelledPayload {
  sessionId: string;
  courseId: string;
  state: 'cancelled';
  reason: string;
}

/** Check-in opened (its first code, or a reopened session's fresh code): to the course's enrolled students. */
export interface SessionOpenedPayload {
  sessionId: string;
  courseId: string;
  state: 'open';
}

/** A session was closed (by its teacher or at its end): to the course's enrolled students. */
export interface SessionClosedPayload {
  sessionId: string;
  courseId: string;
  state: 'closed';
}

/**
 * The session's check-in code changed (a new code, or the code revoked): to the course's enrolled students, so a
 * student who typed the old one knows to ask for the new one. Never the code itself; not sent on each rotating tick.
 */
export interface SessionCodeChangedPayload {
  sessionId: string;
  courseId: string;
  /** `new`: another code replaced the active one; `revoked`: no code is accepted until the teacher shows one. */
  reason: 'new' | 'revoked';
}

/**
 * Every server → client event and its payload: the one map the socket types (below) and the AsyncAPI document
 * (`/api/docs/asyncapi.json`, generated from these declarations by `pnpm gen:api`) are derived from.
 */
export interface ServerEventPayloads {
  'attendance.submitted': AttendanceSubmittedPayload;
  'attendance.updated': AttendanceUpdatedPayload;
  'attendance.flagged': AttendanceFlaggedPayload;
  'attendance.locked-out': AttendanceLockedOutPayload;
  'attendance.lockout-cleared': AttendanceLockoutClearedPayload;
  'justification.submitted': JustificationSubmittedPayload;
  'justification.reviewed': JustificationReviewedPayload;
  'notification.created': NotificationCreatedPayload;
  'code.rotated': CodeRotatedPayload;
  'code.revoked': CodeRevokedPayload;
  'session.cancelled': SessionCancelledPayload;
  'session.opened': SessionOpenedPayload;
  'session.closed': SessionClosedPayload;
  'session.code-changed': SessionCodeChangedPayload;
}

export type ServerToClientEvents = {
  [E in keyof ServerEventPayloads]: (payload: ServerEventPayloads[E]) => void;
};

export interface WatchAck {
  ok: boolean;
  code?: string;
}

/** Join or leave a session's live room (its teachers and admins only; the ack says whether it worked). */
export interface SessionWatchPayload {
  sessionId: string;
}

/** Every client → server event: its payload and the ack the server answers with. */
export interface ClientEventPayloads {
  'session.watch': { payload: SessionWatchPayload; ack: WatchAck };
  'session.unwatch': { payload: SessionWatchPayload; ack: WatchAck };
}

export type ClientToServerEvents = {
  [E in keyof ClientEventPayloads]: (
    payload: ClientEventPayloads[E]['payload'],
    ack: (res: ClientEventPayloads[E]['ack']) => void,
  ) => void;
};
