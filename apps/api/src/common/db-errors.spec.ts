import pg from 'pg';
import { QueryFailedError } from 'typeorm';
import { isConcurrentWriteConflict, isDatabaseUnavailable } from './db-errors.js';

const pgError = (code: string, message = 'x') => Object.assign(new pg.DatabaseError(message, 0, 'error'), { code });

describe('isDatabaseUnavailable', () => {
  it('is true for a database going away, coming back or refusing connections', () => {
    expect(isDatabaseUnavailable(pgError('57P01', 'terminating connection due to administrator command'))).toBe(true);
    expect(isDatabaseUnavailable(pgError('57P03', 'the database system is starting up'))).toBe(true);
    expect(isDatabaseUnavailable(pgError('08006'))).toBe(true);
    expect(
      isDatabaseUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })),
    ).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
    // TypeORM wraps the driver's error.
    expect(isDatabaseUnavailable(new QueryFailedError('SELECT 1', [], pgError('57P02')))).toBe(true);
  });

  it('is false for errors that are bugs or bad input', () => {
    expect(isDatabaseUnavailable(pgError('23505'))).toBe(false);
    expect(isDatabaseUnavailable(pgError('42P01', 'relation "x" does not exist'))).toBe(false);
    expect(isDatabaseUnavailable(new QueryFailedError('SELECT 1', [], pgError('22P02')))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });
});

describe('isConcurrentWriteConflict', () => {
  it('is true for a deadlock or a serialization failure, raw or wrapped by TypeORM', () => {
    expect(isConcurrentWriteConflict(pgError('40P01', 'deadlock detected'))).toBe(true);
    expect(isConcurrentWriteConflict(new QueryFailedError('UPDATE x', [], pgError('40001')))).toBe(true);
  });

  it('is false for other errors', () => {
    expect(isConcurrentWriteConflict(pgError('23505'))).toBe(false);
    expect(isConcurrentWriteConflict(pgError('57P01'))).toBe(false);
    expect(isConcurrentWriteConflict(new Error('deadlock detected'))).toBe(false);
    expect(isConcurrentWriteConflict(null)).toBe(false);
  });
});
