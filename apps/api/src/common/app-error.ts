import { HttpException } from '@nestjs/common';

export interface ErrorDefinition {
  status: number;
  message: string;
  /**
   * The one shape of `details` for this code, when it has any: `'fields'` (an array of `{field, messages}`, as
   * validation errors) or a short description of the object (`'{ids: uuid[]} — the users that are not students'`).
   * It is published in the OpenAPI document (ErrorResponseDto.details).
   */
  details?: 'fields' | string;
}

/** Every code of every catalogue (defineErrors registers them): the OpenAPI document lists their details shapes. */
const CATALOGUE = new Map<string, ErrorDefinition>();
export const errorCatalogue = (): ReadonlyMap<string, ErrorDefinition> => CATALOGUE;

/** An error with a stable machine code (`area/what`) and a human message. */
export class AppError extends HttpException {
  constructor(
    readonly code: string,
    status: number,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super({ statusCode: status, code, message, details }, status);
  }

  static of(
    code: string,
    def: ErrorDefinition,
    overrides?: { message?: string; details?: unknown; headers?: Record<string, string> },
  ) {
    return new AppError(code, def.status, overrides?.message ?? def.message, overrides?.details, overrides?.headers);
  }
}

/** Builds typed error factories from a catalogue: `UserErrors.notFound()`. */
export function defineErrors<T extends Record<string, { code: string } & ErrorDefinition>>(defs: T) {
  const out = {} as {
    [K in keyof T]: (overrides?: { message?: string; details?: unknown; headers?: Record<string, string> }) => AppError;
  } & {
    catalogue: T;
  };
  for (const key of Object.keys(defs) as (keyof T)[]) {
    const def = defs[key];
    const known = CATALOGUE.get(def.code);
    // One code, one shape: two catalogues may share a code (common/bad-request) only with the same details.
    if (known && known.details !== def.details) throw new Error(`error code ${def.code} has two details shapes`);
    if (!known || def.details) CATALOGUE.set(def.code, def);
    (out as Record<keyof T, unknown>)[key] = (overrides?: {
      message?: string;
      details?: unknown;
      headers?: Record<string, string>;
    }) => AppError.of(def.code, def, overrides);
  }
  out.catalogue = defs;
  return out;
}

export const CommonErrors = defineErrors({
  validation: { code: 'validation/failed', status: 400, message: 'Some fields are invalid.', details: 'fields' },
  unauthenticated: { code: 'auth/unauthenticated', status: 401, message: 'Sign in to continue.' },
  forbidden: { code: 'auth/forbidden', status: 403, message: 'You are not allowed to do this.' },
  notFound: { code: 'common/not-found', status: 404, message: 'Not found.' },
  conflict: { code: 'common/conflict', status: 409, message: 'This conflicts with existing data.' },
  payloadTooLarge: { code: 'common/payload-too-large', status: 413, message: 'The request is too large.' },
  unsupportedMedia: { code: 'common/unsupported-media-type', status: 415, message: 'Unsupported content type.' },
  rateLimited: { code: 'common/rate-limited', status: 429, message: 'Too many attempts. Try again later.' },
  internal: { code: 'internal/error', status: 500, message: 'Something went wrong on our side.' },
  unavailable: { code: 'common/unavailable', status: 503, message: 'The service is temporarily unavailable.' },
});
