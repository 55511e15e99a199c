import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import pg from 'pg';
import { QueryFailedError } from 'typeorm';
import { AppError, CommonErrors } from './app-error.js';
import { isConcurrentWriteConflict, isDatabaseUnavailable } from './db-errors.js';
import { RequestErrors } from './request.errors.js';

const { DatabaseError } = pg;

const STATUS_CODES: Record<number, string> = {
  400: 'common/bad-request',
  401: 'auth/unauthenticated',
  403: 'auth/forbidden',
  404: 'common/not-found',
  405: 'common/method-not-allowed',
  406: 'common/not-acceptable',
  409: 'common/conflict',
  413: 'common/payload-too-large',
  415: 'common/unsupported-media-type',
  429: 'common/rate-limited',
};

/** Framework error codes → our errors (the codes clients see are ours, never `FST_…`). */
const FRAMEWORK_ERRORS: Record<string, () => AppError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () => CommonErrors.payloadTooLarge(),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => CommonErrors.unsupportedMedia(),
  FST_ERR_CTP_INVALID_TYPE: () => CommonErrors.unsupportedMedia(),
  FST_ERR_CTP_EMPTY_TYPE: () => CommonErrors.unsupportedMedia({ message: 'The Content-Type header is missing.' }),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => RequestErrors.emptyJson(),
  FST_ERR_CTP_INVALID_JSON_BODY: () => RequestErrors.invalidJson(),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => RequestErrors.badContentLength(),
  FST_ERR_BAD_URL: () => RequestErrors.badUrl(),
  FST_ERR_MAX_PARAM_LENGTH: () => RequestErrors.paramTooLong(),
  FST_PARTS_LIMIT: () => CommonErrors.payloadTooLarge({ message: 'The form has too many parts.' }),
  FST_FILES_LIMIT: () => CommonErrors.payloadTooLarge({ message: 'The form has too many files.' }),
  FST_FIELDS_LIMIT: () => CommonErrors.payloadTooLarge({ message: 'The form has too many fields.' }),
  FST_REQ_FILE_TOO_LARGE: () => CommonErrors.payloadTooLarge({ message: 'The file is too large.' }),
  FST_PROTO_VIOLATION: () => RequestErrors.malformedMultipart(),
  FST_INVALID_JSON_FIELD_ERROR: () => RequestErrors.malformedMultipart(),
  FST_MP_PREMATURE_CLOSE: () => RequestErrors.malformedMultipart(),
  FST_INVALID_MULTIPART_CONTENT_TYPE: () => CommonErrors.unsupportedMedia({ message: 'Send multipart/form-data.' }),
};
/** Fastify's default `maxParamLength`. */
export const MAX_PARAM_LENGTH = 100;
const BUSBOY_ERROR =
  /^(Unexpected end of (form|multipart data|file)|Malformed (part header|urlencoded form)|Multipart: Boundary not found|Missing Content-Type|Unsupported content type)/i;

export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details?: unknown;
}

/** The documented 503 of every operation: a temporary condition; the same request sent again after `retryAfter` s works. */
function unavailable(message: string, retryAfter: number): { body: ErrorBody; headers: Record<string, string> } {
  return {
    body: { statusCode: 503, code: 'common/unavailable', message },
    headers: { 'Retry-After': String(retryAfter) },
  };
}

/** Maps every error to `{ statusCode, code, message, details? }`; never leaks stack traces. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  /** With the SPA built, unknown non-API GETs get index.html so client-side routes survive a reload. */
  constructor(
    private readonly spaFallback = false,
    private readonly printServerErrors = false,
  ) {}

  catch(exception: unknown, host: ArgumentsHost) {
    const ctx = host.switchToHttp();
    const reply = ctx.getResponse<FastifyReply>();
    const request = ctx.getRequest<FastifyRequest>();
    if (
      this.spaFallback &&
      exception instanceof NotFoundException &&
      request &&
      (request.method === 'GET' || request.method === 'HEAD')
    ) {
      const path = request.url.split('?')[0];
      if (!path.startsWith('/api') && !path.startsWith('/socket.io') && !/\.[a-z0-9]+$/i.test(path)) {
        void (reply as FastifyReply & { sendFile(f: string): FastifyReply }).type('text/html').sendFile('index.html');
        return;
      }
    }
    const { body, headers } = this.toBody(exception, request);
    if (body.statusCode >= 500) {
      // Tests run with the app's logger off: a 500 is always a bug, so show it.
      if (this.printServerErrors) console.error(`500 on ${request?.method} ${request?.url}:`, exception);
      this.logger.error(
        `${request?.method} ${request?.url} failed [reqId=${request?.id}]`,
        exception instanceof Error ? exception.stack : String(exception),
      );
    }
    if (typeof (reply as { status?: unknown } | undefined)?.status !== 'function') return;
    if (headers) for (const [k, v] of Object.entries(headers)) void reply.header(k, v);
    // A route may have set another type (a CSV, an .ics): errors are always JSON.
    void reply.status(body.statusCode).type('application/json; charset=utf-8').send(body);
  }

  toBody(exception: unknown, request?: FastifyRequest): { body: ErrorBody; headers?: Record<string, string> } {
    // With the SPA's wildcard route, Fastify never reports an over-long path parameter (the wildcard matches
    // instead): an unmatched API path with a segment longer than any parameter may be answers the same 414.
    if (
      exception instanceof NotFoundException &&
      !(exception instanceof AppError) &&
      request?.url.startsWith('/api/') &&
      request.url
        .split('?')[0]
        .split('/')
        .some((segment) => segment.length > MAX_PARAM_LENGTH)
    )
      return this.toBody(RequestErrors.paramTooLong());
    if (exception instanceof AppError) {
      const body: ErrorBody = { statusCode: exception.getStatus(), code: exception.code, message: exception.message };
      if (exception.details !== undefined) body.details = exception.details;
      return { body, headers: exception.headers };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const res = exception.getResponse();
      const message =
        typeof res === 'string'
          ? res
          : typeof (res as { message?: unknown }).message === 'string'
            ? (res as { message: string }).message
            : exception.message;
      return {
        body: {
          statusCode: status,
          code: STATUS_CODES[status] ?? (status >= 500 ? 'internal/error' : 'common/error'),
          message: status >= 500 ? 'Something went wrong on our side.' : message,
        },
      };
    }
    // TypeORM wraps the driver's error; hot paths that use the pg pool directly throw pg's own DatabaseError.
    if (exception instanceof QueryFailedError || exception instanceof DatabaseError) {
      const pgCode =
        exception instanceof DatabaseError
          ? exception.code
          : (exception as QueryFailedError & { driverError?: { code?: string } }).driverError?.code;
      if (pgCode === '23505')
        return { body: { statusCode: 409, code: 'common/conflict', message: 'This conflicts with existing data.' } };
      if (pgCode === '23503')
        return {
          body: {
            statusCode: 409,
            code: 'common/referenced',
            message: 'This refers to data that does not exist or is still in use.',
          },
        };
      if (pgCode === '22P02' || pgCode === '22007' || pgCode === '22008')
        return { body: { statusCode: 400, code: 'common/bad-request', message: 'A value has the wrong format.' } };
    }
    // Two writers raced (e.g. a teacher's edit of a record while the session is being closed: both lock the session
    // and the record, in opposite orders): PostgreSQL aborted one and kept nothing of it. A temporary condition like
    // the one below (the documented 503 of every operation): sending the same request again works.
    if (isConcurrentWriteConflict(exception))
      return unavailable('Someone else changed this at the same moment. Nothing was saved; try again in a moment.', 1);
    // The database is unreachable, restarting or the pool is exhausted: a temporary condition, not a bug.
    if (isDatabaseUnavailable(exception))
      return unavailable('The service is temporarily unavailable. Try again in a moment.', 2);
    // Fastify's and @fastify/multipart's own errors: one stable code each.
    const known =
      typeof (exception as { code?: unknown })?.code === 'string' &&
      FRAMEWORK_ERRORS[(exception as { code: string }).code];
    if (known) return this.toBody(known());
    // busboy's framing errors have no code: a truncated or garbled multipart body is the client's fault.
    if (exception instanceof Error && !('statusCode' in exception) && BUSBOY_ERROR.test(exception.message))
      return this.toBody(RequestErrors.malformedMultipart());
    // Other Fastify errors carry a statusCode.
    const fe = exception as { statusCode?: number; code?: string; message?: string };
    if (fe && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
      const status = fe.statusCode;
      const message =
        status === 413
          ? 'The request is too large.'
          : status === 415
            ? 'Unsupported content type.'
            : fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || /JSON/.test(fe.message ?? '')
              ? 'The body is not valid JSON.'
              : 'Bad request.';
      return { body: { statusCode: status, code: STATUS_CODES[status] ?? 'common/bad-request', message } };
    }
    void request;
    return { body: { statusCode: 500, code: 'internal/error', message: 'Something went wrong on our side.' } };
  }
}
