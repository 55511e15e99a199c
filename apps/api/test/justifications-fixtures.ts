import { readdirSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { FileStorage } from '../src/modules/storage/file-storage.js';
import { LocalDiskStorage } from '../src/modules/storage/local-disk.storage.js';
import type { TestApp } from './support/test-app.js';

export { samplePdf } from './fixtures/sample-pdf.js';

export const HOUR = 60 * 60 * 1000;
export const DAY = 24 * HOUR;

/** Every file under the app's upload folder, relative to it. */
export function storedFiles(t: TestApp): string[] {
  const root = (t.app.get(FileStorage) as LocalDiskStorage).root;
  const out: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path, join(rel, name));
      else out.push(join(rel, name));
    }
  };
  walk(root, '');
  return out;
}

/** A multipart upload with chunked transfer encoding (no Content-Length): the limit must hold while streaming. */
export function chunkedUpload(
  url: string,
  token: string,
  fields: Record<string, string>,
  file: { name: string; head: Buffer; totalBytes: number },
): Promise<{ status: number; body: { code?: string }; bytesSent: number; cutOff?: string }> {
  const boundary = `----sysponto${Date.now()}`;
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}/api/justifications`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': `multipart/form-data; boundary=${boundary}`,
        'Transfer-Encoding': 'chunked',
      },
    });
    let bytesSent = 0;
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'),
          bytesSent,
        }),
      );
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (answered) return;
      // The server may close the connection right after its 413 and before this client reads it.
      if (err.code === 'EPIPE' || err.code === 'ECONNRESET')
        resolve({ status: 0, body: {}, bytesSent, cutOff: err.code });
      else reject(err);
    });
    let pre = '';
    for (const [k, v] of Object.entries(fields))
      pre += `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`;
    pre += `--${boundary}\r\nContent-Disposition: form-data; name="document"; filename="${file.name}"\r\nContent-Type: application/pdf\r\n\r\n`;
    req.write(pre);
    req.write(file.head);
    let remaining = file.totalBytes - file.head.length;
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = () => {
      while (remaining > 0 && !answered) {
        const n = Math.min(chunk.length, remaining);
        remaining -= n;
        bytesSent += n;
        if (!req.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void req.once('drain', pump);
      }
      req.end(`\r\n--${boundary}--\r\n`);
    };
    pump();
  });
}
