import type { OpenAPIObject } from '@nestjs/swagger';

type Operation = {
  parameters?: { name: string; in: string }[];
  responses?: Record<string, unknown>;
  description?: string;
};

const ERROR_REF = { $ref: '#/components/schemas/ErrorResponseDto' };

/**
 * The idempotency mechanism is global (IdempotencyInterceptor), so its contract is added to every POST and PATCH
 * of the document here rather than by a decorator on each route: the header parameter, the replay header and the
 * errors.
 */
export function documentIdempotency(doc: OpenAPIObject): OpenAPIObject {
  for (const path of Object.values(doc.paths ?? {})) {
    for (const op of [(path as { post?: Operation }).post, (path as { patch?: Operation }).patch]) {
      if (op) documentOperation(op);
    }
  }
  return doc;
}

function documentOperation(op: Operation): void {
  op.parameters ??= [];
  if (!op.parameters.some((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key')) {
    op.parameters.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'Makes the request safe to retry: the same key with the same request (method, URL, body) from the same ' +
        'caller within 24 h replays the first answer (status and body, with `Idempotent-Replayed: true`) and ' +
        'performs nothing again. Use a new random value (e.g. a UUID) per logical operation.',
      schema: { type: 'string', minLength: 1, maxLength: 255 },
    } as unknown as { name: string; in: string });
  }
  op.responses ??= {};
  op.responses['409'] ??= {
    description: 'Conflict, or `idempotency/in-progress`: the first request with this Idempotency-Key still runs',
    content: { 'application/json': { schema: ERROR_REF } },
  };
  op.responses['422'] ??= {
    description: '`idempotency/key-reused`: this Idempotency-Key was used with a different request',
    content: { 'application/json': { schema: ERROR_REF } },
  };
}
