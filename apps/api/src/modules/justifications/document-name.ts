export const MAX_DOCUMENT_NAME = 100;

/**
 * A display name for the user's file, used only in the download's Content-Disposition: the last path segment,
 * without control characters, quotes or separators, at most 100 characters, ending with the extension of the
 * detected type. Never used on disk.
 */
export function safeDocumentName(original: string | undefined | null, ext: string): string {
  const base = (original ?? '').split(/[\\/]/).pop() ?? '';
  let stem = base
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f"*:<>?|;%\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\.[A-Za-z0-9]{1,5}$/, '')
    .replace(/^[.\s]+|[.\s]+$/g, '');
  if (!stem) stem = 'document';
  const maxStem = MAX_DOCUMENT_NAME - ext.length - 1;
  if (stem.length > maxStem) stem = stem.slice(0, maxStem).trim();
  return `${stem}.${ext}`;
}

/** `attachment` with an ASCII fallback and the UTF-8 name (RFC 6266 / 5987). */
export function contentDisposition(name: string): string {
  const ascii =
    name
      .normalize('NFKD')
      .replace(/[^\x20-\x7e]/g, '')
      .replace(/["\\]/g, '') || 'document';
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
