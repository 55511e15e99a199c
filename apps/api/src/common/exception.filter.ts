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
import { AppError } from './app-error.js';

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

export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details?: unknown;
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
    // The database is unreachable or the pool is exhausted: a temporary condition, not a bug.
    const msg = exception instanceof Error ? exception.message : '';
    if (
      /timeout exceeded when trying to connect|Connection terminated|ECONNREFUSED|the database system is (starting|shutting) up/i.test(
        msg,
      )
    ) {
      return {
        body: {
          statusCode: 503,
          code: 'common/unavailable',
          message: 'The service is temporarily unavailable. Try again in a moment.',
        },
        headers: { 'Retry-After': '2' },
      };
    }
    // Fastify's own errors (body too large, bad JSON, bad content type) carry a statusCode.
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
