import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { AttendanceChangesService } from './attendance-changes.service.js';
import { AttendanceClock } from './attendance-clock.js';
import { AttendanceFlagsController } from './attendance-flags.controller.js';
import { AttendanceFlagsService } from './attendance-flags.service.js';
import { AttendanceCodesController } from './attendance-codes.controller.js';
import { AttendanceCodesService } from './attendance-codes.service.js';
import { AttendanceTimers } from './attendance-timers.js';
import { CheckInBatcher } from './check-in-batcher.js';
import { CheckInController } from './check-in.controller.js';
import { CheckInService } from './check-in.service.js';
import { CheckInLockoutService } from './check-in-lockout.service.js';
import { MyAttendanceController } from './my-attendance.controller.js';
import { MyAttendanceService } from './my-attendance.service.js';
import { SessionAttendanceController } from './session-attendance.controller.js';
import { SessionAttendanceService } from './session-attendance.service.js';
import { PrivacyPurgeService } from './privacy-purge.service.js';
import { SessionCloseService } from './session-close.service.js';
import { SessionReopenService } from './session-reopen.service.js';
import { SessionLocationController } from './session-location.controller.js';
import { SessionLocationService } from './session-location.service.js';

@Module({
  imports: [NotificationsModule, AuditModule],
  controllers: [
    AttendanceCodesController,
    CheckInController,
    SessionAttendanceController,
    MyAttendanceController,
    SessionLocationController,
    AttendanceFlagsController,
  ],
  providers: [
    AttendanceClock,
    AttendanceChangesService,
    AttendanceCodesService,
    CheckInBatcher,
    CheckInService,
    CheckInLockoutService,
    SessionAttendanceService,
    SessionCloseService,
    SessionReopenService,
    MyAttendanceService,
    SessionLocationService,
    AttendanceFlagsService,
    PrivacyPurgeService,
    AttendanceTimers,
  ],
  exports: [SessionCloseService, AttendanceCodesService, AttendanceChangesService],
})
export class AttendanceModule {}
