import { describe, expect, it } from 'vitest';
import { i18n, setLocale } from '@/i18n';
import { ApiError, errorMessage, fieldErrors, toApiError } from './errors';

const t = (k: string, n?: Record<string, unknown>) => i18n.global.t(k, n ?? {});
const te = (k: string) => i18n.global.te(k);

describe('error mapping', () => {
  it('uses the translated text for a known code', () => {
    setLocale('en');
    expect(errorMessage(new ApiError(400, 'attendance/code-invalid', 'server text'), t, te)).toBe(
      'This code is not valid. Check it and try again.',
    );
    setLocale('pt');
    expect(errorMessage(new ApiError(400, 'attendance/code-invalid', 'server text'), t, te)).toBe(
      'Este código não é válido. Verifique-o e tente de novo.',
    );
    setLocale('en');
  });

  it('puts Retry-After into rate-limit messages', () => {
    const res = new Response(null, { status: 429, headers: { 'retry-after': '42' } });
    const err = toApiError(res, { statusCode: 429, code: 'auth/too-many-attempts', message: 'Too many.' });
    expect(err.retryAfter).toBe(42);
    expect(errorMessage(err, t, te)).toBe('Too many failed attempts. Try again in 42 seconds.');
  });

  it('tells a locked-out student what to do, not a count of seconds', () => {
    const res = new Response(null, { status: 429, headers: { 'retry-after': '42' } });
    const err = toApiError(res, { statusCode: 429, code: 'attendance/too-many-attempts', message: 'Too many.' });
    expect(errorMessage(err, t, te)).toBe(
      'Too many wrong codes. Ask your teacher to let you try again, or to mark you present.',
    );
  });

  it("falls back to the server's message for an unknown code, then to a generic text", () => {
    expect(errorMessage(new ApiError(409, 'courses/some-new-rule', 'The server explains it.'), t, te)).toBe(
      'The server explains it.',
    );
    expect(errorMessage(new ApiError(500, 'http/500', ''), t, te)).toBe('Something went wrong. Please try again.');
    expect(errorMessage(new ApiError(0, 'network/unreachable', ''), t, te)).toMatch(/could not reach the server/);
    expect(errorMessage(new TypeError('boom'), t, te)).toBe('Something went wrong. Please try again.');
  });

  it('reads a non-JSON error body without crashing', () => {
    const err = toApiError(new Response('<html>', { status: 502 }), null);
    expect(err).toMatchObject({ status: 502, code: 'http/502' });
  });

  it('lists validation messages per field', () => {
    const err = toApiError(new Response(null, { status: 400 }), {
      statusCode: 400,
      code: 'validation/failed',
      message: 'Some fields are invalid.',
      details: [{ field: 'reason', messages: ['reason must be shorter than or equal to 1000 characters'] }],
    });
    expect(fieldErrors(err)).toEqual({ reason: 'reason must be shorter than or equal to 1000 characters' });
  });
});
