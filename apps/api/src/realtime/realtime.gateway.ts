import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type OnGatewayInit, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
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
import type { AuthUser } from '../common/auth-user.js';
import { CredentialResolvers } from '../common/credentials.js';
import { type AccessEvent, RevocationService } from '../modules/auth/revocation.service.js';
import { CourseTeacherEntity } from '../modules/courses/course.entity.js';
import { ClassSessionEntity } from '../modules/sessions/class-session.entity.js';

interface SocketData {
  user: AuthUser;
  /** Watched session rooms → their course, so losing a course's access leaves exactly its rooms. */
  watching: Map<string, string>;
  expiry?: NodeJS.Timeout;
}
type AppServer = Server<ClientToServerEvents, ServerToClientEvents, object, SocketData>;
type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, object, SocketData>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Authenticated sockets only (a credential in `auth.token`, resolved like a REST bearer token). Every socket joins
 * `user:<id>`; a session's live room is joined with `session.watch`, for the course's teachers and admins only.
 * Clients never broadcast: only the server emits.
 *
 * Access that ends ends here too: a socket is disconnected when its token expires, and when its user's or its sign-in's
 * tokens are revoked (every replica learns of it through RevocationService); a teacher removed from a course leaves
 * that course's session rooms.
 *
 * The two client events are plain Socket.IO listeners registered at connection ({@link onConnection}), not Nest's
 * `@SubscribeMessage`: Nest builds rxjs streams per socket and per handler (fromEvent, mergeMap, takeUntil, a shared
 * disconnect stream) whether or not the client ever sends them, which was a tenth of the server's CPU when a class of
 * 5,000 sockets reconnects at once (bench profile `reconnect`, docs/performance.md). The global guard, pipe and
 * interceptor did nothing for these events (all three pass non-HTTP contexts through).
 */
@Injectable()
@WebSocketGateway()
export class RealtimeGateway implements OnGatewayInit, OnModuleDestroy {
  private readonly logger = new Logger('Realtime');
  @WebSocketServer() server: AppServer;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly resolvers: CredentialResolvers,
    private readonly revocations: RevocationService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    this.unsubscribe = this.revocations.onEvent((e) => this.onAccessEvent(e));
  }

  afterInit(server: AppServer) {
    server.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      if (typeof token !== 'string' || token.length > 4096) return next(new Error('auth/unauthenticated'));
      Promise.resolve()
        .then(() => this.resolvers.resolve(token, 'socket'))
        .then((user) => {
          socket.data.user = user;
          socket.data.watching = new Map();
          next();
        })
        .catch(() => next(new Error('auth/unauthenticated')));
    });
    server.on('connection', (socket) => this.onConnection(socket));
  }

  private onConnection(socket: AppSocket) {
    const { user } = socket.data;
    if (!user) return;
    if (user.expiresAt !== undefined) {
      // The client reconnects with a fresh token (the SPA refreshes on this disconnect).
      const ms = Math.max(0, user.expiresAt * 1000 - Date.now());
      socket.data.expiry = setTimeout(() => socket.disconnect(true), Math.min(ms, 2 ** 31 - 1));
      socket.once('disconnect', () => clearTimeout(socket.data.expiry));
    }
    void socket.join(userRoom(user.id));
    this.answer(socket, ClientEvent.SessionWatch, (body) => this.watchSession(socket, body));
    this.answer(socket, ClientEvent.SessionUnwatch, (body) => this.unwatchSession(socket, body));
  }

  /**
   * A client event answered through its ack: the payload is the first argument (several are one array, as Nest
   * passed them), the ack the last when it is a function. An unexpected failure is logged and answered
   * `common/unavailable`.
   */
  private answer(
    socket: AppSocket,
    event: (typeof ClientEvent)[keyof typeof ClientEvent],
    handle: (body: unknown) => Promise<WatchAck>,
  ) {
    (socket as unknown as { on(e: string, l: (...args: unknown[]) => void): void }).on(event, (...args) => {
      const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as (a: WatchAck) => void) : undefined;
      const body = args.length <= 1 ? args[0] : args;
      handle(body).then(
        (res) => ack?.(res),
        (err: Error) => {
          this.logger.warn(`${event} failed: ${err.message}`);
          ack?.({ ok: false, code: 'common/unavailable' });
        },
      );
    });
  }

  onModuleDestroy() {
    this.unsubscribe();
  }

  async watchSession(socket: AppSocket, body: unknown): Promise<WatchAck> {
    const sessionId = (body as { sessionId?: unknown } | null)?.sessionId;
    if (typeof sessionId !== 'string' || !UUID.test(sessionId)) return { ok: false, code: 'validation/failed' };
    let courseId: string | null;
    try {
      courseId = await this.watchableCourse(socket.data.user, sessionId);
    } catch (err) {
      this.logger.warn(`session.watch failed: ${(err as Error).message}`);
      return { ok: false, code: 'common/unavailable' };
    }
    if (!courseId || !socket.connected) return { ok: false, code: 'sessions/not-found' };
    socket.data.watching.set(sessionId, courseId);
    await socket.join(sessionRoom(sessionId));
    return { ok: true };
  }

  async unwatchSession(socket: AppSocket, body: unknown): Promise<WatchAck> {
    const sessionId = (body as { sessionId?: unknown } | null)?.sessionId;
    if (typeof sessionId !== 'string') return { ok: false, code: 'validation/failed' };
    socket.data.watching.delete(sessionId);
    await socket.leave(sessionRoom(sessionId));
    return { ok: true };
  }

  /** The session's course when the caller may watch it: admins, and teachers of the course. Students never. */
  private async watchableCourse(user: AuthUser, sessionId: string): Promise<string | null> {
    const sessions = this.dataSource
      .createQueryBuilder(ClassSessionEntity, 's')
      .select(['s.id', 's.courseId'])
      .where('s.id = :sessionId', { sessionId });
    if (user.role === UserRole.Teacher)
      sessions.innerJoin(CourseTeacherEntity, 'ct', 'ct.courseId = s.courseId AND ct.teacherId = :teacherId', {
        teacherId: user.id,
      });
    else if (user.role !== UserRole.Admin) return null;
    return (await sessions.getOne())?.courseId ?? null;
  }

  /** This replica's sockets of a user (every replica receives the event and handles its own). */
  private localSocketsOf(userId: string): AppSocket[] {
    const ids = this.server?.of('/').adapter.rooms.get(userRoom(userId));
    if (!ids) return [];
    const out: AppSocket[] = [];
    for (const id of ids) {
      const s = this.server.of('/').sockets.get(id);
      if (s) out.push(s);
    }
    return out;
  }

  private onAccessEvent(e: AccessEvent) {
    // API keys never hold sockets (refused at the handshake).
    if (e.type === 'api-key-revoked') return;
    if (e.type === 'course-access-removed') {
      for (const userId of e.userIds) {
        for (const socket of this.localSocketsOf(userId)) {
          for (const [sessionId, courseId] of socket.data.watching) {
            if (courseId !== e.courseId) continue;
            socket.data.watching.delete(sessionId);
            void socket.leave(sessionRoom(sessionId));
          }
        }
      }
      return;
    }
    for (const socket of this.localSocketsOf(e.userId)) {
      const u = socket.data.user;
      if (this.revocations.isRevoked(u.id, u.tokenVersion ?? 0, u.sessionId)) socket.disconnect(true);
    }
  }
}
