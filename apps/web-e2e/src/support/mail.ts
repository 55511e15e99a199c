import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';

/** A mail as the test SMTP server received it, quoted-printable undone. */
export interface ReceivedMail {
  to: string;
  subject: string;
  text: string;
}

function read(file: string): ReceivedMail {
  const raw = readFileSync(file, 'latin1');
  const headers = raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
  const text = Buffer.from(
    raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
    'latin1',
  ).toString('utf8');
  return { to: /^To: (.*)$/im.exec(headers)?.[1] ?? '', subject: /^Subject: (.*)$/im.exec(headers)?.[1] ?? '', text };
}

/** Waits for a mail to `to` that matches, among those received since the test started. */
export async function waitForMail(to: string, match: (m: ReceivedMail) => boolean = () => true, timeoutMs = 20_000) {
  const dir = inject('mailDir');
  if (!dir) throw new Error('no mail directory: this run has no test SMTP server');
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = readdirSync(dir)
      .sort()
      .map((f) => read(join(dir, f)))
      .reverse()
      .find((m) => m.to.includes(to) && match(m));
    if (found) return found;
    if (Date.now() > until) throw new Error(`no mail to ${to} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
