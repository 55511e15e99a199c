import { describe, expect, it } from 'vitest';
import { i18n } from './index';

type Tree = { [k: string]: string | Tree };
function keys(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'string' ? [`${prefix}${k}`] : keys(v, `${prefix}${k}.`),
  );
}

describe('i18n', () => {
  const messages = i18n.global.messages.value as unknown as Record<'en' | 'pt', Tree>;
  const en = keys(messages.en).sort();
  const pt = keys(messages.pt).sort();

  it('has every key in both English and Portuguese', () => {
    expect(pt.filter((k) => !en.includes(k))).toEqual([]);
    expect(en.filter((k) => !pt.includes(k))).toEqual([]);
    expect(en.length).toBeGreaterThan(200);
  });

  it('compiles every message in both languages (no stray @, {, | )', () => {
    for (const locale of ['en', 'pt'] as const) {
      i18n.global.locale.value = locale;
      for (const k of en) {
        const out = i18n.global.t(k, { count: 2, n: 2, name: 'X', seconds: 5 });
        expect(out, `${locale}: ${k}`).not.toBe(k);
        expect(out.length, `${locale}: ${k}`).toBeGreaterThan(0);
      }
    }
    i18n.global.locale.value = 'en';
  });

  it('has no empty Portuguese text and translates most texts', () => {
    const get = (tree: Tree, k: string) =>
      k.split('.').reduce<string | Tree>((t, p) => (t as Tree)[p]!, tree) as string;
    const same = en.filter((k) => get(messages.en, k) === get(messages.pt, k));
    expect(pt.every((k) => get(messages.pt, k).trim().length > 0)).toBe(true);
    expect(same.length / en.length).toBeLessThan(0.1);
  });
});
