/** A detected document type. */
export interface DocumentType {
  mime: 'application/pdf' | 'image/png' | 'image/jpeg';
  ext: 'pdf' | 'png' | 'jpg';
}

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Bytes needed by `detectDocumentType`. */
export const SNIFF_BYTES = 16;

/**
 * The type of a document from its first bytes (the signatures of these three formats are exact, so no sniffing
 * library is needed), never from its name or the client's Content-Type. Anything else — HTML, SVG, executables,
 * archives — is null.
 */
export function detectDocumentType(head: Buffer): DocumentType | null {
  if (head.length >= 5 && head.subarray(0, 5).toString('latin1') === '%PDF-')
    return { mime: 'application/pdf', ext: 'pdf' };
  if (head.length >= 16 && head.subarray(0, 8).equals(PNG) && head.subarray(12, 16).toString('latin1') === 'IHDR')
    return { mime: 'image/png', ext: 'png' };
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff)
    return { mime: 'image/jpeg', ext: 'jpg' };
  return null;
}
