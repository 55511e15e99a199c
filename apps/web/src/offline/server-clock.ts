/**
 * The server's clock as seen from here: changes recorded offline carry the time they were made in server time
 * (the API keeps "the later change by server time"). Estimated from the `Date` header of API answers (1 s
 * resolution; the sample with the shortest round trip wins) and kept across reloads for an offline start.
 */
const STORAGE_KEY = 'sysponto.serverOffset';

let offsetMs = readSaved();
let bestRtt = Number.POSITIVE_INFINITY;

function readSaved(): number {
  if (typeof localStorage === 'undefined') return 0;
  const n = Number(localStorage.getItem(STORAGE_KEY));
  return Number.isFinite(n) ? n : 0;
}

/** Notes one answer: `sentAt`/`receivedAt` are this device's Date.now() around the request. */
export function noteServerDate(dateHeader: string | null, sentAt: number, receivedAt: number): void {
  if (!dateHeader) return;
  const server = Date.parse(dateHeader);
  if (!Number.isFinite(server)) return;
  const rtt = receivedAt - sentAt;
  // An older sample is replaced by any sample with a round trip no worse than twice the best (clocks drift).
  if (rtt > bestRtt * 2 + 50) return;
  bestRtt = Math.min(bestRtt, rtt);
  // The header truncates to the second: the server's instant lies somewhere in [server, server + 1 s).
  offsetMs = Math.round(server + 500 - (sentAt + receivedAt) / 2);
  if (typeof localStorage !== 'undefined') localStorage.setItem(STORAGE_KEY, String(offsetMs));
}

/** Now, in server time. */
export function serverNow(): Date {
  return new Date(Date.now() + offsetMs);
}

export function serverOffsetMs(): number {
  return offsetMs;
}

/** Tests. */
export function resetServerClock(offset = 0): void {
  offsetMs = offset;
  bestRtt = Number.POSITIVE_INFINITY;
}
