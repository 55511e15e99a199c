import { Injectable, Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  type OnGatewayConnection,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
  ConnectedSocket,
  MessageBody,
} from '@nestjs/websockets';
import {
  ClientEvent,
  sessionRoom,
  userRoom,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type WatchAck,
  UserRole,
} from '@sysponto/contracts';
import type { Server, Socket } from 'socket.io';
import { DataSource } from 'typeorm';
import type { AccessTokenPayload, AuthUser } from '../common/auth-user.js';

type AppServer = Server<ClientToServerEvents, ServerToClientEvents, object, { user: AuthUser }>;
type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, object, { user: AuthUser }>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Authenticated sockets only (JWT in `auth.token`). Every socket joins `user:<id>`; a session's live room is joined
 * with `session.watch`, for the course's teachers and admins only. Clients never broadcast: only the server emits.
 */
@Injectable()
@WebSocketGateway()
export class RealtimeGateway implements OnGatewayInit, OnGatewayConnection {
  private readonly logger = new Logger('Realtime');
  @WebSocketServer() server: AppServer;

  constructor(
    private readonly jwt: JwtService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  afterInit(server: AppServer) {
    server.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      if (typeof token !== 'string' || token.length > 4096) return next(new Error('auth/unauthenticated'));
      try {
        const payload = this.jwt.verify<AccessTokenPayload>(token);
        socket.data.user = { id: payload.sub, role: payload.role, mustChangePassword: payload.mcp === true };
        next();
      } catch {
        next(new Error('auth/unauthenticated'));
      }
    });
  }

  async handleConnection(socket: AppSocket) {
    await socket.join(userRoom(socket.data.user.id));
  }

  @SubscribeMessage(ClientEvent.SessionWatch)
  async watchSession(@ConnectedSocket() socket: AppSocket, @MessageBody() body: unknown): Promise<WatchAck> {
    const sessionId = (body as { sessionId?: unknown } | null)?.sessionId;
    if (typeof sessionId !== 'string' || !UUID.test(sessionId)) return { ok: false, code: 'validation/failed' };
    try {
      if (!(await this.canWatch(socket.data.user, sessionId))) return { ok: false, code: 'sessions/not-found' };
    } catch (err) {
      this.logger.warn(`session.watch failed: ${(err as Error).message}`);
      return { ok: false, code: 'common/unavailable' };
    }
    await socket.join(sessionRoom(sessionId));
    return { ok: true };
  }

  @SubscribeMessage(ClientEvent.SessionUnwatch)
  async unwatchSession(@ConnectedSocket() socket: AppSocket, @MessageBody() body: unknown): Promise<WatchAck> {
    const sessionId = (body as { sessionId?: unknown } | null)?.sessionId;
    if (typeof sessionId !== 'string') return { ok: false, code: 'validation/failed' };
    await socket.leave(sessionRoom(sessionId));
    return { ok: true };
  }

  /** Admins, and teachers of the session's course. Students never join a session room. */
  private async canWatch(user: AuthUser, sessionId: string): Promise<boolean> {
    if (user.role === UserRole.Admin) {
      const rows = await this.dataSource.query('SELECT 1 FROM class_sessions WHERE id = $1', [sessionId]);
      return rows.length > 0;
    }
    if (user.role !== UserRole.Teacher) return false;
    const rows = await this.dataSource.query(
      `SELECT 1 FROM class_sessions s JOIN course_teachers ct ON ct.course_id = s.course_id
        WHERE s.id = $1 AND ct.teacher_id = $2`,
      [sessionId, user.id],
    );
    return rows.length > 0;
  }
}
