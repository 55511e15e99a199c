/** Parsing and showing the date and time fields in the UI's own order (day/month/year, 24-hour). */
import { ref, watch, type Ref } from 'vue';

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

/**
 * A text field for a value the user types in their own way (DateInput, TimeInput): `text` is what the field shows,
 * `model` the parsed value ('' while the text is not one). A new model shows as `format` gives it unless the text
 * already says it; typing parses and marks the field invalid (`invalidMessage` as its validity message) while the
 * text is not empty and not a value; leaving the field shows the value in its canonical form.
 */
export function useParsedField(
  model: Ref<string>,
  parse: (text: string) => string | null,
  format: (value: string) => string,
  invalidMessage: () => string,
) {
  const text = ref(format(model.value));
  const invalid = ref(false);
  watch(model, (v) => {
    if (v !== parse(text.value)) text.value = format(v);
  });
  function onInput(e: Event) {
    const input = e.target as HTMLInputElement;
    text.value = input.value;
    const value = parse(text.value);
    invalid.value = text.value.trim() !== '' && value === null;
    input.setCustomValidity(invalid.value ? invalidMessage() : '');
    model.value = value ?? '';
  }
  function onBlur() {
    if (model.value) text.value = format(model.value);
  }
  return { text, invalid, onInput, onBlur };
}
