// Builds the library (dist/spikegpu.js) and the CLI (dist/cli.js) for Node and browsers; vitest
// shares the config, so `?raw` WGSL imports work the same in tests.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    minify: false,
    sourcemap: true,
    lib: {
      entry: { spikegpu: 'src/index.ts', cli: 'src/cli.ts' },
      formats: ['es'],
    },
    rollupOptions: {
      external: ['webgpu', /^node:/],
    },
  },
  test: {
    include: ['tests/**/*.test.ts'],
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
