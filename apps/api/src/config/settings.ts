/**
 * Every setting the API reads from the environment, declared once: its name, the section of the config tree it feeds,
 * its default, bounds and description. `loadConfig` reads them through `EnvReader` (defaults, bounds and error
 * messages come from here), and `.env.example` and the README's configuration table are generated from this list
 * (`pnpm gen:config`; `settings-docs.spec.ts` fails when they differ). See README.md in this folder.
 */

/** Where a setting lands in the config tree: core settings at the top level, features in their own section. */
export type SettingSection = 'core' | 'attendance' | 'justifications' | 'mail' | 'reports' | 'webhooks' | 'apiKeys';

interface SettingBase {
  section: SettingSection;
  /** One or two sentences for .env.example and the README: what it does, accepted values. */
  description: string;
  /** The default as the README shows it, when it is not a plain value (derived from other settings, per mode). */
  defaultText?: string;
  /** The value written in .env.example, when it is not the plain default ('' leaves it empty). */
  example?: string;
}

export interface IntSetting extends SettingBase {
  kind: 'int';
  default: number;
  min: number;
  max: number;
}

export interface BoolSetting extends SettingBase {
  kind: 'bool';
  default: boolean;
}

export interface StringSetting extends SettingBase {
  kind: 'string';
  /** null: unset by default. */
  default: string | null;
}

export type Setting = IntSetting | BoolSetting | StringSetting;

/** Order matters: it is the order of .env.example and of the README table. */
export const SETTINGS = {
  // ---- core ----------------------------------------------------------------------------------------------------------
  NODE_ENV: {
    section: 'core',
    kind: 'string',
    default: 'development',
    description:
      'development | production | test. Production refuses to start without DATABASE_URL and a strong JWT_SECRET, and never seeds demo data.',
  },
  PORT: { section: 'core', kind: 'int', default: 3000, min: 0, max: 65535, description: 'Port the API listens on.' },
  HOST: { section: 'core', kind: 'string', default: '0.0.0.0', description: 'Address the API listens on.' },
  PUBLIC_URL: {
    section: 'core',
    kind: 'string',
    default: null,
    defaultText: 'http://localhost:$PORT',
    example: 'http://localhost:3000',
    description:
      "Public base URL, used in links (calendar feeds, emails, QR check-in links). Without it the QR codes and projector links use the address the teacher's browser uses (a classroom network's IP), and mails still use this default.",
  },
  DATA_DIR: {
    section: 'core',
    kind: 'string',
    default: './data',
    description: 'PGlite data and uploads (embedded default). ":memory:" keeps PGlite in memory.',
  },
  DATABASE_URL: {
    section: 'core',
    kind: 'string',
    default: null,
    description: 'PostgreSQL URL (production, scale-out). Unset: the embedded PGlite under DATA_DIR.',
  },
  DATABASE_POOL_SIZE: {
    section: 'core',
    kind: 'int',
    default: 10,
    min: 1,
    max: 200,
    description: 'Database connections per API process.',
  },
  REDIS_URL: {
    section: 'core',
    kind: 'string',
    default: null,
    description: 'Redis for Socket.IO across replicas and shared rate limits. Unset: in-memory (one process).',
  },
  JWT_SECRET: {
    section: 'core',
    kind: 'string',
    default: null,
    defaultText: 'dev-only default',
    description: 'HS256 signing secret for access tokens: at least 32 random characters in production.',
  },
  ACCESS_TOKEN_TTL_SECONDS: {
    section: 'core',
    kind: 'int',
    default: 900,
    min: 30,
    max: 86400,
    description: 'Access token lifetime.',
  },
  REVOCATION_POLL_SECONDS: {
    section: 'core',
    kind: 'int',
    default: 5,
    min: 1,
    max: 300,
    description: 'Re-read of recent token revocations (the safety net behind Redis pub/sub).',
  },
  REFRESH_TOKEN_TTL_DAYS: {
    section: 'core',
    kind: 'int',
    default: 14,
    min: 1,
    max: 365,
    description: 'Refresh token lifetime (rotating, revocable).',
  },
  CORS_ORIGINS: {
    section: 'core',
    kind: 'string',
    default: null,
    defaultText: "PUBLIC_URL, localhost:PORT, Vite's :5173",
    description:
      'Comma-separated browser origins allowed for REST and Socket.IO (a page served by the API at the address the browser used is same-origin and always allowed).',
  },
  TRUST_PROXY: {
    section: 'core',
    kind: 'string',
    default: 'false',
    description:
      'Behind a proxy: true (every hop), a hop count (1 behind one nginx), or trusted proxy addresses/CIDRs, comma-separated; client IPs then come from X-Forwarded-For.',
  },
  SEED_DEMO: {
    section: 'core',
    kind: 'bool',
    default: true,
    defaultText: 'true (never in production)',
    description: 'Seed the demo school on an empty database.',
  },
  LOG_LEVEL: {
    section: 'core',
    kind: 'string',
    default: 'info',
    defaultText: 'info (silent under NODE_ENV=test)',
    description:
      'pino level: fatal, error, warn, info, debug, trace or silent. The per-request access log is written at debug and trace only.',
  },
  WEB_DIST_DIR: {
    section: 'core',
    kind: 'string',
    default: null,
    defaultText: 'apps/web/dist',
    description: 'The built SPA served at /.',
  },
  LOGIN_MAX_FAILURES_PER_ACCOUNT: {
    section: 'core',
    kind: 'int',
    default: 10,
    min: 1,
    max: 1000,
    description: 'Failed logins per account per window before 429.',
  },
  LOGIN_MAX_FAILURES_PER_IP: {
    section: 'core',
    kind: 'int',
    default: 200,
    min: 100,
    max: 100000,
    description:
      'Failed logins per IP per window (generous: a lecture hall shares one address; correct passwords are never refused for their IP).',
  },
  LOGIN_WINDOW_SECONDS: {
    section: 'core',
    kind: 'int',
    default: 900,
    min: 10,
    max: 86400,
    description: 'The login limit window.',
  },
  PASSWORD_RESET_TTL_MINUTES: {
    section: 'core',
    kind: 'int',
    default: 30,
    min: 5,
    max: 1440,
    description: 'How long a password reset link works (it works once).',
  },
  PASSWORD_RESET_MAX_PER_ACCOUNT: {
    section: 'core',
    kind: 'int',
    default: 3,
    min: 1,
    max: 100,
    description: 'Reset mails per account per window; more requests still answer 202 but send nothing.',
  },
  PASSWORD_RESET_MAX_PER_IP: {
    section: 'core',
    kind: 'int',
    default: 30,
    min: 1,
    max: 100000,
    description: 'Reset requests and wrong reset tokens per IP per window before 429.',
  },
  PASSWORD_RESET_WINDOW_SECONDS: {
    section: 'core',
    kind: 'int',
    default: 3600,
    min: 10,
    max: 86400,
    description: 'The password reset limit window.',
  },

  // ---- attendance ----------------------------------------------------------------------------------------------------
  AUTO_CLOSE_INTERVAL_SECONDS: {
    section: 'attendance',
    kind: 'int',
    default: 60,
    min: 0,
    max: 86400,
    defaultText: '60 (0 under NODE_ENV=test)',
    description: 'Auto-close scheduler period in seconds; 0 turns it off.',
  },
  DEVICE_HASH_RETENTION_DAYS: {
    section: 'attendance',
    kind: 'int',
    default: 30,
    min: 1,
    max: 30,
    description:
      'Per-session device hashes (buddy check-in detection, docs/privacy.md) are deleted this many days after their session. The rotating code interval and grace are per course now (ROTATING_CODE_SECONDS and ROTATING_CODE_GRACE_SECONDS are no longer read).',
  },
  DEVICE_HASH_SECRET: {
    section: 'attendance',
    kind: 'string',
    default: null,
    defaultText: 'derived from JWT_SECRET',
    description:
      'Key of the per-session device hashes (buddy check-ins, docs/privacy.md), at least 32 random characters, the same on every replica. Unset: derived from JWT_SECRET with HKDF-SHA256 (its own label), so a new JWT_SECRET also changes the hashes, and a device used before and after the change in a session running at that moment is not recognised. Set it to rotate JWT_SECRET on its own.',
  },
  PRIVACY_PURGE_INTERVAL_SECONDS: {
    section: 'attendance',
    kind: 'int',
    default: 3600,
    min: 0,
    max: 86400,
    defaultText: '3600 (0 under NODE_ENV=test)',
    description:
      'How often each replica deletes expired device hashes and the room locations of closed or cancelled sessions; 0 turns it off.',
  },
  CHECKIN_MAX_WRONG_ATTEMPTS: {
    section: 'attendance',
    kind: 'int',
    default: 5,
    min: 1,
    max: 1000,
    description: 'Wrong codes a student may send per window before 429.',
  },
  CHECKIN_WRONG_ATTEMPT_WINDOW_SECONDS: {
    section: 'attendance',
    kind: 'int',
    default: 600,
    min: 10,
    max: 86400,
    description: 'The window of CHECKIN_MAX_WRONG_ATTEMPTS.',
  },
  CHECKIN_SESSION_FAILURE_BUDGET: {
    section: 'attendance',
    kind: 'int',
    default: 30,
    min: 1,
    max: 100000,
    description: "Wrong codes per session per minute that replace the session's code (and tell its teachers).",
  },
  CHECKIN_BATCH_MAX_SIZE: {
    section: 'attendance',
    kind: 'int',
    default: 64,
    min: 1,
    max: 1000,
    description:
      'Most check-ins sent to the database as one statement (micro-batching of concurrent check-ins); 1 sends each alone.',
  },
  CHECKIN_BATCH_IN_FLIGHT: {
    section: 'attendance',
    kind: 'int',
    default: 2,
    min: 1,
    max: 64,
    description:
      'Check-in statements running at once per API process; check-ins arriving meanwhile wait and leave together.',
  },
  CHECKIN_BATCH_WINDOW_MS: {
    section: 'attendance',
    kind: 'int',
    default: 0,
    min: 0,
    max: 50,
    description:
      'Milliseconds a check-in batch waits for more check-ins before it leaves; 0: it leaves at the end of the current event-loop turn.',
  },

  // ---- justifications ------------------------------------------------------------------------------------------------
  JUSTIFICATION_WINDOW_DAYS: {
    section: 'justifications',
    kind: 'int',
    default: 30,
    min: 1,
    max: 365,
    description: 'How many days after a session ends it can still be justified.',
  },

  // ---- mail ----------------------------------------------------------------------------------------------------------
  SMTP_URL: {
    section: 'mail',
    kind: 'string',
    default: null,
    description: 'smtp:// or smtps:// URL of the mail server. Unset: mail off (nothing queued). See docs/mail.md.',
  },
  MAIL_FROM: {
    section: 'mail',
    kind: 'string',
    default: null,
    defaultText: 'SysPonto <no-reply@host of PUBLIC_URL>',
    description: 'Sender address, optionally with a display name.',
  },
  MAIL_POLL_INTERVAL_MS: {
    section: 'mail',
    kind: 'int',
    default: 10_000,
    min: 50,
    max: 3_600_000,
    description: 'How often the outbox worker looks for due mail.',
  },
  MAIL_RETRY_BASE_MS: {
    section: 'mail',
    kind: 'int',
    default: 30_000,
    min: 10,
    max: 86_400_000,
    description: 'First retry delay; it doubles on every failed attempt up to MAIL_RETRY_MAX_MS.',
  },
  MAIL_RETRY_MAX_MS: {
    section: 'mail',
    kind: 'int',
    default: 3_600_000,
    min: 10,
    max: 86_400_000,
    description: 'Longest retry delay.',
  },
  MAIL_MAX_ATTEMPTS: {
    section: 'mail',
    kind: 'int',
    default: 12,
    min: 1,
    max: 100,
    description: 'After this many failed attempts a mail is marked failed and left in the outbox.',
  },
  MAIL_ALERTS_INTERVAL_MS: {
    section: 'mail',
    kind: 'int',
    default: 900_000,
    min: 1000,
    max: 86_400_000,
    description: 'How often the attendance warnings and the daily digest are checked.',
  },
  MAIL_DIGEST_HOUR_UTC: {
    section: 'mail',
    kind: 'int',
    default: 7,
    min: 0,
    max: 23,
    description: "The teachers' daily digest of pending justifications goes out from this hour (UTC) on.",
  },

  // ---- reports -------------------------------------------------------------------------------------------------------
  ATTENDANCE_WARNING_PERCENT: {
    section: 'reports',
    kind: 'int',
    default: 75,
    min: 0,
    max: 100,
    description:
      'Students whose attendance rate is below this percentage are "at risk" in the reports and get the attendance warning email (at most once per course per ISO week); 0: never.',
  },

  // ---- webhooks ------------------------------------------------------------------------------------------------------
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: {
    section: 'webhooks',
    kind: 'bool',
    default: false,
    description:
      'Let webhook URLs resolve to loopback, private and link-local addresses (tests, on-premises receivers). Off: refused at registration and at delivery.',
  },
  WEBHOOK_RETRY_DELAYS_SECONDS: {
    section: 'webhooks',
    kind: 'string',
    default: null,
    defaultText: '5,300,1800,7200,18000,36000,36000',
    example: '',
    description:
      'Delays before each webhook retry, in seconds, comma-separated (at most 30; the default spans about 27 h).',
  },
  WEBHOOK_DISABLE_AFTER_FAILURES: {
    section: 'webhooks',
    kind: 'int',
    default: 50,
    min: 1,
    max: 10000,
    description: 'A webhook endpoint is disabled after this many failed attempts in a row (admins are notified).',
  },
  WEBHOOK_TIMEOUT_MS: {
    section: 'webhooks',
    kind: 'int',
    default: 10000,
    min: 100,
    max: 60000,
    description: 'Timeout of one webhook attempt (connect to last byte).',
  },
  WEBHOOK_POLL_INTERVAL_MS: {
    section: 'webhooks',
    kind: 'int',
    default: 1000,
    min: 50,
    max: 600000,
    description:
      'How often each replica looks for due webhook deliveries (new events also wake the local worker at once).',
  },
  WEBHOOK_CONCURRENCY: {
    section: 'webhooks',
    kind: 'int',
    default: 8,
    min: 1,
    max: 100,
    description: 'Webhook deliveries sent at once by one replica.',
  },

  // ---- API keys ------------------------------------------------------------------------------------------------------
  API_KEY_RATE_LIMIT_PER_MINUTE: {
    section: 'apiKeys',
    kind: 'int',
    default: 600,
    min: 1,
    max: 1_000_000,
    description:
      'Requests per minute per API key (RateLimit-Policy / RateLimit headers; 429 with Retry-After beyond). Shared across replicas through Redis when REDIS_URL is set.',
  },
} as const satisfies Record<string, Setting>;

export type SettingName = keyof typeof SETTINGS;
type NamesOf<K extends Setting['kind']> = {
  [N in SettingName]: (typeof SETTINGS)[N]['kind'] extends K ? N : never;
}[SettingName];
export type IntSettingName = NamesOf<'int'>;
export type BoolSettingName = NamesOf<'bool'>;
export type StringSettingName = NamesOf<'string'>;

/** The environment as the loader sees it: `process.env` at boot, a plain map in tests. */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads settings by name with the registry's defaults and bounds. A bad value adds an error naming the variable,
 * never the value, and the default is used so that every error is reported at once.
 */
export class EnvReader {
  readonly errors: string[] = [];

  constructor(private readonly env: Env) {}

  /** The trimmed value, or null when unset or empty. */
  raw(name: SettingName): string | null {
    return this.env[name]?.trim() || null;
  }

  int(name: IntSettingName, def: number = SETTINGS[name].default): number {
    const { min, max } = SETTINGS[name];
    const raw = this.raw(name);
    if (raw === null) return def;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      this.errors.push(`${name} must be an integer between ${min} and ${max}`);
      return def;
    }
    return n;
  }

  bool(name: BoolSettingName, def: boolean = SETTINGS[name].default): boolean {
    const raw = this.raw(name);
    if (raw === null) return def;
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    this.errors.push(`${name} must be true or false`);
    return def;
  }

  /** A string setting, or its registry default (null when it has none). */
  string(name: StringSettingName): string | null {
    return this.raw(name) ?? SETTINGS[name].default;
  }

  /** Records an error for a value that failed a check of the caller's. */
  fail(message: string): void {
    this.errors.push(message);
  }
}
