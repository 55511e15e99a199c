import { SetMetadata } from '@nestjs/common';

export const IDEMPOTENCY_REDACT = 'idempotencyRedact';

/**
 * Top-level response fields that are shown once and must never be stored (an API key's token, a webhook's
 * secret): the stored answer has them as null, so a replay says the object was created without revealing it again.
 */
export const IdempotencyRedact = (...fields: string[]) => SetMetadata(IDEMPOTENCY_REDACT, fields);
