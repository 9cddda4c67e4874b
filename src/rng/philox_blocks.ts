// Philox words for runs of consecutive counters, from WebAssembly (philox.wat): the CPU backend's
// noise draws one normal per neuron per step, and this is about 2.5× faster than philox4x32 per call.
import philoxWasm from './philox.wat';

/** The binary of philox.wat (CPU worker threads instantiate their own from it). */
export const PHILOX_WASM: Uint8Array<ArrayBuffer> = philoxWasm;

/** Words of `count` consecutive counters (c0, c1 + i, c2, c3): counter i's four words at words[4i … 4i + 3]. */
export interface PhiloxBlocks {
  fill(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number, count: number): void;
  readonly words: Uint32Array;
  /** The most counters one fill draws. */
  readonly size: number;
}

/** An instance of the module (its own memory). Self-contained: CPU worker threads run its source. */
export function philoxBlocks(binary: Uint8Array<ArrayBuffer>): PhiloxBlocks {
  const size = 4096;  // one 64 KiB page of four words each
  const exports = new WebAssembly.Instance(new WebAssembly.Module(binary), {}).exports as {
    philox: PhiloxBlocks['fill']; memory: WebAssembly.Memory;
  };
  return { fill: exports.philox, words: new Uint32Array(exports.memory.buffer, 0, 4 * size), size };
}
