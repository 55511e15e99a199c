import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  StreamableFile,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { catchError, from, mergeMap, type Observable, of } from 'rxjs';
import type { AuthUser } from '../../common/auth-user.js';
import { AllExceptionsFilter } from '../../common/exception.filter.js';
import { IDEMPOTENCY_REDACT } from './idempotency.decorators.js';
import { IdempotencyErrors } from './idempotency.errors.js';
import { IDEMPOTENCY_HEADER, IDEMPOTENCY_KEY_PATTERN, requestFingerprint } from './idempotency-fingerprint.js';
import { IdempotencyService } from './idempotency.service.js';

export const REPLAYED_HEADER = 'Idempotent-Replayed';
/** The writes a client may retry safely with a key: POST, and PATCH (a teacher's change queued offline). */
export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['POST', 'PATCH']);

/** Answers that a retry should see again (client errors are as final as successes); others let a retry run. */
const replayable = (status: number) => status < 500 && status !== 429 && status !== 408;

/** Who a key belongs to: an API key is its own principal (two keys of one owner never share replays). */
export function idempotencyPrincipal(user: (AuthUser & { apiKeyId?: string }) | undefined): string | null {
  if (!user) return null;
  return user.apiKeyId ? `key:${user.apiKeyId}` : `user:${user.id}`;
}

/**
 * One global mechanism for every POST and PATCH: with an `Idempotency-Key` header, the first request claims (principal,
 * key) in the database (INSERT … ON CONFLICT, so concurrent replicas agree), runs, and stores its status and body;
 * the same key with the same request within 24 h replays them with `Idempotent-Replayed: true` and runs nothing;
 * with another request it is 422 `idempotency/key-reused`; while the first still runs, 409 `idempotency/in-progress`.
 * Runs after the guard (the principal is known); public routes (sign-in) ignore the header.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly errors = new AllExceptionsFilter();

  constructor(
    private readonly store: IdempotencyService,
    private readonly reflector: Reflector,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const req = http.getRequest<FastifyRequest & { user?: AuthUser }>();
    if (!IDEMPOTENT_METHODS.has(req.method)) return next.handle();
    const header = req.headers[IDEMPOTENCY_HEADER];
    if (header === undefined) return next.handle();
    if (typeof header !== 'string' || !IDEMPOTENCY_KEY_PATTERN.test(header)) throw IdempotencyErrors.keyInvalid();
    const principal = idempotencyPrincipal(req.user);
    if (!principal) return next.handle();

    const reply = http.getResponse<FastifyReply>();
    const claim = await this.store.claim(principal, header, requestFingerprint(req));
    switch (claim.kind) {
      case 'reused':
        throw IdempotencyErrors.keyReused();
      case 'in-progress':
        throw IdempotencyErrors.inProgress({ headers: { 'Retry-After': '1' } });
      case 'replay':
        void reply.status(claim.statusCode).header(REPLAYED_HEADER, 'true');
        return of(claim.body);
      case 'owned':
        break;
    }
    const redact = this.reflector.get<string[] | undefined>(IDEMPOTENCY_REDACT, context.getHandler()) ?? [];
    const id = claim.id;
    return next.handle().pipe(
      mergeMap((result) =>
        from(
          (async () => {
            if (isJsonValue(result)) await this.store.complete(id, reply.statusCode, redacted(result, redact));
            else await this.store.release(id);
            return result;
          })(),
        ),
      ),
      catchError((err: unknown) =>
        from(
          (async () => {
            const { body } = this.errors.toBody(err, req);
            if (replayable(body.statusCode)) await this.store.complete(id, body.statusCode, body);
            else await this.store.release(id);
            throw err;
          })(),
        ),
      ),
    );
  }
}

/** Plain data is stored; files and streams (StreamableFile, Buffer, a Readable) are not replayable. */
function isJsonValue(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (typeof v !== 'object') return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
  return !(v instanceof StreamableFile || Buffer.isBuffer(v) || typeof (v as { pipe?: unknown }).pipe === 'function');
}

function redacted(result: unknown, fields: string[]): unknown {
  if (fields.length === 0 || !result || typeof result !== 'object' || Array.isArray(result)) return result;
  const copy = { ...(result as Record<string, unknown>) };
  for (const f of fields) if (f in copy) copy[f] = null;
  return copy;
}
