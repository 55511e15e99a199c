import { defineErrors } from '../../common/app-error.js';

export const IdempotencyErrors = defineErrors({
  keyInvalid: {
    code: 'idempotency/key-invalid',
    status: 400,
    message: 'Idempotency-Key must be 1 to 255 visible ASCII characters.',
  },
  keyReused: {
    code: 'idempotency/key-reused',
    status: 422,
    message: 'This Idempotency-Key was already used with a different request.',
  },
  inProgress: {
    code: 'idempotency/in-progress',
    status: 409,
    message: 'A request with this Idempotency-Key is still being processed. Retry in a moment.',
  },
});
