import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import { NestFactory } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { LogController } from 'fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { AppConfig } from './config/app-config.js';
import { AppModule } from './app.module.js';
import { AllExceptionsFilter } from './common/exception.filter.js';
import { JSON_BODY_LIMIT, registerInputLimits } from './common/input-limits.js';
import { RequestErrors } from './common/request.errors.js';
import { registerRequestContext } from './common/request-context.js';
import { redactUrl } from './common/log-redaction.js';
import { staticSecurityHeaders } from './common/security-headers.js';
import { createValidationPipe } from './common/validation.js';
import { documentContract } from './common/openapi-contract.js';
import { documentApiKeys } from './modules/api-keys/api-keys.openapi.js';
import { documentIdempotency } from './modules/idempotency/idempotency.openapi.js';
import { registerIdempotencyBodyHash } from './modules/idempotency/idempotency-fingerprint.js';
import { RealtimeIoAdapter } from './realtime/realtime.adapter.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export interface CreateAppOptions {
  /** Log level override (tests pass 'silent'). */
  logger?: boolean;
  /** Where the request log (pino) goes instead of stdout: tests read it to check what is never logged. */
  logStream?: { write(line: string): void };
}

/** Builds the whole app (REST, docs, static SPA) without listening: used by main, tests and the OpenAPI writer. */
export async function createApp(config: AppConfig, opts: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    logger:
      config.logLevel === 'silent'
        ? false
        : {
            level: config.logLevel,
            ...(opts.logStream ? { stream: opts.logStream } : {}),
            redact: ['req.headers.authorization', 'req.headers.cookie'],
            serializers: {
              // Calendar feed URLs carry a secret token: never write it to the log.
              req: (req: { method: string; url: string; ip?: string; id?: string }) => ({
                method: req.method,
                url: redactUrl(req.url),
                remoteAddress: req.ip,
                reqId: req.id,
              }),
            },
          },
    // Two log lines per request cost more than the request itself on a busy box (errors are logged by the exception
    // filter with the request id): the access log is on at LOG_LEVEL=debug or trace only.
    logController: new LogController({ disableRequestLogging: !['debug', 'trace'].includes(config.logLevel) }),
    // Fastify accepts a hop count at run time; its types omit the number form.
    trustProxy: config.trustProxy as boolean | string,
    bodyLimit: JSON_BODY_LIMIT,
    // Bad percent-encoding and over-long path parameters never reach a route: answer them in the one error shape.
    frameworkErrors: (error: Error & { code?: string }, req: FastifyRequest, reply: FastifyReply) => {
      const e = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? RequestErrors.paramTooLong() : RequestErrors.badUrl();
      void reply
        .code(e.getStatus())
        .header('x-request-id', req.id)
        .type('application/json; charset=utf-8')
        .send({ statusCode: e.getStatus(), code: e.code, message: e.message });
    },
    // A correlation id per request: the caller's X-Request-Id if sane, else a new one; echoed back and logged.
    requestIdHeader: 'x-request-id',
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: opts.logger === false || config.logLevel === 'silent' ? false : ['log', 'warn', 'error'],
    bufferLogs: false,
    // Throw boot errors to the caller (main prints them and exits; tests report them) instead of process.exit(1).
    abortOnError: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  const securityHeaders = staticSecurityHeaders({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'", 'ws:', 'wss:'],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        frameSrc: ["'self'", 'blob:'],
      },
    },
    crossOriginEmbedderPolicy: false,
  });
  // One synchronous hook: the security headers (a route may override one) and the request id echoed back.
  fastify.addHook('onRequest', (req, reply, done) => {
    void reply.headers(securityHeaders);
    void reply.header('x-request-id', req.id);
    done();
  });
  registerRequestContext(fastify);
  registerInputLimits(app);
  registerIdempotencyBodyHash(fastify);
  await app.register(fastifyCookie);
  await app.register(fastifyMultipart, { limits: { fileSize: 5 * 1024 * 1024, files: 1, fields: 10 } });
  app.enableCors({
    origin: config.corsOrigins,
    credentials: true,
    exposedHeaders: [
      'Retry-After',
      'X-Request-Id',
      'Content-Disposition',
      'Idempotent-Replayed',
      'RateLimit',
      'RateLimit-Policy',
    ],
  });
  app.useWebSocketAdapter(new RealtimeIoAdapter(app, config));
  app.setGlobalPrefix('api');
  app.useGlobalPipes(createValidationPipe());

  const webIndex = join(config.webDistDir, 'index.html');
  const serveSpa = existsSync(webIndex);
  if (serveSpa) {
    await app.register(fastifyStatic, {
      root: config.webDistDir,
      prefix: '/',
      wildcard: true,
      index: ['index.html'],
      // The build writes .br and .gz beside each asset: served as they are, no compression per request.
      preCompressed: true,
      cacheControl: false,
      setHeaders: (reply, path) => {
        // Vite's /assets/ file names carry a content hash: cached for a year. Everything else (index.html above
        // all) is revalidated, so a new release is picked up on the next load.
        const hashed = path.startsWith(join(config.webDistDir, 'assets') + sep);
        void reply.header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }
  app.useGlobalFilters(new AllExceptionsFilter(serveSpa, config.nodeEnv === 'test' && config.logLevel === 'silent'));

  SwaggerModule.setup('api/docs', app, () => buildOpenApi(app), {
    jsonDocumentUrl: 'api/docs-json',
    swaggerOptions: { persistAuthorization: true },
    customSiteTitle: 'SysPonto API',
  });
  app.enableShutdownHooks();
  return app;
}

export function buildOpenApi(app: NestFastifyApplication): OpenAPIObject {
  const doc = new DocumentBuilder()
    .setTitle('SysPonto API')
    .setDescription(
      'Real-time class attendance. Errors are `{ statusCode, code, message, details? }` with stable `code` strings. ' +
        'Sign in with `POST /api/auth/login`, then use the access token as a Bearer token; integrations use an API key ' +
        '(`spk_…`, `POST /api/api-keys`) the same way, narrowed to the scope each operation names. ' +
        'Every POST accepts `Idempotency-Key`. Integrations guide: docs/integrations.md. The Socket.IO and webhook ' +
        'events are described by the AsyncAPI document at [/api/docs/asyncapi.json](/api/docs/asyncapi.json). ' +
        'Demo logins (embedded default): admin@example.com, teacher@example.com, student@example.com — password `sysponto-demo`.',
    )
    .setVersion('0.1.0')
    .setExternalDoc('AsyncAPI 3: Socket.IO and webhook events', '/api/docs/asyncapi.json')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  return documentContract(
    documentApiKeys(
      documentIdempotency(
        SwaggerModule.createDocument(app, doc, { operationIdFactory: (_controller, method) => method }),
      ),
    ),
  );
}
