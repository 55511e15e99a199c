import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccessService } from '../../common/access.service.js';
import type { AuthUser } from '../../common/auth-user.js';
import type { GeoFixDto, SessionLocationDto } from './attendance.dto.js';
import { AttendanceErrors } from './attendance.errors.js';
import { SessionLocationAnchorEntity } from './session-location-anchor.entity.js';
import { ClassSessionEntity } from '../sessions/class-session.entity.js';

/**
 * The session's location anchor for the in-room check: the teacher's device position in the room. Replaced on each
 * call and deleted when the session closes (SessionCloseService).
 */
@Injectable()
export class SessionLocationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
  ) {}

  async set(user: AuthUser, sessionId: string, fix: GeoFixDto): Promise<SessionLocationDto> {
    return this.dataSource.transaction(async (m) => {
      await this.access.assertSessionStaff(user, sessionId, m);
      // Lock the session against a concurrent close, which deletes the anchor.
      const s = await m.findOne(ClassSessionEntity, {
        select: { id: true, state: true },
        where: { id: sessionId },
        lock: { mode: 'pessimistic_read' },
      });
      if (!s || s.state === 'closed') throw AttendanceErrors.sessionClosed();
      const repo = m.getRepository(SessionLocationAnchorEntity);
      await repo.upsert(
        {
          sessionId,
          latitude: fix.latitude,
          longitude: fix.longitude,
          accuracyMeters: fix.accuracy,
          setBy: user.id,
          setAt: () => 'now()',
        },
        ['sessionId'],
      );
      return toDto(await repo.findOneByOrFail({ sessionId }));
    });
  }

  async get(user: AuthUser, sessionId: string): Promise<SessionLocationDto> {
    await this.access.assertSessionStaff(user, sessionId);
    const anchor = await this.dataSource.getRepository(SessionLocationAnchorEntity).findOneBy({ sessionId });
    if (!anchor) throw AttendanceErrors.noLocation();
    return toDto(anchor);
  }
}

function toDto(a: SessionLocationAnchorEntity): SessionLocationDto {
  return {
    sessionId: a.sessionId,
    latitude: a.latitude,
    longitude: a.longitude,
    accuracy: a.accuracyMeters,
    setAt: a.setAt.toISOString(),
  };
}
