import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { CommonErrors } from './app-error.js';

export interface FieldError {
  field: string;
  messages: string[];
}

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    if (e.constraints) {
      const messages = Object.entries(e.constraints).map(([k, m]) =>
        k === 'whitelistValidation' ? `${field} is not an accepted field` : m,
      );
      out.push({ field, messages });
    }
    if (e.children?.length) out.push(...flatten(e.children, field));
  }
  return out;
}

/** Whitelist, reject unknown fields, transform; errors are 400 `validation/failed` listing each field. */
export function createValidationPipe() {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    stopAtFirstError: false,
    exceptionFactory: (errors) => {
      const details = flatten(errors);
      const message = details.length ? details.map((d) => d.messages[0]).join('; ') : 'Some fields are invalid.';
      return CommonErrors.validation({
        message: message.length > 300 ? `${message.slice(0, 297)}...` : message,
        details,
      });
    },
  });
}
