// What only Node has, reached only through what the Node entry (src/node.ts) registers here, so
// the browser entry names no Node module and any bundler packs it for a page (docs/platform.md).

/** Node's WebGPU: the `webgpu` package (dawn.node), its factory and its globals (GPUBufferUsage, …). */
export interface NodeWebGpu { create(flags: string[]): GPU; globals: Record<string, unknown> }

/** A Node worker thread, as much of node:worker_threads' Worker as the CPU backend uses. */
export interface NodeWorker {
  postMessage(message: unknown): void;
  on(event: 'error', listener: (e: Error) => void): unknown;
  once(event: 'error', listener: (e: Error) => void): unknown;
  once(event: 'exit', listener: (code: number) => void): unknown;
  once(event: 'message', listener: (m: unknown) => void): unknown;
  terminate(): Promise<number>;
  unref(): void;
}

export interface NodePlatform {
  /** Loads the optional peer dependency `webgpu` (on first GPU use, so CPU-only programs run without it). */
  webgpu(): Promise<NodeWebGpu>;
  /** node:os availableParallelism(). */
  cores(): Promise<number>;
  /** A worker running `code` (node:worker_threads, eval). */
  worker(code: string): Promise<NodeWorker>;
}

let registered: NodePlatform | null = null;

/** Registers Node's capabilities (src/node.ts does, on import). */
export function provideNodePlatform(platform: NodePlatform): void {
  registered = platform;
}

export const isNode = (): boolean => typeof process !== 'undefined' && !!process.versions?.node;

/** Node's capabilities; throws in Node when the browser entry was loaded instead of the Node one. */
export function nodePlatform(): NodePlatform {
  if (!registered) {
    throw new Error("spikegpu's browser entry runs in Node without Node's WebGPU and worker threads: import 'spikegpu' (its \"node\" export condition picks the Node entry) rather than a path into its build");
  }
  return registered;
}
