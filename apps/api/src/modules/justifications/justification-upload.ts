import { Readable } from 'node:stream';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../common/app-error.js';
import { type FileStorage, newStorageKey } from '../storage/file-storage.js';
import { safeDocumentName } from './document-name.js';
import { detectDocumentType, SNIFF_BYTES } from './document-type.js';
import { JustificationErrors } from './justifications.errors.js';
import { nulError, nulPaths } from '../../common/input-limits.js';
import { RequestErrors } from '../../common/request.errors.js';

/** A document written to storage under a random key (delete it if what follows fails). */
export interface StoredDocument {
  key: string;
  /** Sanitised original name, for Content-Disposition only. */
  name: string;
  /** Detected from the content. */
  type: string;
  size: number;
}

export interface JustificationForm {
  fields: Record<string, unknown>;
  document: StoredDocument | null;
}

const FIELD_BYTES = 8 * 1024;
/** Multipart framing and the text fields around a full-size document. */
const ENVELOPE_BYTES = 64 * 1024;
/** Above this declared length the connection is closed rather than the body discarded. */
const DISCARD_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Reads the filing form: multipart/form-data (fields + an optional `document` file) or, without a file, JSON.
 * The file is streamed to storage: never buffered whole, never past `maxBytes` (413 as soon as the limit is hit,
 * or at once when Content-Length already says so), its type detected from the first bytes before anything is
 * written. Whatever fails, nothing stays in storage.
 */
export async function readJustificationForm(
  req: FastifyRequest,
  storage: FileStorage,
  maxBytes: number,
): Promise<JustificationForm> {
  if (!req.isMultipart()) {
    const body = req.body;
    if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body))
      throw JustificationErrors.badUpload();
    return { fields: body as Record<string, unknown>, document: null };
  }
  const declared = Number(req.headers['content-length']);
  // Refused before reading anything. A browser (which always sends a length) gets the answer once it has finished
  // sending, which Node discards without buffering; only absurd lengths get the connection closed.
  if (Number.isFinite(declared) && declared > maxBytes + ENVELOPE_BYTES) throw tooLarge(declared > DISCARD_MAX_BYTES);

  const fields: Record<string, unknown> = {};
  let document: StoredDocument | null = null;
  try {
    const parts = req.parts({
      limits: { fileSize: maxBytes, files: 1, fields: 10, parts: 11, fieldSize: FIELD_BYTES },
      throwFileSizeLimit: true,
    } as Parameters<FastifyRequest['parts']>[0]);
    for await (const part of parts) {
      if (part.type === 'file') {
        if (part.fieldname !== 'document' || document) {
          part.file.resume();
          throw JustificationErrors.badUpload();
        }
        document = await storeDocument(part, storage, maxBytes);
      } else {
        if (part.fieldname in fields || part.fieldname === 'document')
          throw JustificationErrors.badUpload({ message: `The field "${part.fieldname}" was sent more than once.` });
        // An over-long value fails validation (reason ≤ 1000 characters) rather than being cut silently.
        fields[part.fieldname] = part.valueTruncated ? 'x'.repeat(FIELD_BYTES + 1) : part.value;
      }
    }
    // PostgreSQL text refuses NUL: the same 400 as a JSON body with one.
    const nul = nulPaths(fields);
    if (nul.length) throw nulError(nul);
    return { fields, document };
  } catch (err) {
    if (document) await storage.delete(document.key);
    throw mapMultipartError(err);
  }
}

/**
 * 413. With `close`, the connection is closed after the answer so the rest of the body is never read (a client still
 * sending may then see a reset instead of the answer: used for bodies without a length, or absurd lengths).
 */
function tooLarge(close = true): AppError {
  return JustificationErrors.documentTooLarge(close ? { headers: { Connection: 'close' } } : undefined);
}

async function storeDocument(part: MultipartFile, storage: FileStorage, maxBytes: number): Promise<StoredDocument> {
  const file = part.file;
  const chunks = file[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const head: Buffer[] = [];
  let headBytes = 0;
  let ended = false;
  while (headBytes < SNIFF_BYTES) {
    const next = await chunks.next();
    if (next.done) {
      ended = true;
      break;
    }
    head.push(next.value);
    headBytes += next.value.length;
  }
  const first = Buffer.concat(head);
  const refuse = (error: AppError) => {
    // Let the parser skip the rest of the file (busboy stops delivering at the size limit), then answer.
    void (async () => {
      for (let next = await chunks.next(); !next.done; next = await chunks.next());
    })().catch(() => undefined);
    return error;
  };
  if (file.truncated) throw refuse(tooLarge());
  if (first.length === 0) throw refuse(JustificationErrors.documentEmpty());
  const detected = detectDocumentType(first);
  if (!detected) throw refuse(JustificationErrors.documentType());

  async function* all() {
    yield first;
    if (ended) return;
    for (;;) {
      const next = await chunks.next();
      if (next.done) return;
      yield next.value;
    }
  }
  const key = newStorageKey();
  const source = Readable.from(all(), { objectMode: false });
  // Answer 413 the moment the limit is hit, not when the rest of the part has been parsed.
  const onLimit = () => source.destroy(tooLarge());
  file.once('limit', onLimit);
  let size: number;
  try {
    ({ size } = await storage.put(key, source));
  } catch (err) {
    await storage.delete(key);
    throw file.truncated ? tooLarge() : err;
  } finally {
    file.off('limit', onLimit);
  }
  if (file.truncated || size > maxBytes) {
    await storage.delete(key);
    throw tooLarge();
  }
  return { key, name: safeDocumentName(part.filename, detected.ext), type: detected.mime, size };
}

/** @fastify/multipart's limit and framing errors: the client's fault, answered with a stable code. */
const BAD_UPLOAD_CODES = new Set([
  'FST_FILES_LIMIT',
  'FST_FIELDS_LIMIT',
  'FST_PARTS_LIMIT',
  'FST_PROTO_VIOLATION',
  'FST_INVALID_JSON_FIELD_ERROR',
  'FST_MP_PREMATURE_CLOSE',
]);

function mapMultipartError(err: unknown): unknown {
  if (err instanceof AppError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') return tooLarge();
  if (typeof code === 'string' && BAD_UPLOAD_CODES.has(code)) return JustificationErrors.badUpload();
  // busboy's own framing errors ("Malformed part header", "Unexpected end of form"): the one code for a broken body
  if (err instanceof Error && !('statusCode' in err) && /multipart|part|form|boundary/i.test(err.message))
    return RequestErrors.malformedMultipart();
  return err;
}
