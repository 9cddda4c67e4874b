// The CPU backend of the one engine: runs a compiled plan (src/compile/plan.ts) with generated
// JavaScript per population, in f64 or rounding every operation to f32. One step, in the order
// docs/conventions.md#order-of-a-step gives: inputs, then arrivals and continuous synapses into I
// and the state, then every neuron's step, then the spikes travel (arriving 1 + delay steps later).
import { NonFiniteStateError } from '../run/guard.js';
import { buildSynapses, maxInDegree, type Synapses } from '../compile/connectivity.js';
import type { Plan, PopulationPlan, ProjectionPlan } from '../compile/plan.js';
import { type ArrayStep, arrayStepJs } from '../equations/functions.js';
import { RELEASE_MODEL, releaseParameters } from '../models/registry.js';
import type { ProbeSpec, Recorder } from '../run/recorder.js';
import { CpuInputs } from './cpu_inputs.js';
import { type PopulationStep, type StepSource, populationStep, stepRange } from './cpu_neurons.js';
import { NOISE, STEP, ThreadPool, sharedF64, sharedI32 } from './cpu_threads.js';
import { Purpose } from '../rng/philox.js';

export interface CpuEngineOptions {
  precision?: 'f64' | 'f32';
  /** Threads (≥ 1, resolved): above 1, the noise draws and the neuron steps are shared with workers (src/engine/cpu_threads.ts). */
  threads?: number;
}

/** A copy that turned non-finite under batch.nonFinite = 'freeze-copy'. */
export interface CopyFailure { copy: number; population: string; neuron: number; step: number }

interface Chemical {
  projection: ProjectionPlan; synapses: Synapses; ring: Float64Array; own: Float64Array | null; decay: number;
  /** Every row holds targets 0 … nPost − 1 in order (a dense matrix, the seed's S): propagation skips the index array. */
  full: boolean;
}

/** Whether each row of `syn` is every target in ascending order (a list may repeat targets: rows are checked too). */
function fullRows(syn: Synapses): boolean {
  if (syn.post.length !== syn.nPre * syn.nPost) return false;
  for (let i = 0; i <= syn.nPre; i++) if (syn.rowStart[i] !== i * syn.nPost) return false;
  for (let s = 0; s < syn.post.length; s++) if (syn.post[s] !== s % syn.nPost) return false;
  return true;
}
interface Continuous {
  projection: ProjectionPlan; synapses: Synapses; state: Float64Array | null;
  /** Diffusion: sub-steps per step, their length, how many sub-steps a release lasts, (alpha, beta, T). */
  release: { sub: number; h: number; lasts: number; params: Float64Array } | null;
  /** Per copy and synapse, this step's current into the target and into the source, kept only where record.synapseProbes reads them. */
  iTarget: Float64Array | null; iSource: Float64Array | null;
}

/** Reads src[(copy · size + index) · stride]: a population's variable (stride 1) or a synapse's (the diffusion state: stride 4). */
interface ProbeSampler { probe: ProbeSpec; src: Float64Array | Float32Array; size: number; stride: number; pending: Chemical[]; values: Float64Array }

export class CpuEngine {
  readonly precision: 'f64' | 'f32';
  private readonly r: (x: number) => number;
  readonly S: Float64Array[][];
  private readonly P: (Float64Array | null)[][];
  private readonly I: Float64Array[];
  private readonly R: (Int32Array | null)[];
  private readonly RS: (Int32Array | null)[];
  private readonly steps: PopulationStep[];
  /** What each step was compiled from, for worker threads to compile the same. */
  private readonly sources: StepSource[];
  private readonly inputs: CpuInputs;
  private readonly targets: { I: Float64Array[]; S: Float64Array[][] };
  private readonly chemical: Chemical[] = [];
  private readonly continuous: Continuous[] = [];
  private readonly ringSize: number;
  private readonly out: Int32Array[];
  private readonly release: ArrayStep;
  private readonly releaseState = new Float64Array(1);
  /** Per population: this step's currents of electrical and diffusion synapses. */
  private readonly cont: Float64Array[];
  private readonly counts: Uint32Array;
  readonly failures: CopyFailure[] = [];
  private readonly frozen: Uint8Array;
  step = 0;
  /**
   * Steps between yields to the event loop (progress, abort, a page that stays responsive): 200,
   * fewer for large networks, so a slice is about 2·10⁵ neuron-steps (a 10⁶-neuron network yields every step).
   */
  get slice(): number { return Math.max(1, Math.min(200, Math.round(2e5 / (this.plan.copies * this.plan.n)))); }
  readonly threads: number;
  private pool: ThreadPool | null = null;

  /** The engine, with its worker threads started when options.threads > 1. */
  static async create(plan: Plan, options: CpuEngineOptions = {}): Promise<CpuEngine> {
    const engine = new CpuEngine(plan, options);
    if (engine.threads > 1) {
      const [k0, k1] = engine.inputs.seedKey, sd = engine.inputs.noiseIntoI ? engine.inputs.sigmaArrays : null;
      engine.pool = await ThreadPool.start({
        pops: plan.populations.map((p) => ({
          S: engine.S[p.index]!, P: engine.P[p.index]!, I: engine.I[p.index]!, R: engine.R[p.index] ?? null, RS: engine.RS[p.index] ?? null,
          sd: sd ? sd[p.index]! : null, size: p.size, start: p.start, ...engine.sources[p.index]!,
        })),
        n: plan.n, purpose: Purpose.noise, k0, k1, f32: engine.precision === 'f32', freeze: plan.freeze, frozen: engine.frozen,
        copies: plan.copies, threads: engine.threads, steps: engine.steps,
      });
    }
    return engine;
  }

  private constructor(readonly plan: Plan, options: CpuEngineOptions = {}) {
    this.precision = options.precision ?? 'f64';
    this.failedScratch = new Int32Array(1 + 2 * plan.copies);
    this.threads = options.threads ?? 1;
    const r = (this.r = this.precision === 'f32' ? Math.fround : (x: number) => x);
    const B = plan.copies;
    // With worker threads, what they read or write lives in SharedArrayBuffers.
    const shared = this.threads > 1;
    const f64 = shared ? sharedF64 : (n: number) => new Float64Array(n), i32 = shared ? sharedI32 : (n: number) => new Int32Array(n);
    const round = (a: Float64Array) => { const x = f64(a.length); x.set(this.precision === 'f32' ? a.map(Math.fround) : a); return x; };
    this.S = plan.populations.map((p) => p.init.map(round));
    this.P = plan.populations.map((p) => p.params.map((x) => (typeof x === 'number' ? null : round(x))));
    this.I = plan.populations.map((p) => f64(B * p.size));
    this.R = plan.populations.map((p) => (p.refractory === null ? null : i32(B * p.size)));
    const copyI32 = (a: Int32Array) => { const x = i32(a.length); x.set(a); return x; };
    this.RS = plan.populations.map((p) => (p.refractory instanceof Int32Array ? (shared ? copyI32(p.refractory) : p.refractory) : null));
    const compiled = plan.populations.map((p) => populationStep(p, plan.dt, this.precision));
    this.steps = compiled.map((c) => c.step);
    this.sources = compiled.map((c) => c.source);
    this.out = plan.populations.map((p) => new Int32Array(B * p.size + 1));
    this.frozen = shared ? new Uint8Array(new SharedArrayBuffer(B)) : new Uint8Array(B);
    this.inputs = new CpuInputs(plan, r, this.frozen, f64);
    this.targets = { I: this.I, S: this.S };
    this.release = arrayStepJs(RELEASE_MODEL, RELEASE_MODEL.integrator, this.precision);
    this.cont = plan.populations.map((p) => new Float64Array(plan.projections.some((pr) => pr.synapse.kind === 'electrical' || pr.synapse.kind === 'diffusion') ? B * p.size : 0));
    this.counts = new Uint32Array(B * plan.populations.length);
    let maxDelay = 0;
    for (const pr of plan.projections) {
      const synapses = buildSynapses(pr.spec, pr.index, plan.seed, pr.source, pr.target);
      if (this.precision === 'f32') {
        if (synapses.weight instanceof Float64Array) synapses.weight = synapses.weight.map(Math.fround);
        if (synapses.g2 instanceof Float64Array) synapses.g2 = synapses.g2.map(Math.fround);
      }
      maxDelay = Math.max(maxDelay, synapses.maxDelay);
      const size = B * pr.target.size, s = pr.synapse;
      if (s.kind === 'pulse' || s.kind === 'exponential') {
        const tau = s.kind === 'exponential' && s.target === 'I' ? s.tau! : null;
        const own = tau === null ? null : new Float64Array(size);
        this.chemical.push({ projection: pr, synapses, ring: new Float64Array(0), own, decay: tau === null ? 1 : r(Math.exp(-plan.dt / tau)), full: fullRows(synapses) });
      } else {
        // Diffusion: per synapse and copy r, release time, releasing, last V_pre.
        const values = s.kind === 'diffusion' ? releaseParameters(s) : null;
        const release = s.kind === 'diffusion' ? {
          sub: s.substeps ?? 1, h: plan.dt / (s.substeps ?? 1), lasts: (s.maxRelease ?? Math.round(1 / plan.dt)) * (s.substeps ?? 1),
          params: Float64Array.from(RELEASE_MODEL.parameters, (name) => r(values![name]!)),
        } : null;
        const probed = (variable: string) => (plan.network.record?.synapseProbes ?? []).some((q) => q.projection === pr.spec.name && q.variable === variable);
        const currents = (variable: string) => (probed(variable) ? new Float64Array(B * synapses.post.length) : null);
        this.continuous.push({ projection: pr, synapses, state: s.kind === 'diffusion' ? new Float64Array(4 * B * synapses.post.length) : null, release, iTarget: currents('i'), iSource: currents('i_source') });
      }
    }
    this.ringSize = maxDelay + 1;
    for (const c of this.chemical) c.ring = new Float64Array(this.ringSize * B * c.projection.target.size);
    for (const c of this.continuous) {
      if (!c.state) continue;
      const v = this.S[c.projection.source.index]![0]!;
      for (let b = 0; b < B; b++) {
        for (let i = 0; i < c.synapses.nPre; i++) {
          for (let s = c.synapses.rowStart[i]!; s < c.synapses.rowStart[i + 1]!; s++) c.state[4 * (b * c.synapses.post.length + s) + 3] = v[b * c.projection.source.size + i]!;
        }
      }
    }
  }

  private live = (copy: number) => this.frozen[copy] === 0;
  private sampled: { rec: Recorder; probes: ProbeSampler[] } | null = null;
  /** stepRange's failures, [count, population, element, …]: one per copy at most. */
  private readonly failedScratch: Int32Array;

  /** Advances `steps` steps, recording into `rec`; throws NonFiniteStateError (policy 'stop'). */
  advance(steps: number, rec: Recorder): void {
    // Made once per recorder: a 10⁶-neuron network advances one step per slice.
    if (this.sampled?.rec !== rec) this.sampled = { rec, probes: this.probeSamplers(rec) };
    const probes = this.sampled.probes;
    // Counted step by step: after a failure, the steps before it stay counted with their recordings.
    for (let k = 0; k < steps; k++, this.step++) this.stepOnce(this.step, rec, probes);
  }

  private stepOnce(t: number, rec: Recorder, probes: readonly ProbeSampler[]): void {
    const { plan, r } = this;
    const B = plan.copies;
    for (const I of this.I) I.fill(0);
    const slot = t % this.ringSize;
    // Arrivals: jumps into state variables and I, or the synapse's own decaying current.
    for (const c of this.chemical) {
      const p = c.projection.target, size = B * p.size, ring = c.ring, at = slot * size;
      const into = c.projection.variable >= 0 ? this.S[p.index]![c.projection.variable]! : this.I[p.index]!;
      if (c.own) {
        for (let e = 0; e < size; e++) { c.own[e] = r(r(c.own[e]! * c.decay) + ring[at + e]!); into[e] = r(into[e]! + c.own[e]!); }
      } else {
        for (let e = 0; e < size; e++) if (ring[at + e] !== 0) into[e] = r(into[e]! + ring[at + e]!);
      }
      ring.fill(0, at, at + size);
    }
    // Electrical and diffusion synapses read the voltages the step starts with (the arrivals' jumps included), then the inputs.
    if (this.continuous.length > 0) {
      for (const c of this.cont) c.fill(0);
      for (const c of this.continuous) this.continuousCurrents(c);
      for (let q = 0; q < this.I.length; q++) { const I = this.I[q]!, c = this.cont[q]!; for (let e = 0; e < I.length; e++) I[e] = r(I[e]! + c[e]!); }
    }
    // Every neuron's step (with worker threads: the noise into I too, then their results in element order).
    const pool = this.pool;
    if (pool) this.threadedPhases(pool, t);
    else this.inputs.apply(t, this.targets);
    for (const p of plan.populations) {
      const out = this.out[p.index]!;
      if (pool) {
        if (pool.failed()) pool.failures(p.index, (bad) => this.nonFinite(p, bad, t));
        pool.collect(p.index, out);
      } else {
        // The loop each worker runs over its range, here over the whole population.
        out[0] = 0;
        const failed = this.failedScratch;
        failed[0] = 0;
        stepRange(this.steps[p.index]!, this.S[p.index]!, this.P[p.index]!, this.I[p.index]!, this.R[p.index]!, this.RS[p.index]!, 0, B * p.size, p.size, p.index, this.frozen, plan.freeze, out, failed);
        for (let k = 0; k < failed[0]!; k++) this.nonFinite(p, failed[2 + 2 * k]!, t);
      }
    }
    // Recorded once every population has stepped: a step that fails records nothing of itself.
    this.counts.fill(0);
    for (const p of plan.populations) {
      const out = this.out[p.index]!;
      rec.count(p.index, out[0]!);
      for (let q = 1; q <= out[0]!; q++) {
        const e = out[q]!, b = Math.floor(e / p.size);
        rec.spike(t, p.index, e - b * p.size, b);
        this.counts[b * plan.populations.length + p.index]!++;
      }
    }
    if (plan.recordRates) rec.rates(this.counts);
    // Spikes travel: a spike at step t arrives before the integration of step t + 1 + delay.
    for (const c of this.chemical) this.propagate(c, this.out[c.projection.source.index]!, t);
    this.sample(t, rec, probes);
  }

  /** Step t's inputs and neuron steps with worker threads: one phase when the noise is the only input, else noise, the rest here, steps. */
  private threadedPhases(pool: ThreadPool, t: number): void {
    const inputs = this.inputs;
    if (inputs.noiseIntoI) inputs.sigmas(t);  // σ of step t, in shared memory, before the draws
    if (inputs.noiseIntoI && !inputs.more) { pool.run(NOISE | STEP, t); return; }
    if (inputs.noiseIntoI) pool.run(NOISE, t);
    inputs.applyRest(t, this.targets);
    pool.run(STEP, t);
  }

  /** Ends the worker threads, if any. */
  destroy(): void { this.pool?.destroy(); }

  /** Resolves when the worker threads have exited (at once without any). */
  get exited(): Promise<void> { return this.pool?.exited ?? Promise.resolve(); }

  /** `spikes`: the source's count, then its spiking elements. */
  private propagate(c: Chemical, spikes: Int32Array, t: number): void {
    const syn = c.synapses, src = c.projection.source, nPost = c.projection.target.size, R = this.ringSize;
    const size = this.plan.copies * nPost, perCopy = c.projection.weightPerCopy, ring = c.ring, post = syn.post, rowStart = syn.rowStart;
    const weights = typeof syn.weight === 'number' ? null : syn.weight, delays = typeof syn.delay === 'number' ? null : syn.delay;
    const f32 = this.precision === 'f32';
    for (let q = 1; q <= spikes[0]!; q++) {
      const e = spikes[q]!, b = Math.floor(e / src.size), i = e - b * src.size;
      if (!this.live(b)) continue;
      const from = rowStart[i]!, to = rowStart[i + 1]!;
      const w0 = perCopy ? this.r(perCopy[b]!) : (syn.weight as number);
      // The common cases without a branch per synapse: one delay; weights per synapse or one for all.
      if (!delays) {
        const base = ((t + 1 + (syn.delay as number)) % R) * size + b * nPost;
        if (weights && !perCopy) {
          if (f32) for (let s = from; s < to; s++) { const k = base + post[s]!; ring[k] = Math.fround(ring[k]! + weights[s]!); }
          else if (c.full) for (let s = from, k = base; s < to; s++, k++) ring[k]! += weights[s]!;
          else for (let s = from; s < to; s++) ring[base + post[s]!]! += weights[s]!;
        } else if (f32) for (let s = from; s < to; s++) { const k = base + post[s]!; ring[k] = Math.fround(ring[k]! + w0); }
        else for (let s = from; s < to; s++) ring[base + post[s]!]! += w0;
        continue;
      }
      for (let s = from; s < to; s++) {
        const k = ((t + 1 + delays[s]!) % R) * size + b * nPost + post[s]!;
        ring[k] = this.r(ring[k]! + (weights && !perCopy ? weights[s]! : w0));
      }
    }
  }

  /** Neun's electrical and diffusion synapses: currents from this step's voltages, into I. */
  private continuousCurrents(c: Continuous): void {
    const { plan, r } = this, syn = c.synapses, pr = c.projection, B = plan.copies, M = syn.post.length;
    const Vs = this.S[pr.source.index]![0]!, Vt = this.S[pr.target.index]![0]!;
    const Is = this.cont[pr.source.index]!, It = this.cont[pr.target.index]!;
    const s = pr.synapse, x = this.releaseState;
    for (let b = 0; b < B; b++) {
      if (!this.live(b)) continue;
      for (let i = 0; i < syn.nPre; i++) {
        const es = b * pr.source.size + i, va = Vs[es]!;
        for (let q = syn.rowStart[i]!; q < syn.rowStart[i + 1]!; q++) {
          const et = b * pr.target.size + syn.post[q]!, vb = Vt[et]!;
          const w = pr.weightPerCopy ? r(pr.weightPerCopy[b]!) : typeof syn.weight === 'number' ? syn.weight : syn.weight[q]!;
          if (s.kind === 'electrical') {
            // Without g2 the coupling is symmetric: the weight (also when it varies per copy).
            const g2 = s.g2 === undefined ? w : typeof syn.g2 === 'number' ? syn.g2 : syn.g2![q]!;
            const is = r(w * r(vb - va)), it = r(g2 * r(va - vb));
            Is[es] = r(Is[es]! + is);
            It[et] = r(It[et]! + it);
            if (c.iSource) c.iSource[b * M + q] = is;
            if (c.iTarget) c.iTarget[b * M + q] = it;
            continue;
          }
          if (s.kind !== 'diffusion') continue;
          // Release starts on an upward crossing of the threshold by V_pre and lasts maxRelease steps,
          // counted in whole sub-steps (o + 1), so both backends stop it at the same one.
          const o = 4 * (b * M + q), st = c.state!, { sub, h, lasts, params } = c.release!;
          for (let k = 0; k < sub; k++) {
            if (st[o + 3]! < s.threshold && va >= s.threshold) { st[o + 2] = 1; st[o + 1] = 0; }
            if (st[o + 2]! > 0.5) { st[o + 1] = st[o + 1]! + 1; if (st[o + 1]! > lasts) st[o + 2] = 0; }
            x[0] = st[o]!;
            this.release(x, params, st[o + 2]!, h);
            st[o] = x[0];
            st[o + 3] = va;
          }
          const it = r(r(w * st[o]!) * r(vb - s.esyn));
          It[et] = r(It[et]! + it);
          if (c.iTarget) c.iTarget[b * M + q] = it;
        }
      }
    }
  }

  private nonFinite(p: PopulationPlan, element: number, t: number): void {
    const b = Math.floor(element / p.size), neuron = element - b * p.size;
    if (!this.plan.freeze) throw new NonFiniteStateError(p.start + neuron, t, this.plan.dt, this.plan.copies > 1 ? b : undefined);
    this.frozen[b] = 1;
    this.failures.push({ copy: b, population: p.name, neuron, step: t });
  }

  /**
   * Probes after step t: a state variable as the next step starts from it, so with the jumps of
   * the spikes that arrive then (Brian2's StateMonitor sees them so); I as this step's input.
   */
  private sample(t: number, rec: Recorder, probes: readonly ProbeSampler[]): void {
    const next = ((t + 1) % this.ringSize) * this.plan.copies;
    for (let q = 0; q < probes.length; q++) {
      const { probe, src, size, stride, pending, values } = probes[q]!, neurons = probe.neurons, m = neurons.length;
      if ((t + 1) % probe.every !== 0) continue;
      for (let b = 0; b < this.plan.copies; b++) {
        for (let j = 0; j < m; j++) {
          let x = src[(b * size + neurons[j]!) * stride]!;
          for (const c of pending) x = this.r(x + c.ring[(next + b) * size + neurons[j]!]!);
          values[b * m + j] = x;
        }
      }
      rec.sample(q, values);
    }
  }

  /** Each probe's source array, the chemical synapses whose arrivals it sees, and its scratch values (the recorder copies them). */
  private probeSamplers(rec: Recorder): ProbeSampler[] {
    return rec.probes.map((probe) => {
      if (probe.projection !== undefined) {
        // A synapse's current (i, i_source) or its diffusion state r (the first of 4 words per synapse).
        const c = this.continuous.find((x) => x.projection.index === probe.projection)!, M = c.synapses.post.length;
        const src = probe.variable === 0 ? c.iTarget! : probe.variable === 1 ? c.iSource! : c.state!;
        return { probe, size: M, stride: probe.variable === 2 ? 4 : 1, src, pending: [], values: new Float64Array(this.plan.copies * probe.neurons.length) };
      }
      const p = this.plan.populations[probe.population]!;
      return {
        probe, size: p.size, stride: 1,
        src: probe.variable < 0 ? this.I[p.index]! : this.S[p.index]![probe.variable]!,
        pending: probe.variable < 0 ? [] : this.chemical.filter((c) => c.projection.target === p && c.projection.variable === probe.variable),
        values: new Float64Array(this.plan.copies * probe.neurons.length),
      };
    });
  }

  /** Synapses each projection holds, in the description's order. */
  synapseCounts(): number[] { return this.built().map((s) => s.post.length); }

  /** The most synapses a target neuron receives from each projection. */
  maxInDegrees(): number[] { return this.built().map(maxInDegree); }

  private built(): Synapses[] {
    const built = [...this.chemical, ...this.continuous];
    return this.plan.projections.map((pr) => built.find((c) => c.projection === pr)!.synapses);
  }

  /** The values of external input `index` the caller writes, [copy · size + neuron]; added to each later step. */
  externalInput(index: number): Float64Array { return this.inputs.external[index]!; }

  /** A copy of one state variable of one population, [copy · size + neuron]. */
  readState(population: number, variable: number): Float64Array {
    return this.S[population]![variable]!.slice();
  }
}
