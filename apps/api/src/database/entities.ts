import { ApiKeyEntity } from '../modules/api-keys/api-key.entity.js';
import { AuditEventEntity } from '../modules/audit/audit-event.entity.js';
import { AttendanceCodeEntity } from '../modules/attendance/attendance-code.entity.js';
import { AttendanceDeviceHashEntity } from '../modules/attendance/attendance-device-hash.entity.js';
import { AttendanceEventEntity } from '../modules/attendance/attendance-event.entity.js';
import { AttendanceRecordEntity } from '../modules/attendance/attendance-record.entity.js';
import { CalendarFeedEntity } from '../modules/calendar/calendar-feed.entity.js';
import { SessionLocationAnchorEntity } from '../modules/attendance/session-location-anchor.entity.js';
import { PasswordResetTokenEntity } from '../modules/auth/password-reset-token.entity.js';
import { RefreshTokenEntity } from '../modules/auth/refresh-token.entity.js';
import { TokenRevocationEntity } from '../modules/auth/token-revocation.entity.js';
import { CourseEntity, CourseTeacherEntity, EnrollmentEntity } from '../modules/courses/course.entity.js';
import { IdempotencyKeyEntity } from '../modules/idempotency/idempotency-key.entity.js';
import { JustificationEntity } from '../modules/justifications/justification.entity.js';
import { MailOutboxEntity } from '../modules/mail/mail-outbox.entity.js';
import { NotificationEntity } from '../modules/notifications/notification.entity.js';
import { ClassSessionEntity } from '../modules/sessions/class-session.entity.js';
import { HolidayEntity } from '../modules/sessions/holiday.entity.js';
import {
  AttendanceClosedRowEntity,
  AttendanceSessionTallyEntity,
  AttendanceStudentTallyEntity,
} from '../modules/reports/attendance-tallies.entity.js';
import { UserEntity } from '../modules/users/user.entity.js';
import {
  WebhookDeliveryEntity,
  WebhookEndpointEntity,
  WebhookMessageEntity,
} from '../modules/webhooks/webhook.entities.js';

/** Every entity, registered once for the data source. Add yours here. */
export const ENTITIES = [
  UserEntity,
  RefreshTokenEntity,
  PasswordResetTokenEntity,
  TokenRevocationEntity,
  CourseEntity,
  CourseTeacherEntity,
  EnrollmentEntity,
  ClassSessionEntity,
  AttendanceRecordEntity,
  AttendanceEventEntity,
  AttendanceCodeEntity,
  JustificationEntity,
  NotificationEntity,
  MailOutboxEntity,
  CalendarFeedEntity,
  AuditEventEntity,
  IdempotencyKeyEntity,
  SessionLocationAnchorEntity,
  AttendanceDeviceHashEntity,
  WebhookEndpointEntity,
  WebhookMessageEntity,
  WebhookDeliveryEntity,
  ApiKeyEntity,
  HolidayEntity,
  AttendanceClosedRowEntity,
  AttendanceStudentTallyEntity,
  AttendanceSessionTallyEntity,
];
