import { ConfigError, type AppConfig, envInt } from '../../config/app-config.js';

/**
 * Attendance tunables, read once at boot from the environment (names in errors, never values).
 * Feature settings live beside the feature (like mail.config.ts); each is documented in .env.example.
 */
export interface AttendanceConfig {
  publicUrl: string;
  /** Auto-close scheduler period; 0 turns it off (default 60 s, off when NODE_ENV=test). */
  autoCloseIntervalSeconds: number;
  /** Rotating codes change every N seconds (15–30). */
  rotatingSlotSeconds: number;
  /** The previous rotating code stays valid this many seconds into the next slot. */
  rotatingGraceSeconds: number;
  /** Wrong codes a student may send per window before 429. */
  maxWrongAttempts: number;
  wrongAttemptWindowSeconds: number;
  /** Wrong codes per session per minute that make the session's code rotate (and tell the teachers). */
  sessionFailureBudget: number;
}

export const ATTENDANCE_CONFIG = Symbol('ATTENDANCE_CONFIG');

export function loadAttendanceConfig(app: AppConfig, env: NodeJS.ProcessEnv = process.env): AttendanceConfig {
  const errors: string[] = [];
  const config: AttendanceConfig = {
    publicUrl: app.publicUrl,
    autoCloseIntervalSeconds: envInt(
      env,
      'AUTO_CLOSE_INTERVAL_SECONDS',
      app.nodeEnv === 'test' ? 0 : 60,
      0,
      86400,
      errors,
    ),
    rotatingSlotSeconds: envInt(env, 'ROTATING_CODE_SECONDS', 20, 15, 30, errors),
    rotatingGraceSeconds: envInt(env, 'ROTATING_CODE_GRACE_SECONDS', 5, 0, 15, errors),
    maxWrongAttempts: envInt(env, 'CHECKIN_MAX_WRONG_ATTEMPTS', 5, 1, 1000, errors),
    wrongAttemptWindowSeconds: envInt(env, 'CHECKIN_WRONG_ATTEMPT_WINDOW_SECONDS', 600, 10, 86400, errors),
    sessionFailureBudget: envInt(env, 'CHECKIN_SESSION_FAILURE_BUDGET', 30, 1, 100000, errors),
  };
  if (errors.length) throw new ConfigError(`Invalid configuration:\n  - ${errors.join('\n  - ')}`);
  return config;
}
