/**
 * Runs `fn` once the page has loaded and the browser has a moment with nothing to do (at most `timeout` ms after the
 * load): for work the first screen does not need — registering the service worker (which then downloads every asset
 * for offline use), reading what a later action will need. On a phone that work would otherwise compete with the
 * first screen for the network and the main thread. Returns the function that cancels it.
 */
export function whenIdle(fn: () => void, timeout = 3000): () => void {
  let cancelled = false;
  let idle: number | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = () => {
    if (cancelled) return;
    if (typeof requestIdleCallback === 'function') idle = requestIdleCallback(() => !cancelled && fn(), { timeout });
    else timer = setTimeout(() => !cancelled && fn(), 0);
  };
  const loaded = typeof document === 'undefined' || document.readyState === 'complete';
  if (loaded) run();
  else window.addEventListener('load', run, { once: true });
  return () => {
    cancelled = true;
    window.removeEventListener('load', run);
    if (idle !== undefined) cancelIdleCallback(idle);
    clearTimeout(timer);
  };
}
