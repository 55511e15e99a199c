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

  tooManyResetRequests: {
    code: 'auth/too-many-reset-requests',
    status: 429,
    message: 'Too many password reset attempts from this address. Try again later.',
  },
  resetTokenInvalid: {
    code: 'auth/reset-token-invalid',
    status: 400,
    message:
      'This password reset link is not valid any more (used, expired or replaced by a newer one). Ask for a new one.',
  },
  resetUnavailable: {
    code: 'auth/reset-unavailable',
    status: 409,
    message:
      'Mail is not configured on this server, so no reset link can be sent. Set a password for the user instead.',
  },
  resetInactive: {
    code: 'auth/reset-inactive',
    status: 409,
    message: 'This account is deactivated: activate it before sending a reset link.',
  },
});
