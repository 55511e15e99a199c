import type { OpenAPIObject } from '@nestjs/swagger';
import { errorCatalogue } from './app-error.js';

type Schema = Record<string, unknown> & {
  $ref?: string;
  allOf?: Schema[];
  nullable?: boolean;
  type?: string;
  enum?: unknown[];
};
type Parameter = { name: string; in: string; schema?: Schema };
type Response = { description: string; headers?: Record<string, unknown>; content?: Record<string, unknown> };
type Operation = {
  parameters?: Parameter[];
  requestBody?: unknown;
  responses: Record<string, Response>;
  security?: Record<string, string[]>[];
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'] as const;
const ERROR = { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponseDto' } } };
const RETRY_AFTER = {
  'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer', minimum: 0 } },
};

/** What any operation can answer, whatever its route does: hostile input, an outage, a bug. */
const COMMON_RESPONSES: Record<string, Response> = {
  '400': {
    description:
      'Invalid request: a field or parameter (`validation/failed`, details lists each field), malformed or too ' +
      'deeply nested JSON (`common/bad-request`, `request/too-deep`), a bad URL (`request/bad-url`)',
    content: ERROR,
  },
  '500': { description: 'Unexpected error (`internal/error`); the request id is in the log', content: ERROR },
  '503': {
    description: 'The database is unreachable for a moment (`common/unavailable`): retry after Retry-After',
    headers: RETRY_AFTER,
    content: ERROR,
  },
};
const BODY_RESPONSES: Record<string, Response> = {
  '413': { description: 'The body is too large (`common/payload-too-large`)', content: ERROR },
  '415': { description: 'Unsupported media type (`common/unsupported-media-type`)', content: ERROR },
};
const SECURED_RESPONSES: Record<string, Response> = {
  '401': { description: 'Missing, expired or revoked credentials (`auth/unauthenticated`)', content: ERROR },
  '403': { description: 'Not allowed for this role or object (`auth/forbidden`)', content: ERROR },
};

/** A path parameter that names an object: a uuid (every such route validates it). */
const ID_PARAM = /^(id|[a-z][A-Za-z]*Id)$/;

/**
 * The rules a strict integrator reads, applied to the whole document at once (so no route can forget them):
 * a `servers` entry; `security: []` on public operations; 400, 500 and 503 on every operation, 413/415 where a body
 * is taken, 401/403 where credentials are needed, Retry-After on every 429 and 503; `format: uuid` on id path
 * parameters; and a `type` beside every `nullable` (OpenAPI 3.0 ignores `nullable` without one: a nullable enum
 * reference becomes the enum inline, with null among its values).
 */
export function documentContract(doc: OpenAPIObject): OpenAPIObject {
  doc.servers = [{ url: '/', description: 'The server that serves this document' }];
  const schemas = (doc.components?.schemas ?? {}) as Record<string, Schema>;
  for (const path of Object.values(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = (path as Record<string, Operation | undefined>)[method];
      if (!op) continue;
      const secured = !!op.security?.length;
      if (!secured) op.security = [];
      const add = (responses: Record<string, Response>) => {
        for (const [status, r] of Object.entries(responses)) op.responses[status] ??= structuredClone(r);
      };
      add(COMMON_RESPONSES);
      if (op.requestBody) add(BODY_RESPONSES);
      if (secured) add(SECURED_RESPONSES);
      for (const status of ['429', '503']) {
        const r = op.responses[status];
        if (r) r.headers = { ...RETRY_AFTER, ...r.headers };
      }
      for (const p of op.parameters ?? []) {
        if (p.in === 'path' && ID_PARAM.test(p.name) && p.schema?.type === 'string' && !p.schema.format)
          p.schema.format = 'uuid';
      }
    }
  }
  visitSchemas(doc, (s) => inlineNullableRef(s, schemas));
  documentErrorDetails(schemas);
  return doc;
}

function visitSchemas(node: unknown, fn: (s: Schema) => void) {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const n of node) visitSchemas(n, fn);
    return;
  }
  fn(node as Schema);
  for (const v of Object.values(node)) visitSchemas(v, fn);
}

function inlineNullableRef(s: Schema, schemas: Record<string, Schema>) {
  if (!s.nullable || s.type || s.allOf?.length !== 1 || !s.allOf[0].$ref) return;
  const target = schemas[s.allOf[0].$ref.replace('#/components/schemas/', '')];
  if (!target?.type) return;
  delete s.allOf;
  s.type = target.type;
  if (target.enum) s.enum = [...target.enum, null];
}

/** `details` has one shape per code: an array of field errors, or the object that code documents. */
function documentErrorDetails(schemas: Record<string, Schema>) {
  const error = schemas.ErrorResponseDto as Schema & { properties?: Record<string, Schema> };
  if (!error?.properties) return;
  schemas.FieldErrorDto = {
    type: 'object',
    required: ['field', 'messages'],
    properties: {
      field: { type: 'string', description: 'The field or parameter, dotted for nested ones (`series.startTime`).' },
      messages: { type: 'array', items: { type: 'string' } },
    },
  };
  const objects = [...errorCatalogue()]
    .filter(([, d]) => d.details && d.details !== 'fields')
    .map(([code, d]) => `\`${code}\`: ${d.details}`)
    .sort();
  error.properties.details = {
    description:
      'Present only for some codes, always in the shape that code documents. An array of field errors for ' +
      '`validation/failed` and the codes that name a field (' +
      [...errorCatalogue()]
        .filter(([, d]) => d.details === 'fields')
        .map(([code]) => `\`${code}\``)
        .sort()
        .join(', ') +
      '). An object for: ' +
      objects.join('; ') +
      '.',
    oneOf: [
      { type: 'array', items: { $ref: '#/components/schemas/FieldErrorDto' } },
      { type: 'object', additionalProperties: true },
    ],
  };
}
