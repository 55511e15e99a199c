import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { AppConfig } from './config/app-config.js';
import { CoreModule } from './common/core.module.js';
import { AuthGuard } from './common/auth.guard.js';
import { DatabaseModule } from './database/database.module.js';
import { DemoSeedService } from './demo/demo-seed.service.js';
import { AuditModule } from './modules/audit/audit.module.js';
import { AttendanceModule } from './modules/attendance/attendance.module.js';
import { AttendanceRecordsModule } from './modules/attendance-records/attendance-records.module.js';
import { AuthModule } from './modules/auth/auth.module.js';
import { RevocationModule } from './modules/auth/revocation.module.js';
import { CalendarModule } from './modules/calendar/calendar.module.js';
import { ReportsModule } from './modules/reports/reports.module.js';
import { CoursesModule } from './modules/courses/courses.module.js';
import { JustificationsModule } from './modules/justifications/justifications.module.js';
import { MailModule } from './modules/mail/mail.module.js';
import { StorageModule } from './modules/storage/storage.module.js';
import { HealthModule } from './modules/health/health.module.js';
import { IdempotencyModule } from './modules/idempotency/idempotency.module.js';
import { DocsModule } from './docs/docs.module.js';
import { MoodleImportModule } from './modules/moodle-import/moodle-import.module.js';
import { UsersModule } from './modules/users/users.module.js';
import { ApiKeysModule } from './modules/api-keys/api-keys.module.js';
import { WebhooksModule } from './modules/webhooks/webhooks.module.js';
import { NotificationsModule } from './modules/notifications/notifications.module.js';
import { RealtimeModule } from './realtime/realtime.module.js';
import { SessionsModule } from './modules/sessions/sessions.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config),
        DatabaseModule,
        AuditModule,
        RevocationModule,
        UsersModule,
        AuthModule,
        RealtimeModule,
        NotificationsModule,
        CoursesModule,
        SessionsModule,
        AttendanceModule,
        ReportsModule,
        CalendarModule,
        StorageModule,
        MailModule,
        JustificationsModule,
        HealthModule,
        IdempotencyModule,
        AttendanceRecordsModule,
        WebhooksModule,
        ApiKeysModule,
        MoodleImportModule,
        DocsModule,
      ],
      providers: [{ provide: APP_GUARD, useClass: AuthGuard }, DemoSeedService],
    };
  }
}
