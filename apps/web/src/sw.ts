/// <reference lib="webworker" />
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

/**
 * The service worker (built by vite-plugin-pwa, injectManifest): precaches the app shell and every built asset so
 * the app opens offline, answers page navigations with the cached index.html (client-side routes), and leaves
 * every API and Socket.IO request to the network — API answers are never cached here (the app keeps what it needs
 * in IndexedDB, see docs/offline.md). A new version waits until the page asks it to take over (the update prompt).
 */
declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | { url: string; revision: string | null })[] };

self.addEventListener('message', (event) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});

// The first worker takes over the page that installed it at once, so a teacher who goes offline right after the
// first visit still gets the lazily loaded pages from the cache. A later version only after "reload" (it waits).
clientsClaim();
// Libraries' CSS may ask for fonts with a bare content hash as query (`….woff2?e348…`, as bootstrap-icons' did): that
// query must still match the precached file, or the font is missing offline.
precacheAndRoute(self.__WB_MANIFEST, { ignoreURLParametersMatching: [/^utm_/, /^fbclid$/, /^[0-9a-f]{16,}$/] });
cleanupOutdatedCaches();
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('/index.html'), {
    denylist: [/^\/api(\/|$)/, /^\/socket\.io(\/|$)/],
  }),
);
