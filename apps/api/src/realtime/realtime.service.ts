import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sessionRoom, userRoom, type ServerToClientEvents } from '@sysponto/contracts';
import { DataSource } from 'typeorm';
import { RealtimeGateway } from './realtime.gateway.js';
import { sessionAudience } from './realtime.queries.js';

type EventName = keyof ServerToClientEvents;
type PayloadOf<E extends EventName> = Parameters<ServerToClientEvents[E]>[0];

/**
 * The only way the app pushes events. Call it after the transaction commits: the database is the source of truth
 * and clients re-read over REST after a reconnect. Reaches every replica through the adapter.
 */
@Injectable()
export class RealtimeService {
  private readonly logger = new Logger('Realtime');

  constructor(
    private readonly gateway: RealtimeGateway,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /**
   * To the students enrolled now in a session's course (their `user:<id>` rooms: never another course's students,
   * never the public). Reads the enrollments after commit; a failed read is logged, not thrown (clients re-read).
   */
  async toSessionStudents<E extends EventName>(
    sessionId: string,
    event: E,
    payload: (courseId: string) => PayloadOf<E>,
  ) {
    try {
      const audience = await sessionAudience(this.dataSource.manager, sessionId);
      if (audience) this.toUser(audience.studentIds, event, payload(audience.courseId));
    } catch (err) {
      this.logger.warn(`${event} to the students of ${sessionId} failed: ${(err as Error).message}`);
    }
  }

  toUser<E extends EventName>(userId: string | string[], event: E, payload: PayloadOf<E>) {
    const rooms = (Array.isArray(userId) ? userId : [userId]).map(userRoom);
    if (rooms.length === 0 || !this.gateway.server) return;
    (this.gateway.server.to(rooms) as unknown as { emit(e: string, p: unknown): void }).emit(event, payload);
  }

  toSession<E extends EventName>(sessionId: string, event: E, payload: PayloadOf<E>) {
    if (!this.gateway.server) return;
    (this.gateway.server.to(sessionRoom(sessionId)) as unknown as { emit(e: string, p: unknown): void }).emit(
      event,
      payload,
    );
  }
}
