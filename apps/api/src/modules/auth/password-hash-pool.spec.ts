import { readdirSync, readFileSync } from 'node:fs';
import { Algorithm } from '@node-rs/argon2';
import { PasswordHashPool, PasswordHashPoolFull } from './password-hash-pool.js';

const LIGHT = { algorithm: Algorithm.Argon2id, memoryCost: 1024, timeCost: 1, parallelism: 1 };

/** Nice values of this process's threads (Linux: /proc/self/task/<tid>/stat, field 19). */
function threadNiceValues(): number[] {
  return readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

describe('PasswordHashPool', () => {
  let pool: PasswordHashPool;
  afterEach(async () => {
    await pool.close();
  });

  it('hashes and verifies off the main thread', async () => {
    pool = new PasswordHashPool({ threads: 2, maxQueue: 10, nice: 0 });
    const hash = await pool.hash('correct horse', LIGHT);
    expect(hash).toMatch(/^\$argon2id\$/);
    await expect(pool.verify(hash, 'correct horse')).resolves.toBe(true);
    await expect(pool.verify(hash, 'wrong horse')).resolves.toBe(false);
    await expect(pool.verify('not-a-hash', 'correct horse')).resolves.toBe(false);
  });

  it('runs at most `threads` at once and refuses work beyond the queue bound', async () => {
    pool = new PasswordHashPool({ threads: 1, maxQueue: 2, nice: 0 });
    const accepted = [1, 2, 3].map((i) => pool.hash(`p${i}`, LIGHT));
    expect(pool.waiting).toBe(2);
    await expect(pool.hash('p4', LIGHT)).rejects.toBeInstanceOf(PasswordHashPoolFull);
    const hashes = await Promise.all(accepted);
    expect(new Set(hashes).size).toBe(3);
    expect(pool.waiting).toBe(0);
  });

  it('lowers the priority of its threads only', async () => {
    const before = threadNiceValues();
    pool = new PasswordHashPool({ threads: 1, maxQueue: 10, nice: 10 });
    await pool.hash('x', LIGHT);
    expect(before.every((n) => n === before[0])).toBe(true);
    const after = threadNiceValues();
    expect(after.filter((n) => n === before[0] + 10 || n === 19).length).toBeGreaterThan(0);
    expect(after.filter((n) => n === before[0]).length).toBeGreaterThan(1);
  });
});
