import { ApiError, toApiError } from './errors';
import { getAccessToken, refreshSession } from './http';

export interface UploadOptions {
  method?: 'POST' | 'PUT';
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

function send(
  url: string,
  body: FormData,
  opts: UploadOptions,
): Promise<{ status: number; json: unknown; headers: Headers }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(opts.method ?? 'POST', url);
    xhr.withCredentials = true;
    const token = getAccessToken();
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.responseType = 'text';
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) opts.onProgress?.(e.loaded / e.total);
    };
    xhr.onload = () => {
      let json: unknown;
      try {
        json = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        json = null;
      }
      const headers = new Headers();
      const retry = xhr.getResponseHeader('retry-after');
      if (retry) headers.set('retry-after', retry);
      resolve({ status: xhr.status, json, headers });
    };
    xhr.onerror = () => reject(new ApiError(0, 'network/unreachable', ''));
    xhr.onabort = () => reject(new ApiError(0, 'upload/aborted', ''));
    opts.signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(body);
  });
}

/**
 * Multipart upload with progress (fetch cannot report upload progress). Same auth rules as the typed client:
 * Bearer token, one refresh and one retry on 401.
 */
export async function uploadForm<T>(url: string, body: FormData, opts: UploadOptions = {}): Promise<T> {
  let res = await send(url, body, opts);
  if (res.status === 401 && (await refreshSession())) {
    opts.onProgress?.(0);
    res = await send(url, body, opts);
  }
  if (res.status < 200 || res.status >= 300)
    throw toApiError(new Response(null, { status: res.status, headers: res.headers }), res.json);
  return res.json as T;
}
