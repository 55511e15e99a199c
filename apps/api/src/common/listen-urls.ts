import type { NetworkInterfaceInfo } from 'node:os';

const ANY = new Set(['0.0.0.0', '::', '']);

/**
 * The addresses a browser on the classroom network can open the app at: for a server listening on every interface
 * (`HOST` 0.0.0.0 or ::), one `http://<ipv4>:<port>` per non-internal IPv4 interface; for a specific `HOST`, that one.
 * What `pnpm start` prints, so a teacher knows which address to open (the QR codes follow the address they use).
 */
export function listenUrls(host: string, port: number, interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>): string[] {
  if (!ANY.has(host)) return host === '127.0.0.1' || host === 'localhost' ? [] : [`http://${host}:${port}`];
  const out: string[] = [];
  for (const list of Object.values(interfaces))
    for (const i of list ?? []) if (i.family === 'IPv4' && !i.internal) out.push(`http://${i.address}:${port}`);
  return [...new Set(out)];
}
