// What a sparse-network backend is: it advances a plan and hands back recordings in chunks.
import type { SparsePlan } from './plan';

/** Recordings of `steps` consecutive steps from `firstStep`. */
export interface SparseChunk {
  firstStep: number;
  steps: number;
  /** Spikes ordered by step, then neuron (global index). */
  spikeSteps: Int32Array;
  spikeNeurons: Int32Array;
  /** Spikes per step and population, [step · populations + p]; null when rates are off. */
  rates: Uint32Array | null;
  /** Traced neurons' values after each step, [(step · traced + k) · variables + v]; null when none are traced. */
  traces: Float32Array | Float64Array | null;
}

export interface SparseBackend {
  readonly kind: 'gpu' | 'cpu';
  readonly adapter: string;
  readonly plan: SparsePlan;
  /** Per projection: largest in-degree and synapse count of the built connectivity. */
  readonly maxInDegree: readonly number[];
  readonly synapses: readonly number[];
  /** Fixed-point scale per synaptic target. */
  readonly scales: readonly number[];
  /** The GPU's launch shape (one workgroup looping over steps, or dispatches per step); null on the CPU. */
  readonly launch: 'one-workgroup' | 'per-step' | null;
  advance(steps: number, sink: (chunk: SparseChunk) => void): Promise<void>;
  /** Every state variable, [var · n + i] in plan.variables order. */
  readState(): Promise<Float32Array | Float64Array>;
  destroy(): void;
}
