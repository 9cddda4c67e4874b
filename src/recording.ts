// Recordings assembled from backend chunks: every spike as (step, neuron), and v/u/I traces.
import type { Chunk } from './backends/backend';

/** Host memory the traces of one simulation may take before a run is refused (they live in JS arrays). */
export const MAX_TRACE_BYTES = 2 ** 31;

/** A growable Int32 column. */
class Column {
  data = new Int32Array(1024);
  length = 0;
  push(x: number): void {
    if (this.length === this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = x;
  }
  view(): Int32Array { return this.data.subarray(0, this.length); }
}

export type { SpikeList } from './run/recorder';
import type { SpikeList } from './run/recorder';

export const TRACE_VARIABLES = ['v', 'u', 'I'] as const;
export type TraceVariable = (typeof TRACE_VARIABLES)[number];

export class Recorder {
  private readonly spikeSteps = new Column();
  private readonly spikeNeurons = new Column();
  private traceData: Float64Array;
  private traceSteps = 0;

  constructor(private readonly words: number, readonly traced: Int32Array) {
    this.traceData = new Float64Array(Math.max(1, traced.length * 3 * 256));
  }

  add(chunk: Chunk): void {
    const { raster, steps, firstStep } = chunk;
    if (raster) {
      const W = this.words;
      for (let s = 0; s < steps; s++) {
        for (let w = 0; w < W; w++) {
          let bits = raster[s * W + w]!;
          while (bits !== 0) {
            this.spikeSteps.push(firstStep + s);
            this.spikeNeurons.push(w * 32 + (31 - Math.clz32(bits & -bits)));
            bits &= bits - 1;
          }
        }
      }
    }
    const T3 = this.traced.length * 3;
    if (T3 > 0) {
      const need = (this.traceSteps + steps) * T3;
      if (need > this.traceData.length) {
        const bigger = new Float64Array(Math.max(need, this.traceData.length * 2));
        bigger.set(this.traceData);
        this.traceData = bigger;
      }
      this.traceData.set(chunk.traces.subarray(0, steps * T3), this.traceSteps * T3);
    }
    this.traceSteps += steps;
  }

  get spikes(): SpikeList {
    return { step: this.spikeSteps.view(), neuron: this.spikeNeurons.view() };
  }

  /** The time series of one variable of one traced neuron (one value per step). */
  trace(neuron: number, variable: TraceVariable): Float64Array {
    const k = this.traced.indexOf(neuron);
    if (k < 0) throw new RangeError(`neuron ${neuron} is not traced; traced: ${[...this.traced].join(', ') || 'none'}`);
    const v = TRACE_VARIABLES.indexOf(variable);
    if (v < 0) throw new RangeError(`unknown trace variable ${variable}; known: ${TRACE_VARIABLES.join(', ')}`);
    const T3 = this.traced.length * 3;
    const out = new Float64Array(this.traceSteps);
    for (let s = 0; s < this.traceSteps; s++) out[s] = this.traceData[s * T3 + k * 3 + v]!;
    return out;
  }
}
