// The Node entry (package.json "exports", condition "node"): the whole library, with what only
// Node has registered behind it (src/platform.ts): the optional peer dependency `webgpu`
// (dawn.node), loaded on first GPU use so CPU-only programs run without it, core count and
// worker threads. Browser bundles never reach this file.
import { type NodeWebGpu, type NodeWorker, provideNodePlatform } from './platform.js';

provideNodePlatform({
  webgpu: async () => (await import(/* @vite-ignore */ 'webgpu')) as unknown as NodeWebGpu,
  cores: async () => (await import('node:os')).availableParallelism(),
  worker: async (code) => new (await import('node:worker_threads')).Worker(code, { eval: true }) as unknown as NodeWorker,
});

export * from './index.js';
