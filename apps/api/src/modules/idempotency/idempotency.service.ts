import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  findIdempotencyKey,
  purgeExpiredIdempotencyKeys,
  releaseIdempotencyKey,
} from './idempotency.queries.js';

/** Replays are served for this long after the first request (Stripe: 24 h). */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;
/** A running claim older than this is presumed dead (its replica crashed) and may be taken over. */
export const IDEMPOTENCY_LEASE_SECONDS = 300;

export type ClaimResult =
  | { kind: 'owned'; id: string }
  | { kind: 'replay'; statusCode: number; body: unknown }
  | { kind: 'reused' }
  | { kind: 'in-progress' };

/** The database-backed store behind IdempotencyInterceptor: works across replicas (one unique row per key). */
@Injectable()
export class IdempotencyService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Idempotency');
  private timer: NodeJS.Timeout | null = null;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  onApplicationBootstrap() {
    // Expired keys are also reclaimed lazily by the next claim; this only keeps the table small.
    this.timer = setInterval(() => void this.purge(), 3600_000);
    this.timer.unref();
  }

  onApplicationShutdown() {
    if (this.timer) clearInterval(this.timer);
  }

  async claim(principal: string, key: string, fingerprint: string): Promise<ClaimResult> {
    const m = this.dataSource.manager;
    // Twice at most: the row we saw may be released (its request failed with a 5xx) between the two statements.
    for (let attempt = 0; attempt < 3; attempt++) {
      const id = await claimIdempotencyKey(m, {
        principal,
        key,
        fingerprint,
        leaseSeconds: IDEMPOTENCY_LEASE_SECONDS,
        ttlSeconds: IDEMPOTENCY_TTL_SECONDS,
      });
      if (id) return { kind: 'owned', id };
      const row = await findIdempotencyKey(m, principal, key);
      if (!row) continue;
      if (row.fingerprint !== fingerprint) return { kind: 'reused' };
      if (row.state === 'running') return { kind: 'in-progress' };
      return {
        kind: 'replay',
        statusCode: row.statusCode ?? 200,
        body: row.responseBody === null || row.responseBody === '' ? undefined : JSON.parse(row.responseBody),
      };
    }
    return { kind: 'in-progress' };
  }

  complete(id: string, statusCode: number, body: unknown): Promise<void> {
    return completeIdempotencyKey(
      this.dataSource.manager,
      id,
      statusCode,
      body === undefined ? '' : JSON.stringify(body),
    );
  }

  release(id: string): Promise<void> {
    return releaseIdempotencyKey(this.dataSource.manager, id);
  }

  async purge(): Promise<void> {
    try {
      await purgeExpiredIdempotencyKeys(this.dataSource.manager);
    } catch (err) {
      this.logger.warn(`Purging expired idempotency keys failed: ${(err as Error).message}`);
    }
  }
}
