import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';

export interface RateLimitState {
  /** Hits in the current window, including this one for `hit`. */
  count: number;
  /** Seconds until the window resets. */
  retryAfterSeconds: number;
}

/** Fixed-window counters: in memory on one process, in Redis when several replicas share the limits. */
export abstract class RateLimiter {
  abstract hit(key: string, windowSeconds: number): Promise<RateLimitState>;
  abstract peek(key: string): Promise<RateLimitState>;
  abstract reset(key: string): Promise<void>;
}

export class MemoryRateLimiter extends RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  private lastSweep = Date.now();

  async hit(key: string, windowSeconds: number): Promise<RateLimitState> {
    const now = Date.now();
    this.sweep(now);
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      w = { count: 0, resetAt: now + windowSeconds * 1000 };
      this.windows.set(key, w);
    }
    w.count++;
    return { count: w.count, retryAfterSeconds: Math.max(1, Math.ceil((w.resetAt - now) / 1000)) };
  }

  async peek(key: string): Promise<RateLimitState> {
    const now = Date.now();
    const w = this.windows.get(key);
    if (!w || w.resetAt <= now) return { count: 0, retryAfterSeconds: 0 };
    return { count: w.count, retryAfterSeconds: Math.max(1, Math.ceil((w.resetAt - now) / 1000)) };
  }

  async reset(key: string): Promise<void> {
    this.windows.delete(key);
  }

  private sweep(now: number) {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
  }
}

const HIT_SCRIPT = `local c = redis.call('INCR', KEYS[1])
if c == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local t = redis.call('PTTL', KEYS[1])
if t < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); t = tonumber(ARGV[1]) end
return {c, t}`;

/**
 * Shared counters in Redis. If Redis is unreachable the limiter falls back to this process's memory, so logins and
 * check-ins keep working (limits then apply per replica until Redis returns).
 */
export class RedisRateLimiter extends RateLimiter {
  private readonly logger = new Logger('RateLimiter');
  private readonly fallback = new MemoryRateLimiter();

  constructor(private readonly redis: Redis) {
    super();
  }

  async hit(key: string, windowSeconds: number): Promise<RateLimitState> {
    try {
      const [count, ttl] = (await this.redis.eval(HIT_SCRIPT, 1, `rl:${key}`, String(windowSeconds * 1000))) as [
        number,
        number,
      ];
      return { count, retryAfterSeconds: Math.max(1, Math.ceil(ttl / 1000)) };
    } catch (err) {
      this.warn(err);
      return this.fallback.hit(key, windowSeconds);
    }
  }

  async peek(key: string): Promise<RateLimitState> {
    try {
      // One command on the hot path (every check-in peeks): the TTL is read only when there is a count to expire.
      const count = await this.redis.get(`rl:${key}`);
      if (!count) return { count: 0, retryAfterSeconds: 0 };
      const ttl = await this.redis.pttl(`rl:${key}`);
      if (ttl <= 0) return { count: 0, retryAfterSeconds: 0 };
      return { count: Number(count), retryAfterSeconds: Math.max(1, Math.ceil(ttl / 1000)) };
    } catch (err) {
      this.warn(err);
      return this.fallback.peek(key);
    }
  }

  async reset(key: string): Promise<void> {
    try {
      await this.redis.del(`rl:${key}`);
    } catch (err) {
      this.warn(err);
    }
    await this.fallback.reset(key);
  }

  private lastWarn = 0;
  private warn(err: unknown) {
    if (Date.now() - this.lastWarn > 10_000) {
      this.lastWarn = Date.now();
      this.logger.warn(`Redis unavailable, using in-process rate limits: ${(err as Error).message}`);
    }
  }
}
