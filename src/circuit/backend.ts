// What a circuit backend is: it advances a compiled circuit plan and hands back recordings in chunks.

/** Recordings of steps [firstStep, firstStep + steps). */
export interface CircuitChunk {
  firstStep: number;
  steps: number;
  /** Spike events as (step, copy · n + neuron) pairs, in no particular order. */
  spikes: Uint32Array;
  /** Trace samples: [sample · probes + probe]; sample k is the state after step (k + 1) · every − 1. */
  samples: number;
  traces: Float32Array | Float64Array;
  /** Copies frozen so far after a non-finite state (plan.freeze), with where it happened. */
  failures: CopyFailure[];
}

export interface CopyFailure { copy: number; neuron: number; step: number }

export interface CircuitBackend {
  readonly kind: 'gpu' | 'cpu';
  readonly adapter: string;
  advance(steps: number, sink: (chunk: CircuitChunk) => void): Promise<void>;
  /** State of every neuron, MAX_STATE numbers each ([(copy · n + neuron) · 4 + variable]). */
  readState(): Promise<Float32Array | Float64Array>;
  destroy(): void;
}

/** Samples (steps s with (s + 1) % every == 0) among steps [t0, t0 + m). */
export function samplesIn(t0: number, m: number, every: number): { first: number; count: number } {
  const first = Math.floor(t0 / every);            // samples before t0
  return { first, count: Math.floor((t0 + m) / every) - first };
}
