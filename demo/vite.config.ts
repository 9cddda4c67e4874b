// The browser app: `npm start` builds it to static files (demo/dist) and serves them; the page
// imports the library as an outside app would, through the `spikegpu` package name.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { buildHash, compactWgsl, webAssemblyText } from '../vite.config';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [webAssemblyText(), compactWgsl()],
  define: { __SPIKEGPU_BUILD__: JSON.stringify(buildHash()) },
  resolve: { alias: { spikegpu: fileURLToPath(new URL('../src/index.ts', import.meta.url)) } },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: true },
  server: { port: 5173 },
  preview: { port: 5173 },
});
