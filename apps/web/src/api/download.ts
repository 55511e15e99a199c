import { toApiError } from './errors';
import { authFetch } from './http';

/** Fetches a protected file (document, CSV) with the token and returns it as a Blob. */
export async function fetchBlob(url: string): Promise<Blob> {
  const res = await authFetch(url);
  if (!res.ok) {
    throw toApiError(res, await res.json().catch(() => null));
  }
  return res.blob();
}

/** Saves a protected file under the server's file name (Content-Disposition) or the given one. */
export async function downloadFile(url: string, fallbackName: string): Promise<void> {
  const res = await authFetch(url);
  if (!res.ok) throw toApiError(res, await res.json().catch(() => null));
  const disposition = res.headers.get('content-disposition') ?? '';
  const match = /filename\*=UTF-8''([^;]+)|filename="?([^";]+)"?/i.exec(disposition);
  const name = match ? decodeURIComponent(match[1] ?? match[2] ?? fallbackName) : fallbackName;
  const href = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
