import { defineErrors } from '../../common/app-error.js';

export const AuthErrors = defineErrors({
  invalidCredentials: { code: 'auth/invalid-credentials', status: 401, message: 'Wrong email or password.' },
  tooManyAttempts: {
    code: 'auth/too-many-attempts',
    status: 429,
    message: 'Too many failed sign-in attempts. Try again later.',
  },
  hashingBusy: {
    code: 'auth/busy',
    status: 503,
    message: 'Too many sign-ins at once. Try again in a moment.',
  },
  invalidRefreshToken: {
    code: 'auth/invalid-refresh-token',
    status: 401,
    message: 'Your session has ended. Sign in again.',
  },
});
