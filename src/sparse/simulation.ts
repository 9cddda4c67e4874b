// The user-facing sparse simulation: validate → plan → backend (GPU or the CPU reference) →
// recordings gathered chunk by chunk.
import type { SparseBackend, SparseChunk } from './backend';
import { CpuSparseBackend } from './cpu';
import { type SparseNetworkDescription, SparseValidationError } from './description';
import { GpuSparseBackend, type SparseGpuOptions } from './gpu';
import { type SparsePlan, compileSparse, totalBytes } from './plan';
import { formatBytes } from '../network/validate';
import { MAX_TRACE_BYTES } from '../recording';

export interface SparseOptions extends SparseGpuOptions {
  backend?: 'gpu' | 'cpu';
}

export interface SparseRunSummary {
  steps: number;
  wallSeconds: number;
  /** Spikes of this run (from the GPU's rate counts, else the recorded spikes; 0 with recording off). */
  spikes: number;
}

export class SparseSimulation {
  private step = 0;
  private readonly spikeSteps: Int32Array[] = [];
  private readonly spikeNeurons: Int32Array[] = [];
  private readonly rateChunks: Uint32Array[] = [];
  private readonly traceChunks: (Float32Array | Float64Array)[] = [];
  /** First step of each chunk (spike and rate chunks alike). */
  private readonly chunkFirst: number[] = [];
  /** Spikes of each population so far, from the rate counts. */
  private readonly popSpikes: Float64Array;

  private constructor(readonly plan: SparsePlan, readonly backend: SparseBackend) {
    this.popSpikes = new Float64Array(plan.ranges.length);
  }

  static async create(desc: SparseNetworkDescription, options: SparseOptions = {}): Promise<SparseSimulation> {
    const plan = compileSparse(desc);
    const backend = options.backend === 'cpu'
      ? new CpuSparseBackend(plan, options.stepsPerSubmit)
      : await GpuSparseBackend.create(plan, options);
    return new SparseSimulation(plan, backend);
  }

  /**
   * The GPU memory a network needs with these options, estimated before anything is built: the
   * total and each part (state, accumulators, spike lists, records, synapses, row starts, build
   * temporaries), and the same with procedural connectivity where that would change it. Throws the
   * same errors as create for bad descriptions or options.
   */
  static estimateMemory(desc: SparseNetworkDescription, options: SparseGpuOptions = {}): {
    bytes: number; parts: Record<string, number>; proceduralBytes: number | null;
  } {
    const f = GpuSparseBackend.footprint(compileSparse(desc), options);
    return { bytes: totalBytes(f.parts), parts: f.parts, proceduralBytes: f.proceduralParts ? totalBytes(f.proceduralParts) : null };
  }

  /**
   * Advances `duration` ms (rounded to whole steps) or `steps` steps; `onProgress` hears of each
   * chunk that comes back (steps done of this run, and its total).
   */
  async run(what: { duration?: number; steps?: number; onProgress?: (done: number, total: number) => void }): Promise<SparseRunSummary> {
    const steps = what.steps ?? Math.round((what.duration ?? 0) / this.plan.dt);
    if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`steps must be an integer ≥ 0, got ${steps}`);
    const { traced, traceVariables } = this.plan;
    const traceBytes = (this.backend.kind === 'gpu' ? 4 : 8) * traced.length * traceVariables.length * (this.step + steps);
    if (traceBytes > MAX_TRACE_BYTES) {
      throw new SparseValidationError([{ path: 'record.traces', message: `${traced.length} traced neurons over ${this.step + steps} steps need ${formatBytes(traceBytes)} of host memory, over ${formatBytes(MAX_TRACE_BYTES)}: trace fewer neurons or run fewer steps` }]);
    }
    const t0 = performance.now();
    const start = this.step;
    let spikes = 0;
    const pops = this.plan.ranges.length;
    await this.backend.advance(steps, (c: SparseChunk) => {
      this.chunkFirst.push(c.firstStep);
      if (this.plan.recordSpikes) { this.spikeSteps.push(c.spikeSteps); this.spikeNeurons.push(c.spikeNeurons); }
      if (c.traces) this.traceChunks.push(c.traces);
      if (c.rates) {
        this.rateChunks.push(c.rates);
        c.rates.forEach((x, k) => { spikes += x; this.popSpikes[k % pops]! += x; });
      } else spikes += c.spikeSteps.length;
      this.step = c.firstStep + c.steps;  // a run that fails keeps the chunks it delivered, and counts them
      what.onProgress?.(this.step - start, steps);
    });
    return { steps, wallSeconds: (performance.now() - t0) / 1000, spikes };
  }

  get currentStep(): number { return this.step; }

  /** Every recorded spike from step `fromStep` on (default: all), ordered by step then neuron. */
  spikes(fromStep = 0): { steps: Int32Array; neurons: Int32Array } {
    const first = this.firstChunk(fromStep);
    const steps = this.spikeSteps.slice(first), neurons = this.spikeNeurons.slice(first);
    // Within the first chunk kept, only the spikes at or after fromStep.
    let skip = 0;
    while (steps.length && skip < steps[0]!.length && steps[0]![skip]! < fromStep) skip++;
    if (steps.length) { steps[0] = steps[0]!.subarray(skip); neurons[0] = neurons[0]!.subarray(skip); }
    return { steps: concat(steps, Int32Array), neurons: concat(neurons, Int32Array) };
  }

  /** Spikes per step and population counted on the GPU, [(step − fromStep) · populations + p], from `fromStep` on. */
  rateCounts(fromStep = 0): Uint32Array {
    const first = this.firstChunk(fromStep);
    const parts = this.rateChunks.slice(first);
    if (parts.length) parts[0] = parts[0]!.subarray((fromStep - this.chunkFirst[first]!) * this.plan.ranges.length);
    return concat(parts, Uint32Array);
  }

  /** Mean rate of each population in Hz over everything run so far (from the rate counts). */
  meanRates(): Record<string, number> {
    const seconds = (this.step * this.plan.dt) / 1000;
    return Object.fromEntries(this.plan.ranges.map((r, p) => [r.name, this.popSpikes[p]! / r.size / seconds]));
  }

  /** The chunk holding step `fromStep` (chunks cover consecutive steps from 0). */
  private firstChunk(fromStep: number): number {
    if (!Number.isInteger(fromStep) || fromStep < 0) throw new RangeError(`fromStep must be an integer ≥ 0, got ${fromStep}`);
    let k = 0;
    while (k + 1 < this.chunkFirst.length && this.chunkFirst[k + 1]! <= fromStep) k++;
    return k;
  }

  /**
   * A traced neuron's variable (SPARSE_TRACE_VARIABLES of the model) after every step from
   * `fromStep` on (default: all): value k is the state at the end of step fromStep + k, at
   * t = (fromStep + k + 1) · dt.
   */
  trace(neuron: number, variable: string, fromStep = 0): Float64Array {
    const { traced, traceVariables } = this.plan;
    const k = traced.indexOf(neuron);
    if (k < 0) throw new RangeError(`neuron ${neuron} is not traced (record.traces); traced: ${[...traced].join(', ') || 'none'}`);
    const v = traceVariables.indexOf(variable);
    if (v < 0) throw new RangeError(`unknown trace variable ${variable}; known: ${traceVariables.join(', ')}`);
    const V = traceVariables.length, stride = traced.length * V;
    const first = this.firstChunk(fromStep);
    const out = new Float64Array(Math.max(0, this.step - fromStep));
    let s = 0;
    for (let q = first; q < this.traceChunks.length; q++) {
      const c = this.traceChunks[q]!, skip = q === first ? fromStep - this.chunkFirst[q]! : 0;
      for (let at = (skip * traced.length + k) * V + v; at < c.length; at += stride) out[s++] = c[at]!;
    }
    return out;
  }

  /** One state variable of every neuron. */
  async readVariable(name: string): Promise<Float32Array | Float64Array> {
    const k = this.plan.variables.indexOf(name);
    if (k < 0) throw new RangeError(`unknown variable ${name}; known: ${this.plan.variables.join(', ')}`);
    const all = await this.backend.readState();
    return all.slice(k * this.plan.n, (k + 1) * this.plan.n);
  }

  destroy(): void {
    this.backend.destroy();
  }
}

function concat<T extends Int32Array | Uint32Array>(parts: T[], Ctor: { new (n: number): T }): T {
  const out = new Ctor(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}
