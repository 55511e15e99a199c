/** Parsing and showing the date and time fields in the UI's own order (day/month/year, 24-hour). */

/** "30/03/2026", "30-3-2026", "30.03.2026" or ISO "2026-03-30" → "2026-03-30"; null if not a real date. */
export function parseDateInput(text: string): string | null {
  const s = text.trim();
  let y: number, m: number, d: number;
  let match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  if (match) [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else {
    match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
    if (!match) return null;
    [d, m, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
  }
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** "2026-03-30" → "30/03/2026" (en-GB and pt-PT write dates the same way). */
export function formatDateInput(iso: string | null | undefined): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso ?? '');
  return match ? `${match[3]}/${match[2]}/${match[1]}` : '';
}

/** "9", "930", "0930", "9:30", "9h30", "09.30" → "09:30"; null if not a time of day. */
export function parseTimeInput(text: string): string | null {
  const s = text.trim().toLowerCase();
  const match = /^(\d{1,2})(?:[:h.]?(\d{2}))?$/.exec(s) ?? /^(\d{1,2})[:h.](\d)$/.exec(s);
  if (!match) return null;
  const h = Number(match[1]);
  const m = match[2] === undefined ? 0 : Number(match[2]);
  if (h > 23 || m > 59) return null;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}
