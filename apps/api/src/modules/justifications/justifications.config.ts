import { ConfigError } from '../../config/app-config.js';

export interface JustificationsConfig {
  /** Absences and late arrivals may be justified until this many days after the session ends. */
  windowDays: number;
  /** Largest document accepted, in bytes. */
  maxDocumentBytes: number;
}

export const JUSTIFICATIONS_CONFIG = Symbol('JUSTIFICATIONS_CONFIG');
export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;

export function loadJustificationsConfig(env: NodeJS.ProcessEnv): JustificationsConfig {
  const raw = env.JUSTIFICATION_WINDOW_DAYS?.trim();
  let windowDays = 30;
  if (raw) {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > 365)
      throw new ConfigError(
        'Invalid configuration:\n  - JUSTIFICATION_WINDOW_DAYS must be an integer between 1 and 365',
      );
    windowDays = n;
  }
  return { windowDays, maxDocumentBytes: MAX_DOCUMENT_BYTES };
}
