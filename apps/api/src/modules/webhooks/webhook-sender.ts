import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { checkUrlShape, isForbiddenAddress } from './webhook-ssrf.js';

export interface SendResult {
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  response: string | null;
}

const MAX_RESPONSE = 2000;

/**
 * A lookup that refuses forbidden addresses after DNS resolution, so the address connected to is the address
 * checked (no DNS-rebinding window between a check and the connection).
 */
function guardedLookup(allowPrivate: boolean): LookupFunction {
  return ((hostname: string, options: object, callback: (...args: unknown[]) => void) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err);
      const list = addresses ?? [];
      if (!allowPrivate && list.some((a) => isForbiddenAddress(a.address)))
        return callback(
          Object.assign(new Error(`${hostname} resolves to a private or reserved address`), { code: 'EFORBIDDEN' }),
        );
      if ((options as { all?: boolean }).all) return callback(null, list);
      const first = list[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} did not resolve`), { code: 'ENOTFOUND' }));
      return callback(null, first.address, first.family);
    });
  }) as unknown as LookupFunction;
}

/**
 * POSTs one signed delivery: http(s) only, no redirects followed (a 3xx is a failure), the whole request bounded
 * by `timeoutMs`, the first 2000 characters of the answer kept for the admin page.
 */
export function sendWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  opts: { timeoutMs: number; allowPrivate: boolean },
): Promise<SendResult> {
  const started = performance.now();
  const done = (r: Omit<SendResult, 'durationMs'>): SendResult => ({
    ...r,
    durationMs: Math.round(performance.now() - started),
  });
  const shape = checkUrlShape(url);
  if (shape) return Promise.resolve(done({ statusCode: null, error: `URL refused (${shape})`, response: null }));
  const target = new URL(url);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  // An IP literal is connected to without a lookup: check it here.
  if (isIP(host) && !opts.allowPrivate && isForbiddenAddress(host))
    return Promise.resolve(
      done({ statusCode: null, error: 'Destination is a private or reserved address', response: null }),
    );

  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: Omit<SendResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(done(r));
    };
    const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(
      target,
      {
        method: 'POST',
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'SysPonto-Webhooks/1',
        },
        lookup: guardedLookup(opts.allowPrivate),
        agent: false,
      },
      (res: IncomingMessage) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (text.length < MAX_RESPONSE) text += chunk;
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const response = text.slice(0, MAX_RESPONSE) || null;
          if (status >= 200 && status < 300) finish({ statusCode: status, error: null, response });
          else if (status >= 300 && status < 400)
            finish({
              statusCode: status,
              error: `Redirect not followed (${res.headers.location ?? 'no location'})`,
              response,
            });
          else finish({ statusCode: status, error: `HTTP ${status}`, response });
        });
        res.on('error', (err) => finish({ statusCode: res.statusCode ?? null, error: err.message, response: null }));
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error(`Timed out after ${opts.timeoutMs} ms`));
    }, opts.timeoutMs);
    req.on('error', (err) => finish({ statusCode: null, error: err.message, response: null }));
    req.end(body);
  });
}
