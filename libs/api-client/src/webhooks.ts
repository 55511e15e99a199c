/**
 * Verifying SysPonto's webhooks, exactly as the Standard Webhooks specification says: `webhook-signature` holds
 * space-separated `v1,<base64 HMAC-SHA256>` entries over `"{webhook-id}.{webhook-timestamp}.{raw body}"`, keyed with
 * the base64 bytes after `whsec_`. Web Crypto only, so it runs in Node ≥ 20, Deno, Bun, workers and browsers.
 */

/** What a delivery's body holds. `type` is the event (e.g. `attendance.submitted`), `data` its payload. */
export interface WebhookEvent<T = unknown> {
  type: string;
  timestamp: string;
  data: T;
}

export class WebhookVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}

type HeaderBag = Headers | Record<string, string | string[] | undefined>;

function header(headers: HeaderBag, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const bag = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(bag).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : bag[key];
  return Array.isArray(value) ? value[0] : value;
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

function toBase64(bytes: ArrayBuffer): string {
  let binary = '';
  for (const b of new Uint8Array(bytes)) binary += String.fromCharCode(b);
  return btoa(binary);
}

function hmacKey(secret: string, usage: 'sign' | 'verify'): Promise<CryptoKey> {
  const raw = fromBase64(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret);
  return globalThis.crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, [usage]);
}

const content = (id: string, timestamp: number | string, body: string) =>
  new TextEncoder().encode(`${id}.${timestamp}.${body}`);

/** The `webhook-signature` value for a message (`v1,<base64>`), e.g. to test a receiver. */
export async function signWebhook(secret: string, id: string, timestamp: number, body: string): Promise<string> {
  const mac = await globalThis.crypto.subtle.sign('HMAC', await hmacKey(secret, 'sign'), content(id, timestamp, body));
  return `v1,${toBase64(mac)}`;
}

/**
 * Checks a delivery and returns its event. Pass the **raw** body (before any JSON parsing) and the request headers.
 * Throws WebhookVerificationError when a header is missing, the timestamp is further than `toleranceSeconds` (300)
 * from now (a replay), or no `v1` signature matches. Deliveries are at least once: dedupe on `webhook-id`.
 */
export async function verifyWebhook<T = unknown>(
  secret: string,
  headers: HeaderBag,
  rawBody: string,
  { toleranceSeconds = 300, now = Date.now() / 1000 }: { toleranceSeconds?: number; now?: number } = {},
): Promise<WebhookEvent<T>> {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures)
    throw new WebhookVerificationError('Missing webhook-id, -timestamp or -signature.');
  if (!/^\d+$/.test(timestamp)) throw new WebhookVerificationError('Invalid webhook-timestamp.');
  if (Math.abs(now - Number(timestamp)) > toleranceSeconds)
    throw new WebhookVerificationError('The webhook-timestamp is too old or too new.');
  const key = await hmacKey(secret, 'verify');
  const signed = content(id, timestamp, rawBody);
  for (const entry of signatures.split(' ')) {
    const [version, signature] = entry.split(',', 2);
    if (version !== 'v1' || !signature) continue;
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = fromBase64(signature);
    } catch {
      continue;
    }
    // subtle.verify compares in constant time.
    if (await globalThis.crypto.subtle.verify('HMAC', key, bytes, signed))
      return JSON.parse(rawBody) as WebhookEvent<T>;
  }
  throw new WebhookVerificationError('No matching signature.');
}
