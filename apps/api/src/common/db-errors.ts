import { QueryFailedError } from 'typeorm';

interface PgError {
  code?: string;
  constraint?: string;
}

function pgError(err: unknown): PgError | null {
  if (err instanceof QueryFailedError) return (err as QueryFailedError & { driverError: PgError }).driverError ?? null;
  if (err && typeof err === 'object' && 'code' in err) return err as PgError;
  return null;
}

/** True for a unique violation, optionally of one named constraint or index. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = pgError(err);
  return e?.code === '23505' && (!constraint || e.constraint === constraint);
}

export function isForeignKeyViolation(err: unknown): boolean {
  return pgError(err)?.code === '23503';
}
