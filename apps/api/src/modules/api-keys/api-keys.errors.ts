import { defineErrors } from '../../common/app-error.js';

export const ApiKeyErrors = defineErrors({
  insufficientScope: {
    code: 'auth/insufficient-scope',
    status: 403,
    message: 'This API key lacks the scope this request needs.',
  },
  notAllowed: {
    code: 'auth/api-key-not-allowed',
    status: 403,
    message: 'API keys cannot be used for this request: sign in as a person.',
  },
  invalid: { code: 'auth/unauthenticated', status: 401, message: 'This API key is not valid, expired or revoked.' },
  rateLimited: { code: 'common/rate-limited', status: 429, message: 'Too many requests for this API key.' },
  notFound: { code: 'api-keys/not-found', status: 404, message: 'API key not found.' },
  expiryInPast: { code: 'api-keys/expiry-in-past', status: 400, message: 'expiresAt must be in the future.' },
});
