import type { ApiErrorBody } from '@sysponto/client';

/** An API error with the server's stable `code` and its plain-words `message`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: ApiErrorBody['details'],
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

function asErrorBody(value: unknown): Partial<ApiErrorBody> {
  return value && typeof value === 'object' ? (value as Partial<ApiErrorBody>) : {};
}

/** Builds an ApiError from a failed response and its (possibly non-JSON) body. */
export function toApiError(response: Response | undefined, body: unknown): ApiError {
  const status = response?.status ?? 0;
  const b = asErrorBody(body);
  const retry = Number(response?.headers.get('retry-after'));
  return new ApiError(
    b.statusCode ?? status,
    b.code ?? (status === 0 ? 'network/unreachable' : `http/${status}`),
    b.message ?? '',
    Array.isArray(b.details) ? b.details : undefined,
    Number.isFinite(retry) && retry > 0 ? retry : undefined,
  );
}

interface Result<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Awaits an openapi-fetch call and returns its data, or throws an ApiError. Network failures become one too. */
export async function unwrap<T>(call: Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await call;
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw new ApiError(0, 'network/unreachable', e instanceof Error ? e.message : '');
  }
  if (result.error !== undefined || !result.response.ok) throw toApiError(result.response, result.error);
  return result.data as T;
}

type Translate = (key: string, named?: Record<string, unknown>) => string;
type HasKey = (key: string) => boolean;

/**
 * Plain words for an error: the translated text for its code when we have one, else the server's message (already
 * written for people), else a generic text by HTTP status.
 */
export function errorMessage(error: unknown, t: Translate, te: HasKey): string {
  if (!(error instanceof ApiError)) return t('errors.generic');
  const key = `errors.${error.code.replace('/', '.')}`;
  if (te(key)) return t(key, { seconds: error.retryAfter ?? 60 });
  if (error.message) return error.message;
  if (error.status === 0) return t('errors.network.unreachable');
  if (error.status === 403) return t('errors.auth.forbidden');
  if (error.status === 404) return t('errors.common.not-found');
  if (error.status === 429) return t('errors.common.rate-limited', { seconds: error.retryAfter ?? 60 });
  return t('errors.generic');
}

/** Field messages from a validation error, keyed by field name. */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError) || !error.details) return {};
  const out: Record<string, string> = {};
  for (const d of error.details) if (d && typeof d === 'object' && 'field' in d) out[d.field] = d.messages.join(' ');
  return out;
}
