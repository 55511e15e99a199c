import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** Visible ASCII (RFC 9110 token-ish), 1–255 characters. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e][\x20-\x7e]{0,254}$/;

/** The largest non-JSON body buffered to fingerprint it (a justification document is ≤ 5 MB). */
const MAX_BUFFERED = 6 * 1024 * 1024;

type WithRawHash = FastifyRequest & { idempotencyBodyHash?: string };

/** JSON with sorted keys: the same object sent with another key order or spacing is the same request. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .sort()
    .filter((k) => obj[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
    .join(',')}}`;
}

/**
 * SHA-256 of what makes a request "the same request": method, URL (path and query) and body. JSON bodies are
 * compared as canonical JSON; other bodies (multipart uploads, CSV) by their bytes, hashed while they are read.
 */
export function requestFingerprint(req: FastifyRequest): string {
  const h = createHash('sha256').update(`${req.method}\n${req.url}\n`);
  const raw = (req as WithRawHash).idempotencyBodyHash;
  if (raw) h.update(`raw:${raw}`);
  else h.update(`json:${req.body === undefined ? '' : canonicalJson(req.body)}`);
  return h.digest('hex');
}

/**
 * A POST or PATCH with an Idempotency-Key and a non-JSON body is buffered once and hashed before it is parsed, so the
 * interceptor can compare it before the handler consumes the stream. Multipart boundaries are random per request
 * (a client library picks a new one on retry): they are left out of the hash.
 */
export function registerIdempotencyBodyHash(fastify: FastifyInstance): void {
  fastify.addHook('preParsing', async (req, _reply, payload) => {
    if ((req.method !== 'POST' && req.method !== 'PATCH') || req.headers[IDEMPOTENCY_HEADER] === undefined)
      return payload;
    const type = req.headers['content-type'] ?? '';
    if (/^application\/([\w.-]+\+)?json\b/i.test(type)) return payload;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of payload) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      size += buf.length;
      if (size > MAX_BUFFERED)
        throw Object.assign(new Error('Request body is too large'), {
          statusCode: 413,
          code: 'FST_ERR_CTP_BODY_TOO_LARGE',
        });
      chunks.push(buf);
    }
    const body = Buffer.concat(chunks);
    const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(type);
    const marker = boundary ? (boundary[1] ?? boundary[2]) : null;
    const hashed = marker ? Buffer.from(body.toString('latin1').split(marker).join(''), 'latin1') : body;
    (req as WithRawHash).idempotencyBodyHash = createHash('sha256').update(hashed).digest('hex');
    // @fastify/multipart reads request.raw itself (not the parsed payload): hand it the buffered bytes.
    if (marker) {
      const raw = req.raw as unknown as { pipe: (dest: NodeJS.WritableStream, opts?: { end?: boolean }) => unknown };
      raw.pipe = (dest, opts) => Readable.from([body]).pipe(dest, opts);
    }
    const stream = Readable.from([body]) as Readable & { receivedEncodedLength?: number };
    stream.receivedEncodedLength = body.length;
    return stream;
  });
}
