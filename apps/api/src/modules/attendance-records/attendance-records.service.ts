import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { UserRole } from '@sysponto/contracts';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../common/auth-user.js';
import { decodeCursor, encodeCursor, MAX_UUID } from './attendance-records.cursor.js';
import type { AttendanceRecordChangesDto, AttendanceRecordChangesQueryDto } from './attendance-records.dto.js';
import { AttendanceRecordsErrors } from './attendance-records.errors.js';
import { type FeedRow, findRecordChanges } from './attendance-records.queries.js';

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

/**
 * The changes feed for synchronisation: every attendance record change in commit-safe order. Scoped like the rest:
 * admins see every record, teachers their courses' records, students their own.
 */
@Injectable()
export class AttendanceRecordsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async changes(user: AuthUser, q: AttendanceRecordChangesQueryDto): Promise<AttendanceRecordChangesDto> {
    const after = q.cursor ? decodeCursor(q.cursor) : null;
    if (q.cursor && !after) throw AttendanceRecordsErrors.cursorInvalid();
    const limit = q.limit ?? 100;
    const { rows, horizon } = await findRecordChanges(this.dataSource.manager, {
      teacherId: user.role === UserRole.Teacher ? user.id : null,
      studentScopeId: user.role === UserRole.Student ? user.id : null,
      courseId: q.courseId,
      sessionId: q.sessionId,
      studentId: q.studentId,
      updatedSince: q.updatedSince ? new Date(q.updatedSince) : undefined,
      after,
      limit,
    });
    const hasMore = rows.length === limit;
    const last = rows[rows.length - 1];
    // A short page has served every matching change below the horizon: the cursor may jump to just under it, so
    // the next call skips what this one already scanned. Nothing can commit below the horizon any more.
    const nextCursor = hasMore
      ? encodeCursor({ seq: last.changeSeq, id: last.id })
      : encodeCursor({ seq: (BigInt(horizon) - 1n).toString(), id: MAX_UUID });
    return { items: rows.map(toDto), nextCursor, hasMore };
  }
}

function toDto(r: FeedRow) {
  return {
    id: r.id,
    sessionId: r.sessionId,
    courseId: r.courseId,
    studentId: r.studentId,
    status: r.status,
    source: r.source,
    checkedInAt: iso(r.checkedInAt),
    validatedAt: iso(r.validatedAt),
    validatedBy: r.validatedBy,
    note: r.note,
    updatedAt: iso(r.updatedAt)!,
  };
}
