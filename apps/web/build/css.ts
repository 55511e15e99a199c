import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import purgeCss from '@fullhuman/postcss-purgecss';
import type { Plugin } from 'vite';

/** The files whose text names the classes the app uses (its templates and scripts; specs excluded). */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const path = join(dir, f);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(vue|ts)$/.test(f) && !/\.spec\.ts$/.test(f) ? [path] : [];
  });
}

const ICON_MODULE = 'virtual:bootstrap-icons.css';

/**
 * `import 'virtual:bootstrap-icons.css'`: the Bootstrap Icons the app names (`bi-…` in its sources), each as an
 * SVG mask in the CSS, instead of bootstrap-icons' stylesheet of all 2,000 icons and its 134 KB font. The markup
 * stays the font's (`<i class="bi bi-trash">`): `.bi::before` is the same 1em inline box, painted in the text
 * colour through the icon's shape.
 */
export function bootstrapIcons(srcDir: string, iconsDir: string): Plugin {
  const resolved = `\0${ICON_MODULE}`;
  return {
    name: 'sysponto-bootstrap-icons',
    resolveId: (id) => (id === ICON_MODULE ? resolved : undefined),
    load(id) {
      if (id !== resolved) return undefined;
      const files = sourceFiles(srcDir);
      for (const f of files) this.addWatchFile(f);
      const names = new Set(
        files.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/\bbi-([a-z0-9-]+)/g)].map((m) => m[1])),
      );
      const rules = [...names]
        .sort()
        .filter((name) => {
          if (existsSync(join(iconsDir, `${name}.svg`))) return true;
          this.warn(`bi-${name} is not a Bootstrap icon`);
          return false;
        })
        .map((name) => `.bi-${name}{--bi:url("${svgDataUri(readFileSync(join(iconsDir, `${name}.svg`), 'utf8'))}")}`);
      return [
        '.bi::before{content:"";display:inline-block;width:1em;height:1em;vertical-align:-.125em;',
        'background-color:currentColor;-webkit-mask:var(--bi) center/100% 100% no-repeat;',
        'mask:var(--bi) center/100% 100% no-repeat}',
        ...rules,
      ].join('\n');
    },
  };
}

/** The icon's shapes in a data URI: the root's size, class and fill dropped (the mask only reads the alpha). */
function svgDataUri(svg: string): string {
  const inner = svg
    .replace(/^[\s\S]*?<svg[^>]*>/, '')
    .replace(/<\/svg>\s*$/, '')
    .replace(/\s*\n\s*/g, '')
    .replace(/"/g, "'");
  const min = `<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'>${inner}</svg>`;
  return `data:image/svg+xml,${min.replace(/[<>#%{}\n]/g, encodeURIComponent)}`;
}

/**
 * Removes the Bootstrap rules no template or script names (of 312 KB, the app uses a small part). Only in the build,
 * before hashing, so a file name changes whenever its purged content does. Classes made at run time from a prefix
 * (`btn-${variant}`, `text-bg-${color}`, `border-${tone}`) are kept by pattern; a new one of those needs its prefix
 * here.
 */
export function purgeUnusedCss(srcDir: string, indexHtml: string): ReturnType<typeof purgeCss> {
  return purgeCss({
    content: [indexHtml, `${srcDir}/**/*.vue`, `${srcDir}/**/*.ts`],
    skippedContentGlobs: [`${srcDir}/**/*.spec.ts`],
    safelist: {
      standard: [/^btn-/, /^text-bg-/, /^border-/, /^bg-/, /^text-(primary|secondary|success|danger|warning|info)/],
    },
  });
}
