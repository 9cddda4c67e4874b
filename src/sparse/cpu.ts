// The CPU reference for sparse networks (f64): the same plan, the same connectivity (built by
// buildCsr, draw for draw the GPU's), the same fixed-point synaptic sums, the same step order as
// shaders/sparse_network.wgsl and shaders/sparse_propagate.wgsl.
import { NonFiniteStateError, RunGuard } from '../backends/backend';
import { type CobahhIntegrate, cobahhJs, sparseIzhikevichJs } from './models';
import { PhiloxStream, Purpose } from '../rng/philox';
import { type Csr, buildCsr, scaleWord } from '../compile/csr';
import { type QuantisedWeight, type SparsePlan, fixedPointScales } from './plan';
import type { SparseBackend, SparseChunk } from './backend';

export class CpuSparseBackend implements SparseBackend {
  readonly kind = 'cpu';
  readonly launch = null;
  readonly adapter = 'CPU (f64)';
  readonly maxInDegree: number[];
  readonly synapses: number[];
  readonly scales: number[];
  private readonly csr: Csr[];
  private readonly weights: QuantisedWeight[];
  /** Per-synapse fixed-point weights of list projections. */
  private readonly listWeights: (Int32Array | null)[];
  private readonly state: Float64Array;
  private readonly refractory: Int32Array;
  private readonly acc: Float64Array;
  private readonly noise: PhiloxStream;
  /** Izhikevich: each neuron's input current of the last step (the trace's I); empty when nothing is traced. */
  private readonly input: Float64Array;
  private readonly guard = new RunGuard();
  private step = 0;
  /** The models' generated steps (src/sparse/models.ts). */
  private readonly cobahhIntegrate: CobahhIntegrate;
  private readonly izh = sparseIzhikevichJs();

  constructor(readonly plan: SparsePlan, private readonly chunkSteps = 250) {
    this.csr = plan.projections.map((p) => buildCsr(p.build));
    this.maxInDegree = this.csr.map((c) => c.maxInDegree);
    this.synapses = this.csr.map((c) => c.targets.length);
    const q = fixedPointScales(plan, this.maxInDegree);
    this.scales = q.scales;
    this.weights = q.weights;
    this.listWeights = plan.projections.map((p, k) => {
      const list = p.weight.list;
      if (!list) return null;
      const s = this.scales[p.target]!;
      return Int32Array.from(this.csr[k]!.words!, (idx) => Math.round(list[idx]! * s));
    });
    this.state = Float64Array.from(plan.state0);
    this.refractory = new Int32Array(plan.n);
    this.acc = new Float64Array(plan.ring * plan.targets * plan.n);
    this.noise = new PhiloxStream(plan.seed, Purpose.noise);
    this.cobahhIntegrate = cobahhJs(plan.cobahh, plan.dt);
    this.input = new Float64Array(plan.model === 'izhikevich' && plan.traced.length ? plan.n : 0);
  }

  async advance(steps: number, sink: (c: SparseChunk) => void): Promise<void> {
    await this.guard.run(() => this.advanceChunks(steps, sink));
  }

  private async advanceChunks(steps: number, sink: (c: SparseChunk) => void): Promise<void> {
    const { n, targets, ring } = this.plan;
    const pops = this.plan.ranges.length;
    const x = new Float64Array(6), out = new Float64Array(2), syn = new Float64Array(2);
    const spiked: number[] = [];
    let remaining = steps;
    while (remaining > 0) {
      const m = Math.min(remaining, this.chunkSteps);
      const t0 = this.step;
      const spikeSteps: number[] = [], spikeNeurons: number[] = [];
      const rates = this.plan.recordRates ? new Uint32Array(m * pops) : null;
      const { traced, traceVariables } = this.plan;
      const traces = traced.length ? new Float64Array(m * traced.length * traceVariables.length) : null;
      for (let tc = 0; tc < m; tc++) {
        const t = t0 + tc;
        const slot = t % ring;
        spiked.length = 0;
        let pop = 0;
        for (let i = 0; i < n; i++) {
          while (pop + 1 < pops && i >= this.plan.ranges[pop + 1]!.start) pop++;
          for (let k = 0; k < targets; k++) {
            const a = (slot * targets + k) * n + i;
            syn[k] = this.acc[a]! / this.scales[k]!;
            this.acc[a] = 0;
          }
          const fired = this.plan.model === 'cobahh' ? this.cobahh(i, t, syn, x) : this.izhikevich(i, t, syn[0]!, out);
          if (fired) {
            spiked.push(i);
            if (rates) rates[tc * pops + pop]!++;
            if (this.plan.recordSpikes) { spikeSteps.push(t); spikeNeurons.push(i); }
          }
        }
        this.propagate(t, spiked);
        if (traces) this.sample(traces, t, tc);
      }
      this.step += m;
      remaining -= m;
      sink({ firstStep: t0, steps: m, spikeSteps: Int32Array.from(spikeSteps), spikeNeurons: Int32Array.from(spikeNeurons), rates, traces });
    }
  }

  /**
   * The traced neurons' values after step t (step tc of the chunk) and its propagation, as
   * sample_traces in sparse_network.wgsl: COBAHH's ge and gi with the arrivals step t + 1 adds.
   */
  private sample(traces: Float64Array, t: number, tc: number): void {
    const { n, traced, traceVariables, targets, ring, model } = this.plan, V = traceVariables.length;
    const next = (t + 1) % ring;
    let at = tc * traced.length * V;
    for (const i of traced) {
      for (let v = 0; v < V; v++) {
        if (model === 'izhikevich') traces[at++] = v === 2 ? this.input[i]! : this.state[v * n + i]!;
        else traces[at++] = this.state[v * n + i]! + (v >= 4 ? this.acc[(next * targets + v - 4) * n + i]! / this.scales[v - 4]! : 0);
      }
    }
  }

  private cobahh(i: number, t: number, syn: Float64Array, x: Float64Array): boolean {
    const { n, cobahh: p, refractorySteps, dt } = this.plan;
    for (let v = 0; v < 6; v++) x[v] = this.state[v * n + i]!;
    x[4] = x[4]! + syn[0]!;
    x[5] = x[5]! + syn[1]!;
    this.cobahhIntegrate(x, dt);
    for (let v = 0; v < 6; v++) this.state[v * n + i] = x[v]!;
    let left = this.refractory[i]!;
    if (left > 0) left--;
    const fired = x[0]! > p.threshold && left === 0;
    if (fired) left = refractorySteps;
    this.refractory[i] = left;
    if (!(Number.isFinite(x[0]) && Number.isFinite(x[1]) && Number.isFinite(x[2]) && Number.isFinite(x[3]))) {
      throw new NonFiniteStateError(i, t, dt);
    }
    return fired;
  }

  private izhikevich(i: number, t: number, syn: number, out: Float64Array): boolean {
    const { n, coef, dt } = this.plan;
    const a = coef[i]!, b = coef[n + i]!, c = coef[2 * n + i]!, d = coef[3 * n + i]!, sigma = coef[4 * n + i]!;
    const current = syn + (sigma !== 0 ? sigma * this.noise.normal(t, i) : 0);
    this.izh.integrate(this.state[i]!, this.state[n + i]!, a, b, current, dt, out);
    if (this.input.length) this.input[i] = current;
    if (!(Number.isFinite(out[0]) && Number.isFinite(out[1]))) throw new NonFiniteStateError(i, t, dt);
    const fired = out[0]! >= 30;
    if (fired) this.izh.reset(out[1]!, c, d, out);
    this.state[i] = out[0]!;
    this.state[n + i] = out[1]!;
    return fired;
  }

  /** Every synapse of every neuron that spiked at step t adds its fixed-point weight delay + 1 steps ahead. */
  private propagate(t: number, spiked: readonly number[]): void {
    const { n, targets, ring } = this.plan;
    this.plan.projections.forEach((p, k) => {
      const csr = this.csr[k]!, w = this.weights[k]!, list = this.listWeights[k];
      const base = (((t + 1 + p.delay) % ring) * targets + p.target) * n + p.post.start;
      for (const g of spiked) {
        const pre = g - p.pre.start;
        if (pre < 0 || pre >= p.pre.size) continue;
        for (let s = csr.rowStart[pre]!; s < csr.rowStart[pre + 1]!; s++) {
          const wq = w.mode === 0 ? w.constant : w.mode === 1 ? w.low + scaleWord(csr.words![s]!, w.span) : list![s]!;
          this.acc[base + csr.targets[s]!]! += wq;
        }
      }
    });
  }

  async readState(): Promise<Float64Array> {
    return Float64Array.from(this.state);
  }

  destroy(): void {
    this.guard.end();
  }
}
