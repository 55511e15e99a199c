import { InitUsers1764000000000 } from './1764000000000-InitUsers.js';
import { CoreDomain1764100000000 } from './1764100000000-CoreDomain.js';
import { AttendanceCodes1764120000000 } from './1764120000000-AttendanceCodes.js';
import { AttendanceCheckIn1764120000001 } from './1764120000001-AttendanceCheckIn.js';
import { JustificationsMail1764300000000 } from './1764300000000-JustificationsMail.js';
import { CalendarFeeds1764400000000 } from './1764400000000-CalendarFeeds.js';
import { AuditEvents1796156515860 } from './1796156515860-AuditEvents.js';
import { SqlFunctionFiles1796156606058 } from './1796156606058-SqlFunctionFiles.js';
import { IdempotencyKeys1796156638642 } from './1796156638642-IdempotencyKeys.js';
import { AttendanceRecordChanges1796157917304 } from './1796157917304-AttendanceRecordChanges.js';
import { EnrollmentHistory1796161550605 } from './1796161550605-EnrollmentHistory.js';
import { AttendanceIntegrity1796156703729 } from './1796156703729-AttendanceIntegrity.js';
import { Webhooks1796162768181 } from './1796162768181-Webhooks.js';
import { TokenRevocations1796158896872 } from './1796158896872-TokenRevocations.js';
import { NotificationParams1796162880566 } from './1796162880566-NotificationParams.js';
import { IntegrityCheckIn1796164662127 } from './1796164662127-IntegrityCheckIn.js';
import { ApiKeys1796167521918 } from './1796167521918-ApiKeys.js';
import { PasswordResetTokens1796170449511 } from './1796170449511-PasswordResetTokens.js';
import { AttendanceSourceImport1796185241634 } from './1796185241634-AttendanceSourceImport.js';
import { Holidays1796188793358 } from './1796188793358-Holidays.js';
import { SessionReopen1796202226895 } from './1796202226895-SessionReopen.js';
import { AttendanceExpectedSetWise1796219828350 } from './1796219828350-AttendanceExpectedSetWise.js';
import { AttendanceTallies1796232402462 } from './1796232402462-AttendanceTallies.js';

/** Every migration, in order. Add new ones at the end (timestamps keep them ordered). */
export const MIGRATIONS = [
  InitUsers1764000000000,
  CoreDomain1764100000000,
  AttendanceCodes1764120000000,
  AttendanceCheckIn1764120000001,
  JustificationsMail1764300000000,
  CalendarFeeds1764400000000,
  AuditEvents1796156515860,
  SqlFunctionFiles1796156606058,
  IdempotencyKeys1796156638642,
  AttendanceIntegrity1796156703729,
  AttendanceRecordChanges1796157917304,
  TokenRevocations1796158896872,
  EnrollmentHistory1796161550605,
  Webhooks1796162768181,
  NotificationParams1796162880566,
  IntegrityCheckIn1796164662127,
  ApiKeys1796167521918,
  PasswordResetTokens1796170449511,
  AttendanceSourceImport1796185241634,
  Holidays1796188793358,
  SessionReopen1796202226895,
  AttendanceExpectedSetWise1796219828350,
  AttendanceTallies1796232402462,
];
