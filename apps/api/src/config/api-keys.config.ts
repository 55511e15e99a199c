import type { EnvReader } from './settings.js';

/** API key settings (`config.apiKeys`); the variables are declared in settings.ts. */
export interface ApiKeysConfig {
  /** Requests per minute per key (`RateLimit-Policy`); 429 with Retry-After beyond. */
  rateLimitPerMinute: number;
}

export function apiKeysSection(r: EnvReader): ApiKeysConfig {
  return { rateLimitPerMinute: r.int('API_KEY_RATE_LIMIT_PER_MINUTE') };
}
