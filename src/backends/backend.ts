// What a backend is: it advances a compiled plan and hands back recordings in chunks.
import type { Plan } from '../network/plan';

/** Recordings of `steps` consecutive steps starting at `firstStep`. */
export interface Chunk {
  firstStep: number;
  steps: number;
  /** Spike bitmask, `words` u32 per step: bit b of word w is neuron 32w + b. */
  raster: Uint32Array | null;
  /** v, u, I of each traced neuron per step: [(step · traced + k) · 3 + var]. */
  traces: Float32Array | Float64Array;
}

/** Where one chunk's spike masks lie on the GPU: `steps` steps of `words` u32 from byte `offset`. */
export interface SpikeTapChunk { buffer: GPUBuffer; offset: number; firstStep: number; steps: number; words: number }

/**
 * Reads a GPU simulation's spike masks without a readback: `encode` is called while each
 * chunk's commands are recorded, after its steps, and may record copies from `chunk.buffer`.
 */
export interface SpikeTap { encode(encoder: GPUCommandEncoder, chunk: SpikeTapChunk): void }

export interface Backend {
  readonly kind: 'gpu' | 'cpu';
  /** Adapter name for the GPU, "CPU (f64)" or "CPU (f32)" for the reference. */
  readonly adapter: string;
  /** Advances `steps` steps from the current one, calling `sink` for every chunk in order. */
  advance(steps: number, sink: (chunk: Chunk) => void): Promise<void>;
  readState(): Promise<{ v: Float32Array | Float64Array; u: Float32Array | Float64Array }>;
  /** The GPU backend's device and spike taps (absent on the CPU reference). */
  readonly device?: GPUDevice;
  addSpikeTap?(tap: SpikeTap): () => void;
  destroy(): void;
}

export { NonFiniteStateError, RunGuard } from '../run/guard';

export function maskWords(n: number): number {
  return Math.ceil(n / 32);
}

/** Steps of the next chunk: chunks never straddle a multiple of `k`, so ring slots never wrap. */
export function chunkLength(step: number, remaining: number, k: number): number {
  return Math.min(remaining, k - (step % k));
}

export type { Plan };
