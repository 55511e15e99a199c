import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

/**
 * A strict OpenAPI 3.0 response validator over the served document (ajv 8 in strict mode, which knows OpenAPI's
 * `nullable`; the document's schemas under `components#/$defs`): every response of a documented operation must have
 * a documented status, and a JSON body must match that status's schema. Used by every e2e test app
 * (test-app.ts records each response; close() fails the suite on a violation) and by openapi-responses.e2e-spec.ts.
 */

type Json = Record<string, unknown>;
interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: Json }> }>;
}
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json> };
}

export interface Violation {
  operation: string;
  status: number;
  problem: string;
}

// ajv-formats is CommonJS with a default export; under swc's interop it may arrive wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (
  ajv: Ajv,
) => Ajv;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export class ResponseValidator {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<Json, ValidateFunction>();
  /** Path templates matched longest-literal first, so `/api/users/me` wins over `/api/users/{id}`. */
  private readonly routes: { template: string; pattern: RegExp; literal: number }[];

  constructor(private readonly doc: OpenApiDocument) {
    if (!doc.openapi.startsWith('3.0.')) throw new Error(`Not an OpenAPI 3.0 document: ${doc.openapi}`);
    this.ajv = new Ajv({ strict: true, allErrors: true, discriminator: true, strictRequired: false });
    addFormats(this.ajv);
    this.ajv.addFormat('binary', true);
    this.ajv.addKeyword({ keyword: 'example' });
    const schemas = JSON.parse(
      JSON.stringify(doc.components.schemas).replaceAll('"#/components/schemas/', '"components#/$defs/'),
    ) as Json;
    this.ajv.addSchema({ $id: 'components', $defs: schemas });
    this.routes = Object.keys(doc.paths)
      .map((template) => ({
        template,
        pattern: new RegExp('^' + template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+') + '$'),
        literal: template.replace(/\{[^}]+\}/g, '').length,
      }))
      .sort((a, b) => b.literal - a.literal);
  }

  /** The documented path template of a concrete path or of a Fastify route (`/api/users/:id`), if any. */
  templateOf(path: string): string | null {
    const fromRoute = path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    if (this.doc.paths[fromRoute]) return fromRoute;
    const bare = path.split('?')[0];
    return this.routes.find((r) => r.pattern.test(bare))?.template ?? null;
  }

  private validator(schema: Json): ValidateFunction {
    let v = this.compiled.get(schema);
    if (!v) {
      const fixed = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', '"components#/$defs/'));
      v = this.ajv.compile(fixed);
      this.compiled.set(schema, v);
    }
    return v;
  }

  /**
   * The problems of one response (empty when it matches the document). Undocumented paths (the SPA, docs, sockets)
   * are not this validator's business and give none.
   */
  check(method: string, path: string, status: number, contentType: string | undefined, body: unknown): Violation[] {
    const template = this.templateOf(path);
    const m = method.toLowerCase();
    if (!template || !METHODS.includes(m)) return [];
    const op = this.doc.paths[template][m === 'head' ? 'get' : m];
    const operation = `${method.toUpperCase()} ${template}`;
    if (!op) return [{ operation, status, problem: 'method not documented for this path' }];
    const responses = op.responses ?? {};
    const documented = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
    if (!documented)
      return [
        { operation, status, problem: `status not documented (documented: ${Object.keys(responses).join(', ')})` },
      ];
    if (m === 'head' || status === 204 || status === 304) return [];
    const json = /^application\/(.+\+)?json/.test(contentType ?? '');
    const schema = documented.content?.['application/json']?.schema;
    if (!json) {
      const types = Object.keys(documented.content ?? {});
      const given = (contentType ?? '').split(';')[0].trim();
      if (types.length && given && !types.some((t) => t === given || t === '*/*' || t.endsWith('/*')))
        return [
          { operation, status, problem: `content type ${given} not documented (documented: ${types.join(', ')})` },
        ];
      return [];
    }
    if (!schema) {
      if (documented.content && !documented.content['application/json'])
        return [{ operation, status, problem: 'JSON body where the document gives another content type' }];
      return body === undefined || body === '' ? [] : [{ operation, status, problem: 'JSON body not documented' }];
    }
    const validate = this.validator(schema);
    if (validate(body)) return [];
    return (validate.errors ?? []).slice(0, 5).map((e) => ({
      operation,
      status,
      problem: `${e.instancePath || '(body)'} ${e.message ?? ''}${e.params ? ' ' + JSON.stringify(e.params) : ''}`,
    }));
  }
}
