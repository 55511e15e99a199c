import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { AccessService } from './access.service.js';
import { CredentialResolvers } from './credentials.js';
import { MemoryRateLimiter, RateLimiter, RedisRateLimiter } from './rate-limit/rate-limiter.js';

export const REDIS = Symbol('REDIS');

/** Process-wide singletons: config, the optional Redis client, rate limits. */
@Global()
@Module({})
export class CoreModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis | null) {}

  static forRoot(config: AppConfig) {
    return {
      module: CoreModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        {
          provide: REDIS,
          useFactory: () => {
            if (!config.redisUrl) return null;
            const logger = new Logger('Redis');
            // Fail fast while Redis is down (callers fall back); reconnect forever in the background.
            const redis = new Redis(config.redisUrl, {
              maxRetriesPerRequest: 1,
              enableOfflineQueue: false,
              lazyConnect: false,
              retryStrategy: (n) => Math.min(n * 200, 2000),
              // Commands issued in the same tick (many concurrent check-ins' peeks) go out in one write.
              enableAutoPipelining: true,
            });
            let down = false;
            redis.on('error', (err) => {
              if (!down) logger.warn(`Redis error: ${err.message}`);
              down = true;
            });
            redis.on('ready', () => {
              if (down) logger.log('Redis reconnected');
              down = false;
            });
            return redis;
          },
        },
        {
          provide: RateLimiter,
          useFactory: (redis: Redis | null) => (redis ? new RedisRateLimiter(redis) : new MemoryRateLimiter()),
          inject: [REDIS],
        },
        AccessService,
        CredentialResolvers,
      ],
      exports: [APP_CONFIG, REDIS, RateLimiter, AccessService, CredentialResolvers],
    };
  }

  async onApplicationShutdown() {
    if (this.redis) this.redis.disconnect();
  }
}
