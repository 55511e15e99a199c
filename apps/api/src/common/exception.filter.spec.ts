import pg from 'pg';
import { QueryFailedError } from 'typeorm';
import { AllExceptionsFilter } from './exception.filter.js';

const pgError = (code: string, message: string) => Object.assign(new pg.DatabaseError(message, 0, 'error'), { code });

describe('AllExceptionsFilter.toBody', () => {
  const filter = new AllExceptionsFilter();

  it('answers a transaction aborted by a deadlock or a serialization failure with 503 and Retry-After, not a 500', () => {
    for (const err of [
      new QueryFailedError('UPDATE attendance_records …', [], pgError('40P01', 'deadlock detected')),
      pgError('40001', 'could not serialize access due to concurrent update'),
    ]) {
      const { body, headers } = filter.toBody(err);
      expect(body).toMatchObject({ statusCode: 503, code: 'common/unavailable' });
      expect(body.message).toMatch(/at the same moment/);
      expect(headers).toEqual({ 'Retry-After': '1' });
    }
  });

  it('still answers an unexpected database error with 500', () => {
    expect(filter.toBody(pgError('42P01', 'relation "x" does not exist')).body).toMatchObject({ statusCode: 500 });
  });
});
