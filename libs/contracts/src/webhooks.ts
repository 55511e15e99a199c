import type { SessionState, UserRole } from './enums.js';
import type {
  AttendanceSubmittedPayload,
  AttendanceUpdatedPayload,
  JustificationReviewedPayload,
  JustificationSubmittedPayload,
} from './events.js';

/**
 * Webhook event types (Standard Webhooks): the body of every delivery is `{type, timestamp, data}`; `data` is the
 * socket event's payload where one exists (the same type), else one of the payloads below.
 */
export const WebhookEvent = {
  AttendanceSubmitted: 'attendance.submitted',
  AttendanceUpdated: 'attendance.updated',
  SessionOpened: 'session.opened',
  SessionClosed: 'session.closed',
  JustificationSubmitted: 'justification.submitted',
  JustificationReviewed: 'justification.reviewed',
  EnrollmentCreated: 'enrollment.created',
  EnrollmentDeleted: 'enrollment.deleted',
  UserCreated: 'user.created',
  UserUpdated: 'user.updated',
} as const;
export type WebhookEvent = (typeof WebhookEvent)[keyof typeof WebhookEvent];
export const WEBHOOK_EVENTS = Object.values(WebhookEvent);

/** Sent only by `POST /api/webhooks/:id/test`, to that endpoint; never subscribed to. */
export const WEBHOOK_TEST_EVENT = 'webhook.test';

export interface SessionLifecyclePayload {
  sessionId: string;
  courseId: string;
  state: SessionState;
  startsAt: string;
  endsAt: string;
  /** session.closed: how many pending check-ins were validated and how many students were marked absent. */
  validated?: number;
  markedAbsent?: number;
}

export interface EnrollmentPayload {
  courseId: string;
  studentId: string;
}

export interface UserPayload {
  id: string;
  email: string;
  fullName: string;
  role: UserRole;
  active: boolean;
  studentNumber: string | null;
}

export interface WebhookTestPayload {
  webhookId: string;
  message: string;
}

export interface WebhookPayloads {
  'attendance.submitted': AttendanceSubmittedPayload;
  'attendance.updated': AttendanceUpdatedPayload;
  'session.opened': SessionLifecyclePayload;
  'session.closed': SessionLifecyclePayload;
  'justification.submitted': JustificationSubmittedPayload;
  'justification.reviewed': JustificationReviewedPayload;
  'enrollment.created': EnrollmentPayload;
  'enrollment.deleted': EnrollmentPayload;
  'user.created': UserPayload;
  'user.updated': UserPayload;
  'webhook.test': WebhookTestPayload;
}

/** The JSON body of a delivery. `timestamp`: when the event happened (ISO 8601). */
export interface WebhookBody<E extends keyof WebhookPayloads = keyof WebhookPayloads> {
  type: E;
  timestamp: string;
  data: WebhookPayloads[E];
}
