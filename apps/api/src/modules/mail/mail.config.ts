import { ConfigError, envInt } from '../../config/app-config.js';

/** Mail settings, read once from the environment at boot (names in errors, never values). */
export interface MailConfig {
  /** False without SMTP_URL: nothing is queued or sent. */
  enabled: boolean;
  smtpUrl: string | null;
  from: string;
  /** How often the worker looks for due mail. */
  pollIntervalMs: number;
  /** First retry delay; doubles on every failed attempt up to retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** After this many failed attempts a mail is marked failed and left in the outbox. */
  maxAttempts: number;
  /** Students under this attendance rate in a course get a warning (at most once per course per ISO week). */
  warningPercent: number;
  /** How often the attendance warnings and the daily digest are checked. */
  alertsIntervalMs: number;
  /** The daily digest goes out from this hour (UTC) on. */
  digestHourUtc: number;
  /** Absolute links in mails. */
  publicUrl: string;
}

export const MAIL_CONFIG = Symbol('MAIL_CONFIG');

export function loadMailConfig(env: NodeJS.ProcessEnv, publicUrl: string): MailConfig {
  const errors: string[] = [];
  const smtpUrl = env.SMTP_URL?.trim() || null;
  if (smtpUrl && !/^smtps?:\/\/[^/\s]+/.test(smtpUrl)) errors.push('SMTP_URL must be an smtp:// or smtps:// URL');
  let host = 'localhost';
  try {
    host = new URL(publicUrl).hostname || host;
  } catch {
    // keep localhost
  }
  const from = env.MAIL_FROM?.trim() || `SysPonto <no-reply@${host}>`;
  if (!/@/.test(from) || from.length > 254 || /[\r\n]/.test(from))
    errors.push('MAIL_FROM must be an email address, optionally with a display name');
  const config: MailConfig = {
    enabled: !!smtpUrl,
    smtpUrl,
    from,
    pollIntervalMs: envInt(env, 'MAIL_POLL_INTERVAL_MS', 10_000, 50, 3_600_000, errors),
    retryBaseMs: envInt(env, 'MAIL_RETRY_BASE_MS', 30_000, 10, 86_400_000, errors),
    retryMaxMs: envInt(env, 'MAIL_RETRY_MAX_MS', 3_600_000, 10, 86_400_000, errors),
    maxAttempts: envInt(env, 'MAIL_MAX_ATTEMPTS', 12, 1, 100, errors),
    warningPercent: envInt(env, 'ATTENDANCE_WARNING_PERCENT', 75, 0, 100, errors), // 0: never warn (shared with the reports' at-risk threshold)
    alertsIntervalMs: envInt(env, 'MAIL_ALERTS_INTERVAL_MS', 900_000, 1000, 86_400_000, errors),
    digestHourUtc: envInt(env, 'MAIL_DIGEST_HOUR_UTC', 7, 0, 23, errors),
    publicUrl,
  };
  if (errors.length) throw new ConfigError(`Invalid configuration:\n  - ${errors.join('\n  - ')}`);
  return config;
}
