import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  json: { type: string; timestamp: string; data: Record<string, unknown> };
  path: string;
  at: number;
}

/**
 * A local webhook receiver on a random loopback port: records every request; `respond` picks the status per
 * request (default 200).
 */
export async function startReceiver() {
  const received: ReceivedWebhook[] = [];
  let respond: (req: ReceivedWebhook, n: number) => number = () => 200;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const r: ReceivedWebhook = {
        id: String(req.headers['webhook-id']),
        timestamp: String(req.headers['webhook-timestamp']),
        signature: String(req.headers['webhook-signature']),
        body,
        json: JSON.parse(body || '{}'),
        path: req.url ?? '/',
        at: Date.now(),
      };
      received.push(r);
      const status = respond(r, received.length);
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'receiver says no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path = '/hook') => `http://127.0.0.1:${port}${path}`,
    received,
    setResponder(fn: (req: ReceivedWebhook, n: number) => number) {
      respond = fn;
    },
    /** Waits until `predicate` holds over the received list. */
    async waitFor(predicate: (all: ReceivedWebhook[]) => boolean, timeoutMs = 15000) {
      const until = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > until)
          throw new Error(`receiver: condition not met; got ${received.map((r) => r.json.type).join(', ')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return received;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
