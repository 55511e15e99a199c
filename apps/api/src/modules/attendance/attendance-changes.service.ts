import { Injectable } from '@nestjs/common';
import { ServerEvent } from '@sysponto/contracts';
import type { EntityManager } from 'typeorm';
import { RealtimeService } from '../../realtime/realtime.service.js';
import type { NotificationDto } from '../notifications/notifications.dto.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { type AppliedChange, applyStatusChange, type StatusChange } from './status-change.js';

/**
 * The attendance module's public side for status changes made elsewhere (a justification's approval): write the
 * change in the caller's transaction, push it after commit. The roster and closing use the same two steps.
 */
@Injectable()
export class AttendanceChangesService {
  constructor(
    private readonly realtime: RealtimeService,
    private readonly notifications: NotificationsService,
  ) {}

  /** Record and event in the caller's transaction (see applyStatusChange); push the result with `publish`. */
  apply(m: EntityManager, change: StatusChange): Promise<AppliedChange> {
    return applyStatusChange(m, change);
  }

  /** After commit: `attendance.updated` to the session room and each student's room, then their notifications. */
  publish(changes: AppliedChange[], created: NotificationDto[] = []) {
    for (const { changed: _changed, ...payload } of changes) {
      this.realtime.toSession(payload.sessionId, ServerEvent.AttendanceUpdated, payload);
      this.realtime.toUser(payload.studentId, ServerEvent.AttendanceUpdated, payload);
    }
    this.notifications.publish(created);
  }
}
