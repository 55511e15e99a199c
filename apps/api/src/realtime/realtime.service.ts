import { Injectable } from '@nestjs/common';
import { sessionRoom, userRoom, type ServerToClientEvents } from '@sysponto/contracts';
import { RealtimeGateway } from './realtime.gateway.js';

type EventName = keyof ServerToClientEvents;
type PayloadOf<E extends EventName> = Parameters<ServerToClientEvents[E]>[0];

/**
 * The only way the app pushes events. Call it after the transaction commits: the database is the source of truth
 * and clients re-read over REST after a reconnect. Reaches every replica through the adapter.
 */
@Injectable()
export class RealtimeService {
  constructor(private readonly gateway: RealtimeGateway) {}

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
