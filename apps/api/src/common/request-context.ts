import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance } from 'fastify';

/** What a request knows about itself, reachable from any code it calls without passing it along. */
export interface RequestContext {
  /** The request's correlation id (also sent back as `X-Request-Id`). */
  requestId: string;
  /** The client address (honours TRUST_PROXY). */
  ip: string | null;
  /** The authenticated caller, set by the auth guard once the credential is verified. */
  actorId: string | null;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** The current request's context, or undefined outside a request (timers, workers, sockets, tests). */
export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}

/** Runs `fn` with a context: background jobs that act for someone can use it too. */
export function runWithRequestContext<T>(ctx: RequestContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

/**
 * Enters the context in `preHandler`, after body parsing (stream callbacks there would not carry it) and right before
 * Nest's route handler, so guards, pipes, services and their transactions all see it. One object per request.
 */
export function registerRequestContext(fastify: FastifyInstance) {
  fastify.addHook('preHandler', (req, _reply, done) => {
    storage.run({ requestId: String(req.id), ip: req.ip ?? null, actorId: null }, done);
  });
}
