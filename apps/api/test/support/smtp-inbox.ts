import { createServer } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { createTestApp, type TestApp } from './test-app.js';

export interface Received {
  rcpt: string[];
  subject: string;
  raw: string;
}

/** Decodes RFC 2047 encoded words (nodemailer encodes non-ASCII subjects). */
function decodeHeader(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([qb])\?([^?]*)\?=/gi, (_m, enc: string, text: string) =>
      enc.toLowerCase() === 'b'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(
            text
              .replace(/_/g, ' ')
              .replace(/=([0-9a-f]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          ).toString('utf8'),
    );
}

/** A real SMTP server in this process: collects every message; can be stopped and started again on its port. */
export class Inbox {
  readonly messages: Received[] = [];
  private server: SMTPServer | null = null;
  constructor(readonly port: number) {}

  start(): Promise<void> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const headers = raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
          const subject = decodeHeader(/^Subject: (.*)$/im.exec(headers)?.[1] ?? '');
          this.messages.push({ rcpt: session.envelope.rcptTo.map((r) => r.address), subject, raw });
          callback();
        });
      },
    });
    return new Promise((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.port, '127.0.0.1', () => resolve());
    });
  }

  stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    return new Promise((resolve) => (s ? s.close(() => resolve()) : resolve()));
  }

  async waitFor(pred: (m: Received) => boolean, timeoutMs = 8000): Promise<Received> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.messages.find(pred);
      if (hit) return hit;
      if (Date.now() > until)
        throw new Error(
          `no matching mail within ${timeoutMs} ms (got: ${this.messages.map((m) => m.subject).join(' | ')})`,
        );
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** A started in-process SMTP inbox and a test app that mails to it (outbox polled every 100 ms); `close` stops both. */
export async function createMailTestApp(env: Record<string, string> = {}): Promise<{ t: TestApp; inbox: Inbox }> {
  const inbox = new Inbox(await freePort());
  await inbox.start();
  const t = await createTestApp({ SMTP_URL: `smtp://127.0.0.1:${inbox.port}`, MAIL_POLL_INTERVAL_MS: '100', ...env });
  const close = t.close.bind(t);
  t.close = async () => {
    await close();
    await inbox.stop();
  };
  return { t, inbox };
}
