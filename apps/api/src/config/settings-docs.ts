import { type Setting, type SettingSection, SETTINGS } from './settings.js';

/** Generated documentation of the settings: `.env.example` and the README's configuration table. */

export const README_BEGIN = '<!-- settings:begin (generated from apps/api/src/config/settings.ts: pnpm gen:config) -->';
export const README_END = '<!-- settings:end -->';

const SECTION_TITLES: Record<SettingSection, string> = {
  core: 'Core',
  attendance: 'Attendance (config.attendance)',
  justifications: 'Justifications (config.justifications)',
  mail: 'Mail (config.mail)',
  reports: 'Reports (config.reports)',
  webhooks: 'Webhooks (config.webhooks)',
  apiKeys: 'API keys (config.apiKeys)',
};

function entries(): [string, Setting][] {
  return Object.entries(SETTINGS) as [string, Setting][];
}

function plainDefault(s: Setting): string {
  return s.default === null ? '' : String(s.default);
}

/** Wraps a comment at 118 columns, each line starting with `# `. */
function comment(text: string): string[] {
  const lines: string[] = [];
  let line = '#';
  for (const word of text.split(/\s+/)) {
    if (line.length + 1 + word.length > 118 && line !== '#') {
      lines.push(line);
      line = '#';
    }
    line += ` ${word}`;
  }
  lines.push(line);
  return lines;
}

/** The whole `.env.example`: every setting with its description, bounds and default. */
export function renderEnvExample(): string {
  const out = [
    '# SysPonto configuration. Every variable is optional on the embedded default; defaults shown.',
    '# Copy to .env or export in your shell (the app reads the process environment).',
    '# Generated from apps/api/src/config/settings.ts (`pnpm gen:config`): edit that file, not this one.',
  ];
  let section: SettingSection | null = null;
  for (const [name, s] of entries()) {
    if (s.section !== section) {
      section = s.section;
      out.push('', `# ---- ${SECTION_TITLES[section]} `.padEnd(118, '-'));
    }
    const value = s.example ?? plainDefault(s);
    let text = s.description;
    if (s.kind === 'int') text += ` Range ${s.min}–${s.max}.`;
    if (s.defaultText && s.defaultText !== value) text += ` Default: ${s.defaultText}.`;
    out.push(...comment(text), `${name}=${value}`);
  }
  return out.join('\n') + '\n';
}

/** The README table rows (cells), in order. */
export function readmeRows(): string[][] {
  const rows = [['variable', 'section', 'default', 'meaning']];
  for (const [name, s] of entries()) {
    const def = s.defaultText ?? (s.default === null ? '—' : String(s.default));
    const bounds = s.kind === 'int' ? ` Range ${s.min}–${s.max}.` : '';
    rows.push([`\`${name}\``, s.section, def === '—' ? def : `\`${def}\``, `${s.description}${bounds}`]);
  }
  return rows;
}

/** The README block between the markers (unaligned; `pnpm format` aligns it, the check ignores alignment). */
export function renderReadmeTable(): string {
  const [head, ...rows] = readmeRows();
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [README_BEGIN, '', line(head), line(head.map(() => '---')), ...rows.map(line), '', README_END].join('\n');
}

/** Parses a markdown table back into cells, whatever its alignment. */
export function parseReadmeTable(block: string): string[][] {
  return block
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .map((l) =>
      l
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim().replace(/\\\|/g, '|')),
    )
    .filter((cells) => !cells.every((c) => /^:?-+:?$/.test(c)));
}

/** The part of the README between the markers, or null. */
export function readmeBlock(readme: string): string | null {
  const a = readme.indexOf(README_BEGIN);
  const b = readme.indexOf(README_END);
  return a < 0 || b < a ? null : readme.slice(a, b + README_END.length);
}
