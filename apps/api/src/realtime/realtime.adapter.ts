import type { Server as HttpServer } from 'node:http';
import type { Socket as NetSocket } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Redis } from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';
import type { AppConfig } from '../config/app-config.js';

/**
 * Socket.IO at /socket.io. Browsers' Origin must be in the CORS allowlist or be this server's own address as the browser
 * reached it (same-origin; clients without a browser send none).
 * With REDIS_URL the streams adapter relays events between replicas (it lost no events in a Redis outage where the
 * pub/sub adapter lost 4%).
 */
export class RealtimeIoAdapter extends IoAdapter {
  private readonly log = new Logger('Realtime');
  private redis: Redis | null = null;
  /** The adapter's own connections (its stream reader and pub/sub client are `duplicate()`s of ours). */
  private readonly duplicates: Redis[] = [];

  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const allowed = new Set(this.config.corsOrigins);
    const server = super.createIOServer(port, {
      ...(options as ServerOptions),
      path: '/socket.io',
      serveClient: false,
      pingInterval: 25000,
      pingTimeout: 20000,
      maxHttpBufferSize: 16 * 1024,
      cors: { origin: [...allowed], credentials: true },
      allowRequest: (req, callback) => {
        const origin = req.headers.origin;
        if (origin && !allowed.has(origin) && !sameOrigin(origin, req.headers.host))
          return callback('origin not allowed', false);
        callback(null, true);
      },
    } as ServerOptions) as Server;
    coalesceHandshakeWrites(server);
    if (this.config.redisUrl) {
      this.redis = new Redis(this.config.redisUrl, {
        maxRetriesPerRequest: null,
        retryStrategy: (n) => Math.min(n * 200, 2000),
        // Events emitted in the same tick (a burst of check-ins) are appended to the stream in one write.
        enableAutoPipelining: true,
      });
      this.redis.on('error', (err) => this.log.warn(`Redis (socket adapter): ${err.message}`));
      // The adapter stops its stream reader when closed, but only once the reader's XREAD BLOCK (5 s) returns: the
      // connections it duplicates are recorded so close() ends them at once (nothing outlives the app).
      const duplicate = this.redis.duplicate.bind(this.redis);
      this.redis.duplicate = (...args: Parameters<Redis['duplicate']>) => {
        const client = duplicate(...args);
        this.duplicates.push(client);
        return client;
      };
      server.adapter(createAdapter(this.redis));
      this.log.log('Socket.IO uses the Redis streams adapter');
    }
    return server;
  }

  override async close(server: Server): Promise<void> {
    // Closing the server closes its namespaces' adapters first (which aborts the reader's loop), then the connections.
    await super.close(server);
    for (const client of this.duplicates.splice(0)) client.disconnect();
    this.redis?.disconnect();
  }
}

/**
 * A websocket connection's first two writes, the `101 Switching Protocols` and Engine.IO's `open` packet, are written
 * in the same turn of the event loop but as two system calls (and two segments for the client to read). Corking the
 * socket for that turn sends them as one: a third of the server's writes when a class reconnects at once (bench
 * profile `reconnect`: each write is a system call, ~6 % of the server's CPU for the 101 alone).
 */
function coalesceHandshakeWrites(server: Server) {
  const http = server.httpServer as HttpServer | undefined;
  http?.prependListener('upgrade', (_req, socket: NetSocket) => {
    socket.cork();
    setImmediate(() => socket.uncork());
  });
}

/**
 * A page served by this server at the address the browser used (a classroom network's http://192.168.1.23:3000, not
 * in CORS_ORIGINS' defaults) is same-origin, not cross-site: allowed. A page of another site sends its own Origin.
 */
function sameOrigin(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}
