import { createI18n } from 'vue-i18n';
import { en } from './en';
import { enAdmin } from './en-admin';
import { pt } from './pt';
import { ptAdmin } from './pt-admin';

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

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'en',
  messages: { en: { ...en, ...enAdmin }, pt: { ...pt, ...ptAdmin } },
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
