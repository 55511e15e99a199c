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
  },
  test: {
    environment: 'happy-dom',
    environmentOptions: { happyDOM: { url: 'http://localhost:5173/' } },
    include: ['src/**/*.spec.ts'],
  },
}));
