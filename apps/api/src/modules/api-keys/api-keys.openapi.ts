import type { OpenAPIObject } from '@nestjs/swagger';
import { requiredScope } from './api-key-scopes.js';

type Operation = { description?: string; security?: Record<string, string[]>[]; 'x-api-key-scope'?: string | null };

/**
 * Both security schemes (the `bearer` access token and the `apiKey` `spk_…` token) and, on every operation, the
 * scope an API key needs (`x-api-key-scope` and a line in the description), from the same map the guard uses.
 */
export function documentApiKeys(doc: OpenAPIObject): OpenAPIObject {
  doc.components ??= {};
  doc.components.securitySchemes ??= {};
  doc.components.securitySchemes.apiKey = {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'spk_…',
    description: 'An API key (`POST /api/api-keys`), sent as `Authorization: Bearer spk_…`; narrowed by its scopes.',
  };
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const op = (item as Record<string, Operation | undefined>)[method];
      if (!op?.security?.some((s) => 'bearer' in s)) continue;
      const scope = requiredScope(method.toUpperCase(), path);
      op['x-api-key-scope'] = scope;
      if (scope) {
        op.security = [...op.security, { apiKey: [] }];
        op.description = `${op.description ? `${op.description}\n\n` : ''}API keys: scope \`${scope}\`.`;
      } else {
        op.description = `${op.description ? `${op.description}\n\n` : ''}Not available to API keys.`;
      }
    }
  }
  return doc;
}
