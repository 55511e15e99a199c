import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Injectable } from '@nestjs/common';
import { Algorithm, hash, verify } from '@node-rs/argon2';

/** OWASP minimum for argon2id: 19 MiB, 2 iterations, 1 lane. Hashing runs on libuv's pool, off the event loop. */
const OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 };

/**
 * At most (cores − 1) hashes at once: a login storm then drains at the machine's hashing rate while one core stays
 * free for the event loop (check-ins keep flowing). The rest wait in a FIFO queue.
 */
class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly max: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

const hashing = new Semaphore(Math.max(1, availableParallelism() - 1));

@Injectable()
export class PasswordService {
  /** A hash to verify against when the email is unknown, so both failures cost the same time. */
  private dummyHash: Promise<string> | null = null;

  hash(password: string): Promise<string> {
    return hashing.run(() => hash(password, OPTIONS));
  }

  async verify(passwordHash: string | null, password: string): Promise<boolean> {
    if (!passwordHash) {
      this.dummyHash ??= this.hash(randomBytes(16).toString('hex'));
      const dummy = await this.dummyHash;
      await hashing.run(() => verify(dummy, password)).catch(() => false);
      return false;
    }
    return hashing.run(() => verify(passwordHash, password)).catch(() => false);
  }

  /** A readable one-time password (no ambiguous characters). */
  temporaryPassword(): string {
    const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789';
    const bytes = randomBytes(14);
    let out = '';
    for (const b of bytes) out += alphabet[b % alphabet.length];
    return `${out.slice(0, 7)}-${out.slice(7)}`;
  }
}
