import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Inject, Injectable, type OnModuleDestroy, Optional } from '@nestjs/common';
import { Algorithm, type Options } from '@node-rs/argon2';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { Gate, GateFull } from '../../common/gate.js';
import { AuthErrors } from './auth.errors.js';
import { PasswordHashPool, PasswordHashPoolFull } from './password-hash-pool.js';

/** OWASP minimum for argon2id: 19 MiB, 2 iterations, 1 lane. */
const OPTIONS: Options = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 };
/**
 * Temporary passwords are random (14 characters from 54, ~80 bits) and must be replaced at first login, so a light
 * argon2id cost is enough against guessing; the login verifies any argon2 hash by the parameters stored in it. With
 * the interactive cost a 5000-row import would hash for minutes on two cores.
 */
const TEMPORARY_OPTIONS: Options = { algorithm: Algorithm.Argon2id, memoryCost: 4096, timeCost: 1, parallelism: 1 };
/** Hash jobs that may wait for a thread: a 500-login storm fits; beyond it, 503 with Retry-After. */
const MAX_QUEUE = 1000;

/**
 * Every argon2 operation of the process goes through one bounded pool of low-priority worker threads (see
 * PasswordHashPool): at most cores − 1 hash at once, so a login storm drains at the machine's spare hashing rate
 * while the event loop keeps serving check-ins. Under tests the threads keep the normal priority (a loaded CI box
 * would otherwise starve them).
 *
 * Sign-ins also wait for their turn BEFORE they read the database ({@link admit}): 500 logins at once otherwise put
 * 500 user lookups in the database pool's queue in the same instant, and every check-in behind them waited ~2 s
 * (bench login storm, docs/performance.md).
 */
@Injectable()
export class PasswordService implements OnModuleDestroy {
  private readonly pool: PasswordHashPool;
  /** Sign-ins in their password step: enough to keep every hashing thread fed while the next ones read their user. */
  private readonly signIns: Gate;
  /** A hash to verify against when the email is unknown, so both failures cost the same time. */
  private dummyHash: Promise<string> | null = null;

  constructor(@Optional() @Inject(APP_CONFIG) config?: AppConfig) {
    const threads = Math.max(1, availableParallelism() - 1);
    this.pool = new PasswordHashPool({
      threads,
      maxQueue: MAX_QUEUE,
      nice: !config || config.nodeEnv === 'test' ? 0 : 10,
    });
    this.signIns = new Gate(2 * threads + 2, MAX_QUEUE);
  }

  /**
   * Runs a sign-in's password step (reading the user, then {@link verify}) when its turn comes: at most a few at once,
   * the rest wait without touching the database; beyond MAX_QUEUE waiting, 503 `auth/busy` with Retry-After.
   */
  admit<T>(step: () => Promise<T>): Promise<T> {
    return this.run(() => this.signIns.run(step));
  }

  hash(password: string): Promise<string> {
    return this.run(() => this.pool.hash(password, OPTIONS));
  }

  /** A one-time password's hash: a lighter cost (see TEMPORARY_OPTIONS), for bulk creation such as the CSV import. */
  hashTemporary(password: string): Promise<string> {
    return this.run(() => this.pool.hash(password, TEMPORARY_OPTIONS));
  }

  async verify(passwordHash: string | null, password: string): Promise<boolean> {
    if (!passwordHash) {
      this.dummyHash ??= this.hash(randomBytes(16).toString('hex'));
      const dummy = await this.dummyHash.catch(() => null);
      if (dummy) await this.run(() => this.pool.verify(dummy, password));
      return false;
    }
    return this.run(() => this.pool.verify(passwordHash, password));
  }

  /** A readable one-time password (no ambiguous characters). */
  temporaryPassword(): string {
    const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789';
    const bytes = randomBytes(14);
    let out = '';
    for (const b of bytes) out += alphabet[b % alphabet.length];
    return `${out.slice(0, 7)}-${out.slice(7)}`;
  }

  async onModuleDestroy() {
    await this.pool.close();
  }

  private async run<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof PasswordHashPoolFull || err instanceof GateFull)
        throw AuthErrors.hashingBusy({ headers: { 'Retry-After': '5' } });
      throw err;
    }
  }
}
