// Builds the library (dist/spikegpu.js) and the CLI (dist/cli.js) for Node and browsers; vitest
// shares the config, so `?raw` WGSL imports and `.wat` modules work the same in tests.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * WebAssembly text (`.wat`) assembled by wabt at build time: the module's default export is its
 * binary as a Uint8Array, so the WAT is the one source and no generated file is committed.
 */
export function webAssemblyText(): Plugin {
  return {
    name: 'spikegpu:wat',
    async transform(text, id) {
      if (!id.endsWith('.wat')) return null;
      const wabt = await (await import('wabt')).default();
      const module = wabt.parseWat(id, text);
      try {
        module.validate();
        const base64 = Buffer.from(module.toBinary({}).buffer).toString('base64');
        return { code: `export default Uint8Array.from(atob(${JSON.stringify(base64)}), (c) => c.charCodeAt(0));`, map: null };
      } finally {
        module.destroy();
      }
    },
  };
}

/**
 * WGSL from shaders/ (`?raw`) without its comments and indentation: they explain the source, and
 * every page would download them. Lines stay lines, so a compiler message still points at one.
 */
export function compactWgsl(): Plugin {
  return {
    name: 'spikegpu:wgsl',
    enforce: 'pre',
    load(id) {
      if (!id.endsWith('.wgsl?raw')) return null;
      // One pass, so whichever comment opens first wins ('//' holding '/*', or the reverse).
      const text = readFileSync(id.slice(0, -'?raw'.length), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (c) => {
        if (c.startsWith('/*') && c.slice(2).includes('/*')) throw new Error(`${id}: a nested block comment (WGSL allows them; this build does not)`);
        return c.startsWith('/*') ? c.replace(/[^\n]/g, '') : '';
      });
      const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
      return { code: `export default ${JSON.stringify(lines.join('\n'))};`, map: null };
    },
  };
}

/**
 * The build's identity: a hash of every source file the library and its kernels are made of. A
 * compiled program records it and loads only in the same build (src/program/format.ts), as the
 * generated code and the layout it assumes may change without a new version number.
 */
export function buildHash(): string {
  const root = new URL('.', import.meta.url).pathname, hash = createHash('sha256');
  for (const dir of ['src', 'shaders']) {
    const files = readdirSync(join(root, dir), { recursive: true }).map(String).filter((f) => /\.(ts|wgsl|wat)$/.test(f)).sort();
    for (const f of files) hash.update(`${dir}/${f}\0`).update(readFileSync(join(root, dir, f))).update('\0');
  }
  return hash.digest('hex').slice(0, 12);
}

const pkg = JSON.parse(readFileSync(new URL('package.json', import.meta.url), 'utf8')) as { dependencies?: Record<string, string>; peerDependencies?: Record<string, string> };

export default defineConfig({
  plugins: [webAssemblyText(), compactWgsl()],
  define: { __SPIKEGPU_BUILD__: JSON.stringify(buildHash()) },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    minify: false,
    sourcemap: true,
    // The entries of package.json "exports": the browser library, the Node library (which adds
    // Node's WebGPU), the CLI, and the subpaths spikegpu/plot, spikegpu/analysis and spikegpu/program (a compiled program's loader). Modules stay files of their own so a consumer's bundler keeps only
    // what a page imports; packages are the consumer's to resolve.
    lib: {
      entry: { index: 'src/index.ts', node: 'src/node.ts', cli: 'src/cli.ts', 'plot/index': 'src/plot/index.ts', 'analysis/index': 'src/analysis/index.ts', 'program/index': 'src/program/index.ts' },
      formats: ['es'],
    },
    rollupOptions: {
      external: [...Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies }).map((name) => new RegExp(`^${name}(/|$)`)), /^node:/],
      output: { preserveModules: true, preserveModulesRoot: 'src', entryFileNames: '[name].js' },
    },
  },
  test: {
    include: ['tests/**/*.test.ts'],
    setupFiles: ['tests/setup.ts'],
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
    pool: 'forks',
    // tests/device.test.ts forces garbage collection to check that dawn.node stays alive.
    execArgv: ['--expose-gc'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Each file opens its own device; the 2-core CI machine runs them one after another.
    fileParallelism: false,
    env: { XDG_RUNTIME_DIR: '/tmp', EGL_PLATFORM: 'surfaceless' },
  },
});
