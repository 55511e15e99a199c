// @vitest-environment node
import { auditActionsByTarget } from '@sysponto/contracts';
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

  it('uses Portuguese plural forms ("1 atraso", "2 atrasos") and one term per concept', () => {
    i18n.global.locale.value = 'pt';
    const t = i18n.global.t;
    expect(t('history.counts.late', 1)).toBe('1 atraso');
    expect(t('history.counts.late', 2)).toBe('2 atrasos');
    expect(t('history.counts.absent', 1)).toBe('1 falta');
    expect(t('history.counts.absent', 0)).toBe('sem faltas');
    expect(t('live.closeConfirm', 1)).toBe('Fechar a aula? 1 estudante sem registo fica com falta.');
    expect(t('live.closeConfirm', 3)).toBe('Fechar a aula? 3 estudantes sem registo ficam com falta.');
    i18n.global.locale.value = 'en';
    expect(t('history.counts.absent', 1)).toBe('1 absence');
    expect(t('history.counts.absent', 4)).toBe('4 absences');
    // "unidade curricular", "estudante" and "docente" everywhere: never disciplina/cadeira/aluno/professor.
    const get = (tree: Tree, k: string) =>
      k.split('.').reduce<string | Tree>((x, p) => (x as Tree)[p]!, tree) as string;
    const offending = pt.filter((k) => /disciplina|cadeira|\baluno|\bprofessor/i.test(get(messages.pt, k)));
    expect(offending).toEqual([]);
  });

  it('names every audit target type the API writes (the audit page groups its filter by them)', () => {
    const targets = Object.keys(auditActionsByTarget());
    expect(targets).toContain('holiday');
    expect(targets.filter((t) => !en.includes(`admin.audit.targets.${t}`))).toEqual([]);
  });
});
