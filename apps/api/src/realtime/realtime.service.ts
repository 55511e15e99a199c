import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sessionRoom, userRoom, type ServerToClientEvents } from '@sysponto/contracts';
import { DataSource } from 'typeorm';
import { RealtimeGateway } from './realtime.gateway.js';

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
      const rows: { course_id: string; student_ids: string[] }[] = await this.dataSource.query(
        `SELECT s.course_id, coalesce(array_agg(e.student_id) FILTER (WHERE e.student_id IS NOT NULL), '{}') AS student_ids
           FROM class_sessions s LEFT JOIN enrollments e ON e.course_id = s.course_id AND e.ended_at IS NULL
          WHERE s.id = $1 GROUP BY s.course_id`,
        [sessionId],
      );
      if (rows[0]) this.toUser(rows[0].student_ids, event, payload(rows[0].course_id));
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
