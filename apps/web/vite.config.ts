import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, URL } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import vue from '@vitejs/plugin-vue';
import type { Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { defineConfig } from 'vitest/config';
import { bootstrapIcons, purgeUnusedCss } from './build/css.js';

/**
 * Brotli and gzip copies of every text asset, made once at build time at the highest levels (the API serves them
 * with @fastify/static's preCompressed: no compression work per request).
 */
function precompress(): Plugin {
  let outDir = 'dist';
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)]));
  return {
    name: 'sysponto-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    closeBundle() {
      for (const file of walk(outDir)) {
        if (!/\.(js|mjs|css|html|svg|json|txt|webmanifest|ico)$/.test(file)) continue;
        const data = readFileSync(file);
        if (data.length < 1024) continue;
        writeFileSync(
          `${file}.br`,
          brotliCompressSync(data, {
            params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
          }),
        );
        writeFileSync(`${file}.gz`, gzipSync(data, { level: 9 }));
      }
    },
  };
}

const lib = (path: string) => fileURLToPath(new URL(`../../libs/${path}`, import.meta.url));
const apiTarget = process.env.API_URL ?? 'http://localhost:3000';

/**
 * The installable app: the web app manifest and a Workbox service worker (src/sw.ts) that precaches the shell and
 * every built asset (the app opens offline), answers navigations with the cached index.html, and caches no API
 * answer (the app keeps what it needs in IndexedDB itself, see docs/offline.md). A new version waits for the
 * person's "reload".
 */
const pwa = VitePWA({
  registerType: 'prompt',
  injectRegister: false,
  includeAssets: ['favicon.svg', 'icons/apple-touch-icon-180.png'],
  manifest: {
    id: '/',
    name: 'SysPonto — class attendance',
    short_name: 'SysPonto',
    description: 'Class attendance in real time: check in, live roll call, history and justifications.',
    lang: 'en',
    start_url: '/',
    scope: '/',
    display: 'standalone',
    orientation: 'any',
    theme_color: '#0d6efd',
    background_color: '#ffffff',
    icons: [
      { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
      { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
      { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
    ],
  },
  // Our own small worker (src/sw.ts), compiled by Vite: quicker to build than Workbox's generated one.
  strategies: 'injectManifest',
  srcDir: 'src',
  filename: 'sw.ts',
  injectManifest: {
    globPatterns: ['**/*.{js,css,html,svg,png,woff2}'],
    maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
  },
});

const src = fileURLToPath(new URL('./src', import.meta.url));

/** A module of the app (src/…, libs/…) whose path, without its extension, is one of `paths` (a .vue file's parts too). */
const appModules = (paths: string[]) => new RegExp(String.raw`/(${paths.join('|')})\.(vue|ts)($|\?)`);
const STUDENT_PATH = appModules([
  'src/views/student/(StudentDashboardView|CheckInView)',
  'src/components/(CheckInBox|QrScanner|MySessionsCards|MySessionStatus|SessionListItem|RateBar)',
  'src/composables/(use-sessions|use-my-attendance|use-courses|use-check-in-location|use-qr-scan)',
  'src/features/device-id',
]);
const UI = appModules([
  'src/components/(PageHeader|LoadingState|ErrorAlert|EmptyState|StatusBadge|CardSection|OfflineDataNotice|FormField|IconButton|PagedList|PagerNav)',
  'src/realtime/use-socket-event',
  'libs/contracts/src/.*',
]);
/**
 * Chunks (issue 15, the student's phone): a `vendor` chunk of the framework (Vue, Vue Router, Pinia, Vue I18n) that
 * changes only with a dependency upgrade, so a new release of the app leaves it cached; the pieces of the pages a
 * student opens on a phone (dashboard, QR check-in link) in one `student` chunk, and the small building blocks most
 * pages share in one `ui` chunk — instead of a dozen sub-kilobyte chunks, each its own request on a slow network.
 * Calendar, charts, Luxon and the QR code generator stay in the chunks of the pages that use them.
 */
const codeSplitting = {
  groups: [
    {
      name: 'vendor',
      test: /\/node_modules\/(vue|@vue|vue-router|pinia|vue-i18n|@intlify)\//,
      priority: 3,
    },
    { name: 'student', test: STUDENT_PATH, priority: 2, includeDependenciesRecursively: false },
    { name: 'ui', test: UI, priority: 1, includeDependenciesRecursively: false },
  ],
};

export default defineConfig(({ command }) => ({
  plugins: [
    vue(),
    bootstrapIcons(src, fileURLToPath(new URL('./node_modules/bootstrap-icons/icons', import.meta.url))),
    pwa,
    precompress(),
  ],
  css: {
    postcss: {
      plugins:
        command === 'build' ? [purgeUnusedCss(src, fileURLToPath(new URL('./index.html', import.meta.url)))] : [],
    },
  },
  resolve: {
    // The SPA compiles the shared libraries from source: no separate build step before `vite`.
    alias: {
      '@sysponto/contracts': lib('contracts/src/index.ts'),
      '@sysponto/client': lib('api-client/src/index.ts'),
      '@': src,
    },
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
      '/socket.io': { target: apiTarget, ws: true },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
    rolldownOptions: { output: { codeSplitting } },
  },
  test: {
    environment: 'happy-dom',
    // Worker threads start faster than the default child processes (pnpm test:unit 53-57 s instead of 64 s here).
    pool: 'threads',
    environmentOptions: { happyDOM: { url: 'http://localhost:5173/' } },
    include: ['src/**/*.spec.ts'],
  },
}));
