import { parse as parseQuery } from 'node:querystring';
import { type NestFastifyApplication, RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { AppError, CommonErrors } from './app-error.js';
import { RequestErrors } from './request.errors.js';
import type { FieldError } from './validation.js';

/** Deeper JSON is refused before parsing finishes its job: no DTO of ours nests beyond a few levels. */
export const MAX_JSON_DEPTH = 32;
/** JSON bodies (uploads have their own limits in their routes). */
export const JSON_BODY_LIMIT = 1024 * 1024;

/**
 * True when the text nests arrays/objects deeper than `max`. One linear pass over the characters (strings skipped)
 * that stops at the first level too deep, so a hostile 100,000 `[` costs microseconds, not a stack overflow.
 */
export function jsonDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) {
      inString = true;
    } else if (c === 91 || c === 123) {
      if (++depth > max) return true;
    } else if (c === 93 || c === 125) {
      depth--;
    }
  }
  return false;
}

const NUL_MESSAGE = 'must not contain NUL characters';

/**
 * The paths of string values (and keys) containing U+0000, which PostgreSQL text refuses. Depth is already bounded
 * (JSON by the parser, query strings by their syntax), so the recursion is safe.
 */
export function nulPaths(value: unknown, path = '', out: string[] = [], depth = 0): string[] {
  if (out.length >= 20 || depth > MAX_JSON_DEPTH + 2) return out;
  if (typeof value === 'string') {
    if (value.includes('\u0000')) out.push(path || 'body');
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => nulPaths(v, path ? `${path}.${i}` : String(i), out, depth + 1));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const p = path ? `${path}.${k}` : k;
      if (k.includes('\u0000')) out.push(p.replaceAll('\u0000', '\\u0000'));
      else nulPaths(v, p, out, depth + 1);
    }
  }
  return out;
}

export function nulError(paths: string[]): AppError {
  const details: FieldError[] = paths.map((field) => ({ field, messages: [`${field} ${NUL_MESSAGE}`] }));
  return CommonErrors.validation({ message: `${paths[0]} ${NUL_MESSAGE}`, details });
}

/** Marks a route that reads multipart/form-data itself; every other route answers such a body with 415. */
export const AcceptsMultipart = () => RouteConfig({ multipart: true });

function isMultipart(req: FastifyRequest): boolean {
  return /^multipart\//i.test(String(req.headers['content-type'] ?? ''));
}

/**
 * Hostile input is a cheap 4xx in the one error shape, on every route:
 * - JSON: bounded size (413) and depth (400 `request/too-deep`) before JSON.parse, prototype poisoning refused as
 *   Fastify does by default, NUL characters anywhere in the body → 400 `validation/failed`;
 * - query strings and path parameters with NUL → 400 `validation/failed`;
 * - multipart/form-data sent to a route that does not read it → 415.
 */
export function registerInputLimits(app: NestFastifyApplication) {
  const fastify = app.getHttpAdapter().getInstance();
  // Through Nest's useBodyParser, so that Nest does not add its own default parsers for these types at init.
  app.useBodyParser('application/json', { bodyLimit: JSON_BODY_LIMIT }, (req, body: Buffer, done) => {
    const text = body.toString('utf8');
    if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) return done(RequestErrors.tooDeep(), undefined);
    const parseJson = fastify.getDefaultJsonParser('error', 'error');
    void parseJson(req as Parameters<typeof parseJson>[0], text, (err: Error | null, parsed?: unknown) => {
      if (err)
        return done(
          (err as { code?: string }).code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
            ? RequestErrors.emptyJson()
            : RequestErrors.invalidJson(),
          undefined,
        );
      // Only an escape can put a NUL in parsed JSON (a raw one is invalid JSON): look only when one may be there.
      if (text.includes('u0000')) {
        const paths = nulPaths(parsed);
        if (paths.length) return done(nulError(paths), undefined);
      }
      done(null, parsed);
    });
  });
  // A form body is flat (no nesting to bound): the same NUL rule; prototype keys refused as in JSON.
  app.useBodyParser('application/x-www-form-urlencoded', { bodyLimit: JSON_BODY_LIMIT }, (_req, body: Buffer, done) => {
    const parsed = { ...parseQuery(body.toString('utf8')) };
    if (Object.hasOwn(parsed, '__proto__') || Object.hasOwn(parsed, 'constructor'))
      return done(RequestErrors.invalidForm(), undefined);
    const paths = nulPaths(parsed);
    if (paths.length) return done(nulError(paths), undefined);
    done(null, parsed);
  });

  fastify.addHook('preValidation', (req, _reply, done) => {
    if (isMultipart(req) && !(req.routeOptions.config as { multipart?: boolean } | undefined)?.multipart)
      return done(RequestErrors.multipartNotAccepted());
    if (req.url.includes('%00') || req.url.includes('\u0000')) {
      const paths = [...nulPaths(req.params, ''), ...nulPaths(req.query, '')];
      if (paths.length) return done(nulError(paths));
    }
    done();
  });
}
