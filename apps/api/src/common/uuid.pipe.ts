import { ParseUUIDPipe } from '@nestjs/common';
import { CommonErrors } from './app-error.js';

/** Path ids must be UUIDs: anything else is a 400 with a stable code, never a database error. */
export const ParseId = new ParseUUIDPipe({
  exceptionFactory: () =>
    CommonErrors.validation({
      message: 'The id in the URL must be a UUID.',
      details: [{ field: 'id', messages: ['must be a UUID'] }],
    }),
});
