import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The console builds into dist/web, which the vigil server serves at `/`. */
export default defineConfig({
  root: here,
  base: '/',
  plugins: [react()],
  build: {
    // VIGIL_WEB_OUT: another directory, so that two builds at once (parallel work on one checkout) do not collide.
    outDir: process.env['VIGIL_WEB_OUT'] ?? path.join(here, '../dist/web'),
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 2048,
    // Compiling Carbon's Sass is most of the build; rolldown's note saying so on every build is noise.
    rolldownOptions: { checks: { pluginTimings: false } },
  },
  css: { preprocessorOptions: { scss: { quietDeps: true, silenceDeprecations: ['legacy-js-api'] } } },
  server: { proxy: proxyTo(process.env['VIGIL_URL'] ?? 'http://127.0.0.1:8080') },
  logLevel: 'warn',
});

/** `npx vite web` serves the console with hot reload, passing the APIs to a running vigil. */
function proxyTo(target: string): Record<string, string> {
  return Object.fromEntries(['/v1', '/v2', '/api', '/identity', '/auth'].map((prefix) => [prefix, target]));
}
