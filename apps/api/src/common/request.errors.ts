import { defineErrors } from './app-error.js';

/**
 * Errors about the request itself (framing, size, shape), raised before any route code runs. `details` is absent
 * for all of them except where noted.
 */
export const RequestErrors = defineErrors({
  tooDeep: {
    code: 'request/too-deep',
    status: 400,
    message: 'The JSON body is nested too deeply.',
  },
  // The code malformed JSON always had (kept for clients that rely on it).
  invalidJson: { code: 'common/bad-request', status: 400, message: 'The body is not valid JSON.' },
  invalidForm: { code: 'common/bad-request', status: 400, message: 'The form body has a forbidden field name.' },
  emptyJson: { code: 'common/bad-request', status: 400, message: 'The JSON body is empty.' },
  badContentLength: {
    code: 'request/bad-content-length',
    status: 400,
    message: 'The Content-Length header does not match the body.',
  },
  badUrl: { code: 'request/bad-url', status: 400, message: 'The URL is not valid (a bad percent-encoding).' },
  paramTooLong: { code: 'request/param-too-long', status: 414, message: 'A path parameter is too long.' },
  malformedMultipart: {
    code: 'request/malformed-multipart',
    status: 400,
    message: 'The multipart/form-data body is malformed or truncated.',
  },
  multipartNotAccepted: {
    code: 'common/unsupported-media-type',
    status: 415,
    message: 'This endpoint takes JSON, not multipart/form-data.',
  },
});
