// What a run records, in one shape for every backend: spikes as (step, neuron, population, copy),
// spike counts per step, population and copy, and probe samples. Backends append chunk by chunk;
// readers get typed-array views (docs/conventions.md#spike-times: a spike of step s is at s·dt).
import type { Plan } from '../compile/plan.js';
import { SYNAPSE_PROBE_VARIABLES } from '../spec/fields.js';

/** A growable typed array (doubling), so recording allocates only as it grows. */
class Grow<T extends Int32Array | Float64Array | Uint32Array> {
  private data: T;
  length = 0;
  constructor(private readonly make: (n: number) => T) { this.data = make(1024); }
  push(x: number): void {
    if (this.length === this.data.length) { const d = this.make(2 * this.data.length); d.set(this.data); this.data = d; }
    this.data[this.length++] = x;
  }
  /** Appends every value of `xs` (one copy, growing at most once). */
  append(xs: ArrayLike<number>): void {
    if (this.length + xs.length > this.data.length) {
      const d = this.make(Math.max(2 * this.data.length, this.length + xs.length));
      d.set(this.data.subarray(0, this.length));
      this.data = d;
    }
    this.data.set(xs, this.length);
    this.length += xs.length;
  }
  view(from = 0): T { return this.data.subarray(from, this.length) as T; }
}

export interface Spikes {
  step: Int32Array;
  /** Global neuron index (populations in the description's order). */
  neuron: Int32Array;
  population: Int32Array;
  copy: Int32Array;
}

/** Spikes as steps and neurons (what the analyses and plots read): a Spikes, or any two columns. */
export type SpikeList = Pick<Spikes, 'step' | 'neuron'>;

/**
 * A probe: of a population's variable (-1: I) at some neurons, or, with `projection` set, of a
 * synapse variable (SYNAPSE_PROBE_VARIABLES' index) at some synapses (in `neurons`; population -1).
 */
export interface ProbeSpec { population: number; variable: number; neurons: Uint32Array; every: number; label: string; projection?: number }

/** Host memory the probes may take (a run that would pass it is refused before it starts). */
export const MAX_PROBE_BYTES = 2 ** 31;

export class Recorder {
  private readonly steps = new Grow((n) => new Int32Array(n));
  private readonly neurons = new Grow((n) => new Int32Array(n));
  private readonly pops = new Grow((n) => new Int32Array(n));
  private readonly copies = new Grow((n) => new Int32Array(n));
  /** Counts per step: [step][copy][population]. */
  private readonly counts = new Grow((n) => new Uint32Array(n));
  readonly probes: ProbeSpec[];
  /** Per probe: samples × copies × neurons. */
  private readonly samples: Grow<Float64Array>[];
  /** Spikes per population (all copies) so far. */
  readonly totals: Float64Array;

  constructor(readonly plan: Plan) {
    this.probes = (plan.network.record?.probes ?? []).map((p) => {
      const pop = plan.populations.find((q) => q.name === p.population)!;
      return { population: pop.index, variable: p.variable === 'I' ? -1 : pop.model.variables.indexOf(p.variable), neurons: Uint32Array.from(p.neurons), every: p.every ?? 1, label: `${p.population}.${p.variable}` };
    });
    // Synapse probes follow the population probes (trace(k) numbers them so).
    for (const p of plan.network.record?.synapseProbes ?? []) {
      const projection = plan.projections.find((q) => q.spec.name === p.projection)!.index;
      this.probes.push({ population: -1, projection, variable: SYNAPSE_PROBE_VARIABLES.indexOf(p.variable), neurons: Uint32Array.from(p.synapses), every: p.every ?? 1, label: `${p.projection}.${p.variable}` });
    }
    this.samples = this.probes.map(() => new Grow((n) => new Float64Array(n)));
    this.totals = new Float64Array(plan.populations.length);
  }

  /** Host bytes the probes hold once `steps` steps in all are recorded (8 per value). */
  probeBytes(steps: number): number {
    return this.probes.reduce((a, p) => a + 8 * this.plan.copies * p.neurons.length * Math.floor(steps / p.every), 0);
  }

  /** Adds n spikes of a population to the totals (every backend counts every spike, recorded or not). */
  count(population: number, n: number): void { this.totals[population]! += n; }

  spike(step: number, population: number, neuron: number, copy: number): void {
    if (!this.plan.recordSpikes[population]) return;
    this.steps.push(step);
    this.neurons.push(this.plan.populations[population]!.start + neuron);
    this.pops.push(population);
    this.copies.push(copy);
  }

  /** Counts of one or more steps, [step][copy][population]. */
  rates(counts: ArrayLike<number>): void { this.counts.append(counts); }

  /** Samples of probe q, [sample][copy][neuron]. */
  sample(q: number, values: ArrayLike<number>): void { this.samples[q]!.append(values); }

  spikes(fromStep = 0): Spikes {
    const steps = this.steps.view();
    let from = 0;
    if (fromStep > 0) { let lo = 0, hi = steps.length; while (lo < hi) { const mid = (lo + hi) >> 1; if (steps[mid]! < fromStep) lo = mid + 1; else hi = mid; } from = lo; }
    return { step: this.steps.view(from), neuron: this.neurons.view(from), population: this.pops.view(from), copy: this.copies.view(from) };
  }

  rateCounts(): Uint32Array { return this.counts.view(); }

  /** Probe q's samples: [sample][copy][neuron]. */
  probe(q: number): Float64Array { return this.samples[q]!.view(); }
}
