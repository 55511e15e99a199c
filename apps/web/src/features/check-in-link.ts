const LOOPBACK = /^(localhost|127(?:\.\d+){3}|\[::1\])$/i;

/**
 * The check-in link the QR code and the projector show, at an address the students' phones can reach. The API builds
 * it from PUBLIC_URL; without PUBLIC_URL that is `http://localhost:PORT`, which no phone reaches: then the link is
 * built from the address the teacher's browser uses (a classroom network's `http://192.168.1.23:3000`), unless the
 * teacher uses localhost too. A link to a real address (PUBLIC_URL set) is kept as it is.
 */
export function reachableCheckInUrl(url: string, here: Pick<URL, 'origin' | 'hostname'> = window.location): string {
  const link = new URL(url, here.origin);
  if (!LOOPBACK.test(link.hostname) || LOOPBACK.test(here.hostname)) return link.toString();
  return `${here.origin}${link.pathname}${link.search}`;
}
