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
/** Every operation with a path parameter: an over-long one is refused before routing (`request/param-too-long`). */
const PATH_RESPONSES: Record<string, Response> = {
  '414': { description: 'A path parameter is too long (`request/param-too-long`)', content: ERROR },
};
/** Every operation an API key may call: keys are rate-limited per key. */
const API_KEY_RESPONSES: Record<string, Response> = {
  '429': {
    description: 'Too many requests with this API key (`common/rate-limited`): retry after Retry-After',
    content: ERROR,
  },
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
 * is taken, 414 where a path parameter is, 401/403 where credentials are needed, Retry-After on every 429 and 503; `format: uuid` on id path
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
      if (op.parameters?.some((p) => p.in === 'path')) add(PATH_RESPONSES);
      if (secured) add(SECURED_RESPONSES);
      if (op.security?.some((s) => 'apiKey' in s)) add(API_KEY_RESPONSES);
      // An error is always JSON, whatever the operation produces when it succeeds (`@ApiProduces` sets every status).
      for (const [status, r] of Object.entries(op.responses)) {
        if (Number(status) < 400 || !r.content || r.content['application/json']) continue;
        r.content = { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponseDto' } } };
      }
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
  const inlined = new Set<string>();
  visitSchemas(doc, (s) => inlineNullableRef(s, schemas, inlined));
  // A component used only where it was inlined is no longer referenced: drop it (no unused components).
  const text = JSON.stringify(doc);
  for (const name of inlined) if (!text.includes(`"#/components/schemas/${name}"`)) delete schemas[name];
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

function inlineNullableRef(s: Schema, schemas: Record<string, Schema>, inlined: Set<string>) {
  if (!s.nullable || s.allOf?.length !== 1 || !s.allOf[0].$ref) return;
  const name = s.allOf[0].$ref.replace('#/components/schemas/', '');
  const target = schemas[name];
  if (!target?.type) return;
  if (target.type === 'object') {
    inlined.add(name);
    // `nullable` does not reach into `allOf`: a strict validator refuses null there. The object inline, nullable.
    const description = (s as { description?: string }).description;
    delete s.allOf;
    Object.assign(s, structuredClone(target), { nullable: true }, description ? { description } : {});
    return;
  }
  if (s.type) return;
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
  const described = (array: boolean) =>
    [...errorCatalogue()]
      .filter(([, d]) => d.details && d.details !== 'fields' && d.details.startsWith('[') === array)
      .map(([code, d]) => `\`${code}\`: ${d.details}`)
      .sort();
  const objects = described(false);
  const arrays = described(true);
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
      (arrays.length ? '. An array of objects for: ' + arrays.join('; ') : '') +
      '.',
    anyOf: [
      { type: 'array', items: { $ref: '#/components/schemas/FieldErrorDto' } },
      ...(arrays.length ? [{ type: 'array', items: { type: 'object', additionalProperties: true } }] : []),
      { type: 'object', additionalProperties: true },
    ],
  };
}
