import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { getMetadataStorage, type MetadataStorage } from 'class-validator';
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

let memoized = false;
type Rules = ReturnType<MetadataStorage['getTargetValidationMetadatas']>;

/**
 * class-validator looks a DTO's rules up again on every validation, and to find inherited ones it tests the DTO
 * against every decorated class of the app (`instanceof` on each): the largest single item of the check-in's
 * validation in the CPU profile. The rules are fixed once the classes are declared, so the answer is remembered per
 * (class, options); declaring a new rule forgets everything remembered.
 */
function rememberValidationMetadata() {
  if (memoized) return;
  memoized = true;
  const storage = getMetadataStorage();
  const lookUp = storage.getTargetValidationMetadatas.bind(storage);
  const add = storage.addValidationMetadata.bind(storage);
  let known = new Map<Parameters<MetadataStorage['getTargetValidationMetadatas']>[0], Map<string, Rules>>();
  storage.addValidationMetadata = (metadata) => {
    known = new Map();
    add(metadata);
  };
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = `${schema}\u0000${always}\u0000${strictGroups}\u0000${groups?.join('\u0000') ?? ''}`;
    let byKey = known.get(target);
    if (!byKey) known.set(target, (byKey = new Map()));
    let found = byKey.get(key);
    if (!found) byKey.set(key, (found = lookUp(target, schema, always, strictGroups, groups)));
    return found;
  };
}

/** Whitelist, reject unknown fields, transform; errors are 400 `validation/failed` listing each field. */
export function createValidationPipe() {
  rememberValidationMetadata();
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
