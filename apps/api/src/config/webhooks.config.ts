import type { EnvReader } from './settings.js';

/** Webhook delivery settings (`config.webhooks`); the variables are declared in settings.ts. */
export interface WebhooksConfig {
  /** Let endpoints resolve to loopback/private/link-local addresses (tests, on-premises receivers). Default false. */
  allowPrivateNetworks: boolean;
  /** Delays before each retry, in seconds (Standard Webhooks / Svix schedule: ≈ 27 h in all). */
  retryDelaysSeconds: number[];
  /** An endpoint is disabled after this many failed attempts in a row (admins are notified). */
  disableAfterFailures: number;
  /** Per-attempt timeout (the whole request, connect to last byte). */
  timeoutMs: number;
  /** How often every replica looks for due deliveries (new events also wake the local worker at once). */
  pollIntervalMs: number;
  /** Deliveries sent at once by one replica (different sessions/endpoints; one session's events stay in order). */
  concurrency: number;
}

export const WEBHOOKS_CONFIG = Symbol('WEBHOOKS_CONFIG');

const DEFAULT_DELAYS = [5, 300, 1800, 7200, 18000, 36000, 36000];

export function webhooksSection(r: EnvReader): WebhooksConfig {
  let retryDelaysSeconds = DEFAULT_DELAYS;
  const raw = r.string('WEBHOOK_RETRY_DELAYS_SECONDS')?.trim();
  if (raw) {
    const parts = raw.split(',').map((s) => Number(s.trim()));
    if (parts.length > 30 || parts.some((n) => !Number.isInteger(n) || n < 0 || n > 7 * 86400))
      r.fail('WEBHOOK_RETRY_DELAYS_SECONDS must be a comma-separated list of at most 30 integers (0–604800)');
    else retryDelaysSeconds = parts;
  }
  return {
    allowPrivateNetworks: r.bool('WEBHOOK_ALLOW_PRIVATE_NETWORKS'),
    retryDelaysSeconds,
    disableAfterFailures: r.int('WEBHOOK_DISABLE_AFTER_FAILURES'),
    timeoutMs: r.int('WEBHOOK_TIMEOUT_MS'),
    pollIntervalMs: r.int('WEBHOOK_POLL_INTERVAL_MS'),
    concurrency: r.int('WEBHOOK_CONCURRENCY'),
  };
}
