import { createI18n } from 'vue-i18n';
import { en } from './en';
import { enAdmin } from './en-admin';
import { enIntegrations } from './en-integrations';
import { enOffline } from './en-offline';
import { pt } from './pt';
import { ptAdmin } from './pt-admin';
import { ptIntegrations } from './pt-integrations';
import { ptOffline } from './pt-offline';

export type Locale = 'en' | 'pt';
export const LOCALES: { code: Locale; label: string }[] = [
  { code: 'en', label: 'English' },
  { code: 'pt', label: 'Português' },
];
const STORAGE_KEY = 'sysponto.locale';

function initialLocale(): Locale {
  const saved = typeof localStorage !== 'undefined' ? localStorage.getItem(STORAGE_KEY) : null;
  if (saved === 'en' || saved === 'pt') return saved;
  return typeof navigator !== 'undefined' && navigator.language?.toLowerCase().startsWith('pt') ? 'pt' : 'en';
}

type Tree = { [key: string]: string | Tree };
/** The admin/report texts live in their own files; namespaces present in both (e.g. nav) are merged key by key. */
function deepMerge<A extends object, B extends object>(a: A, b: B): A & B {
  const out: Tree = { ...(a as Tree) };
  for (const [k, v] of Object.entries(b as Tree)) {
    const prev = out[k];
    out[k] = prev && typeof prev === 'object' && typeof v === 'object' ? deepMerge(prev, v) : v;
  }
  return out as A & B;
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'en',
  messages: {
    en: deepMerge(deepMerge(deepMerge(en, enAdmin), enIntegrations), enOffline),
    pt: deepMerge(deepMerge(deepMerge(pt, ptAdmin), ptIntegrations), ptOffline),
  },
  missingWarn: false,
  fallbackWarn: false,
});

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale;
  document.documentElement.lang = locale === 'pt' ? 'pt' : 'en';
  localStorage.setItem(STORAGE_KEY, locale);
}

export function currentLocale(): Locale {
  return i18n.global.locale.value as Locale;
}

/** Luxon / Intl locale tag for dates and numbers. */
export function intlLocale(): string {
  return currentLocale() === 'pt' ? 'pt-PT' : 'en-GB';
}
