import createFetchClient from 'openapi-fetch';
import type { components, paths } from './schema.js';

export interface CreateClientOptions {
  /** Where SysPonto runs, e.g. `https://ponto.example.edu` (no `/api`). */
  baseUrl: string;
  /** An API key (`spk_…`), sent as `Authorization: Bearer spk_…`. */
  apiKey?: string;
  /** Give every POST an `Idempotency-Key` (a random UUID) unless the call sets one. Default true. */
  idempotencyKeys?: boolean;
  /**
   * How many times to retry a request that failed on the network, with 408/429/5xx or 409 `idempotency/in-progress`
   * (default 2). Only requests that are safe to repeat are retried: GET, HEAD, PUT, DELETE, and POST with an
   * `Idempotency-Key` (the same key on every try, so the server runs it at most once).
   */
  retries?: number;
  /** The fetch to use (default the global one). */
  fetch?: (request: Request) => Promise<Response>;
}

const RETRY_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const REPEATABLE = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);
const MAX_WAIT_MS = 30_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Retry-After (seconds) when the server sent one, else exponential backoff with jitter from 250 ms. */
function waitFor(attempt: number, response?: Response): number {
  const retryAfter = Number(response?.headers.get('retry-after'));
  if (Number.isFinite(retryAfter) && retryAfter >= 0) return Math.min(retryAfter * 1000, MAX_WAIT_MS);
  return Math.min(250 * 2 ** attempt * (0.8 + Math.random() * 0.4), MAX_WAIT_MS);
}

/** A fetch that signs requests with the API key, adds idempotency keys to POSTs and retries what is safe to retry. */
export function integrationFetch(options: Omit<CreateClientOptions, 'baseUrl'>) {
  const base = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  const retries = Math.max(0, options.retries ?? 2);
  return async (input: Request): Promise<Response> => {
    const request = input.clone();
    if (options.apiKey && !request.headers.has('authorization'))
      request.headers.set('authorization', `Bearer ${options.apiKey}`);
    if (request.method === 'POST' && options.idempotencyKeys !== false && !request.headers.has('idempotency-key'))
      request.headers.set('idempotency-key', globalThis.crypto.randomUUID());
    const repeatable = REPEATABLE.has(request.method) || request.headers.has('idempotency-key');
    for (let attempt = 0; ; attempt++) {
      const last = !repeatable || attempt >= retries;
      let response: Response;
      try {
        response = await base(last ? request : request.clone());
      } catch (error) {
        if (last) throw error;
        await sleep(waitFor(attempt));
        continue;
      }
      if (last) return response;
      let retry = RETRY_STATUS.has(response.status);
      if (response.status === 409) {
        const body = (await response
          .clone()
          .json()
          .catch(() => null)) as { code?: string } | null;
        retry = body?.code === 'idempotency/in-progress';
      }
      if (!retry) return response;
      await response.body?.cancel().catch(() => undefined);
      await sleep(waitFor(attempt, response));
    }
  };
}

/**
 * The typed SysPonto client for integrations: every route, body and answer typed from the OpenAPI document.
 *
 * ```ts
 * const sysponto = createClient({ baseUrl: 'https://ponto.example.edu', apiKey: process.env.SYSPONTO_API_KEY });
 * const { data, error } = await sysponto.GET('/api/courses', { params: { query: { pageSize: 50 } } });
 * ```
 */
export function createClient(options: CreateClientOptions) {
  return createFetchClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    fetch: integrationFetch(options),
  });
}

export type SysPontoClient = ReturnType<typeof createClient>;

/** The error body every endpoint answers with. */
export interface ApiErrorBody {
  statusCode: number;
  code: string;
  message: string;
  /** Validation errors list each field's messages; other errors may carry an object (e.g. `requiredScope`). */
  details?: { field: string; messages: string[] }[];
}

/** A refused or failed call: the HTTP status, the stable `code` (e.g. `auth/insufficient-scope`) and the message. */
export class SysPontoError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message || `HTTP ${status}`);
    this.name = 'SysPontoError';
  }
}

/** Awaits a call and returns its data, or throws a SysPontoError. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (error !== undefined || !response.ok) {
    const body = (error && typeof error === 'object' ? error : {}) as Partial<ApiErrorBody>;
    throw new SysPontoError(response.status, body.code ?? `http/${response.status}`, body.message ?? '', body.details);
  }
  return data as T;
}

export type AttendanceChange = components['schemas']['AttendanceRecordChangeDto'];
export type AttendanceChangePage = components['schemas']['AttendanceRecordChangesDto'];
export type AttendanceChangesQuery = NonNullable<paths['/api/attendance-records']['get']['parameters']['query']>;

/**
 * Every attendance change since `cursor` (or since `updatedSince` on a first sync), page after page, until the feed
 * is caught up. Store each page's `nextCursor` after you have handled its items: the next run starts there and gets
 * every later change exactly once.
 *
 * ```ts
 * for await (const page of attendanceChanges(sysponto, { cursor: saved })) {
 *   await handle(page.items);
 *   saved = page.nextCursor;
 * }
 * ```
 */
export async function* attendanceChanges(
  client: SysPontoClient,
  query: AttendanceChangesQuery = {},
): AsyncGenerator<AttendanceChangePage, void, undefined> {
  let cursor = query.cursor;
  for (;;) {
    const page = await unwrap(
      client.GET('/api/attendance-records', {
        params: { query: { ...query, ...(cursor ? { cursor } : {}) } },
      }),
    );
    yield page;
    if (!page.hasMore) return;
    cursor = page.nextCursor;
  }
}
