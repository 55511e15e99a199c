import type { FastifyRequest } from 'fastify';
import type {} from '@fastify/multipart';
import { RequestErrors } from './request.errors.js';

/** The one uploaded file of a multipart/form-data body; `truncated` when it was cut at the size limit. */
export interface UploadedFile {
  file: Buffer;
  truncated: boolean;
}

/**
 * Reads a multipart/form-data body's file field `field` (at most `maxBytes`; other parts skipped). Every part is read
 * to the end, so a truncated or garbled body fails here (busboy reports it only after the file's bytes) instead of
 * handing on what arrived. null when the body has no such file; framing errors become `request/malformed-multipart`.
 */
export async function readMultipartFile(
  req: FastifyRequest,
  maxBytes: number,
  field = 'file',
): Promise<UploadedFile | null> {
  let out: UploadedFile | null = null;
  try {
    for await (const part of req.parts({ limits: { fileSize: maxBytes + 1, files: 1, fields: 5 } })) {
      if (part.type !== 'file') continue;
      if (part.fieldname !== field || out) {
        part.file.resume();
        continue;
      }
      const file = await part.toBuffer();
      out = { file, truncated: part.file.truncated || file.length > maxBytes };
    }
  } catch (err) {
    throw multipartReadError(err);
  }
  return out;
}

/** A framing error of busboy ("Unexpected end of form", "Malformed part header") → 400; anything else as it is. */
export function multipartReadError(err: unknown): unknown {
  if (err instanceof Error && !('statusCode' in err) && /multipart|part|form|boundary/i.test(err.message))
    return RequestErrors.malformedMultipart();
  return err;
}
