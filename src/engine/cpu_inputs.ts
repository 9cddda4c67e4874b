// External inputs of one step on the CPU (docs/network.md#inputs), in a fixed order: first the
// Gaussian noise of every noise input active on a neuron, as one draw with their variances summed
// (keyed by step and neuron: independent of the launch shape), then every other input in the
// description's order. A current goes into I; an input naming a state variable jumps it.
import type { InputPlan, Plan } from '../compile/plan.js';
import { Purpose, normalFromWords, philox4x32, seedKey, uniform01 } from '../rng/philox.js';
import { PHILOX_WASM, type PhiloxBlocks, philoxBlocks } from '../rng/philox_blocks.js';

/** Where one step's inputs land: I per population, and the state arrays for jumps. */
export interface InputTargets {
  I: Float64Array[];
  S: Float64Array[][];
}

const active = (t: number, start = 0, stop = Infinity) => t >= start && t < stop;

export class CpuInputs {
  private readonly live = (copy: number) => this.frozen[copy] === 0;
  private readonly key: [number, number];
  private readonly words = new Uint32Array(4);
  private readonly blocks: PhiloxBlocks = philoxBlocks(PHILOX_WASM);
  /** Per population, per element: the summed variance of the noise active this step. */
  private readonly variance: Float64Array[];
  private readonly noisy: InputPlan[];
  /** The noise inputs into a state variable (not I). */
  private readonly noisyState: InputPlan[];
  private readonly others: InputPlan[];
  /** Per population, per element: σ of the noise into I this step (shared memory when worker threads read it). */
  private readonly cached: Float64Array[];
  private count: Uint16Array[] | null = null;
  private last: Float64Array[] | null = null;
  private fresh = false;
  /** Each input's values per receiving neuron and copy, as the backend's precision holds them. */
  private readonly values: (Float64Array | null)[];
  /** Per input: the values an external input's caller writes, [copy · size + neuron] (null for other kinds). */
  readonly external: (Float64Array | null)[];
  /** No noise input has a time window: the σ per element never changes. */
  private readonly steady: boolean;

  /** The arrays sigmas() fills (one per population; none without noise inputs). */
  get sigmaArrays(): readonly Float64Array[] { return this.cached; }

  /** The seed's key words (k0, k1) for the noise draws. */
  get seedKey(): readonly [number, number] { return this.key; }

  constructor(
    private readonly plan: Plan, private readonly r: (x: number) => number, private readonly frozen: Uint8Array,
    alloc: (n: number) => Float64Array = (n) => new Float64Array(n),
  ) {
    this.key = seedKey(plan.seed);
    this.variance = plan.populations.map((p) => new Float64Array(plan.copies * p.size));
    this.noisy = plan.inputs.filter((i) => i.spec.kind === 'noise');
    this.noisyState = this.noisy.filter((i) => i.variable >= 0);
    this.others = plan.inputs.filter((i) => i.spec.kind !== 'noise');
    this.values = plan.inputs.map((i) => (i.values ? i.values.map(r) : null));
    this.external = plan.inputs.map((i) => (i.spec.kind === 'external' ? new Float64Array(plan.copies * i.target.size) : null));
    this.cached = this.noisy.length > 0 ? plan.populations.map((p) => alloc(plan.copies * p.size)) : [];
    this.steady = this.noisy.every((i) => (i.spec as { start?: number }).start === undefined && (i.spec as { stop?: number }).stop === undefined);
  }

  /** Adds step t's inputs to the copies that are not frozen. */
  apply(t: number, to: InputTargets): void {
    if (this.noisy.length > 0) this.applyNoise(t, to);
    this.applyRest(t, to);
  }

  /** Whether any noise goes into I (the draws worker threads may share out). */
  get noiseIntoI(): boolean { return this.noisy.length > this.noisyState.length; }

  /** Whether apply does more than the noise into I. */
  get more(): boolean { return this.noisyState.length > 0 || this.others.length > 0; }

  /** What follows the noise into I: noise into state variables, then every other input. */
  applyRest(t: number, to: InputTargets): void {
    const { plan, r, live } = this;
    if (this.noisyState.length > 0) this.applyNoiseState(t, to);
    for (const inp of this.others) {
      const s = inp.spec, p = inp.target, m = inp.neurons.length;
      const into = inp.variable < 0 ? to.I[p.index]! : to.S[p.index]![inp.variable]!;
      for (let c = 0; c < plan.copies; c++) {
        if (!live(c)) continue;
        const base = c * p.size;
        for (let k = 0; k < m; k++) {
          const e = base + inp.neurons[k]!;
          let x = 0;
          switch (s.kind) {
            case 'constant': if (active(t, s.start, s.stop)) x = this.values[inp.index]![c * m + k]!; break;
            case 'pulses': for (const q of s.pulses) if (active(t, q.start, q.start + q.duration)) x = r(x + r(q.amplitude)); break;
            case 'train': {
              const j = t - s.start;
              if (j >= 0 && j < (s.count - 1) * s.period + s.width && j % s.period < s.width) x = r(s.amplitude);
              break;
            }
            case 'waveform': {
              const j = t - (s.start ?? 0), idx = Math.floor(j / s.every);
              if (j < 0 || idx >= s.samples.length) break;
              let y = r(s.samples[idx]!);
              if (s.interpolation === 'linear' && idx + 1 < s.samples.length) y = r(y + r(r(r(s.samples[idx + 1]!) - y) * r((j % s.every) / s.every)));
              x = r(r(s.amplitude ?? 1) * y);
              break;
            }
            case 'external': x = r(this.external[inp.index]![e]!); break;
            case 'poisson': {
              if (!active(t, s.start, s.stop)) break;
              const g = c * plan.n + p.start + inp.neurons[k]!;
              const u = uniform01(philox4x32(t, g, Purpose.poisson, inp.index, this.key[0], this.key[1], this.words)[0]!);
              const events = poissonCount(inp.values![c * m + k]! * plan.dt / 1000, u);
              if (events > 0) x = r(events * r(s.weight));
              break;
            }
          }
          if (x !== 0) into[e] = r(into[e]! + x);
        }
      }
    }
  }

  /** Per population and element: σ of the noise into I active at step t (cached while no input has a time window). */
  sigmas(t: number): Float64Array[] {
    if (this.fresh && this.steady) return this.cached;
    const { plan } = this;
    this.count ??= plan.populations.map((p) => new Uint16Array(plan.copies * p.size));
    this.last ??= plan.populations.map((p) => new Float64Array(plan.copies * p.size));
    const { count, last } = this;
    for (const v of this.variance) v.fill(0);
    for (const c of count) c.fill(0);
    for (const inp of this.noisy) {
      const s = inp.spec as Extract<InputPlan['spec'], { kind: 'noise' }>;
      if (inp.variable >= 0 || !active(t, s.start, s.stop)) continue;
      const q = inp.target.index, m = inp.neurons.length;
      for (let c = 0; c < plan.copies; c++) {
        for (let k = 0; k < m; k++) {
          const e = c * inp.target.size + inp.neurons[k]!, x = this.values[inp.index]![c * m + k]!;
          if (x === 0) continue;
          this.variance[q]![e]! += x * x;
          count[q]![e]!++;
          last[q]![e] = x;
        }
      }
    }
    // One input: its σ as given; several: the square root of their summed variances (the GPU's rule).
    this.variance.forEach((v, q) => { const out = this.cached[q]!; for (let e = 0; e < v.length; e++) out[e] = count[q]![e] === 1 ? last[q]![e]! : Math.sqrt(v[e]!); });
    this.fresh = true;
    return this.cached;
  }

  private applyNoise(t: number, to: InputTargets): void {
    const { plan } = this, sigma = this.sigmas(t);
    for (const p of plan.populations) {
      addNoise(to.I[p.index]!, sigma[p.index]!, t, 0, plan.copies * p.size, p.size, plan.n, p.start, Purpose.noise, this.key[0], this.key[1], this.frozen, this.blocks, this.r, normalFromWords);
    }
  }

  /** Noise into a state variable: a draw of its own, counter word 3 = 1 + the input's index. */
  private applyNoiseState(t: number, to: InputTargets): void {
    const { plan, r, live } = this;
    for (const inp of this.noisyState) {
      if (!active(t, (inp.spec as { start?: number }).start, (inp.spec as { stop?: number }).stop)) continue;
      const S = to.S[inp.target.index]![inp.variable]!, m = inp.neurons.length;
      for (let c = 0; c < plan.copies; c++) {
        if (!live(c)) continue;
        for (let k = 0; k < m; k++) {
          const w = philox4x32(t, c * plan.n + inp.target.start + inp.neurons[k]!, Purpose.noise, 1 + inp.index, this.key[0], this.key[1], this.words);
          const e = c * inp.target.size + inp.neurons[k]!;
          S[e] = r(S[e]! + r(this.values[inp.index]![c * m + k]! * r(normalFromWords(w[0]!, w[1]!))));
        }
      }
    }
  }
}

/**
 * Adds step t's noise into I for elements from .. to − 1 of one population (element = copy · size
 * + neuron), skipping frozen copies and σ = 0: σ·N(0, 1), the normal keyed by (t, copy · n + start
 * + neuron, purpose, 0), so any split of the elements draws the same numbers. The words come in
 * blocks of consecutive counters (src/rng/philox_blocks.ts). Self-contained (the blocks and the
 * normal passed in): CPU worker threads run its source.
 */
export function addNoise(
  I: Float64Array, sd: Float64Array, t: number, from: number, to: number, size: number, n: number, start: number,
  purpose: number, k0: number, k1: number, frozen: Uint8Array, blocks: PhiloxBlocks, r: (x: number) => number,
  normal: typeof normalFromWords,
): void {
  const w = blocks.words;
  for (let c = Math.floor(from / size); c * size < to; c++) {
    if (frozen[c] !== 0) continue;
    const g = c * n + start - c * size, hi = Math.min(to, (c + 1) * size);
    for (let b = Math.max(from, c * size); b < hi; b += blocks.size) {
      // Draws only from the block's first to its last element with noise (σ = 0 elsewhere is common).
      let e0 = b, e1 = Math.min(hi, b + blocks.size);
      while (e0 < e1 && sd[e0] === 0) e0++;
      while (e1 > e0 && sd[e1 - 1] === 0) e1--;
      if (e0 === e1) continue;
      blocks.fill(t, g + e0, purpose, 0, k0, k1, e1 - e0);
      for (let e = e0; e < e1; e++) {
        if (sd[e] === 0) continue;
        const j = 4 * (e - e0);
        I[e] = r(I[e]! + r(r(sd[e]!) * r(normal(w[j]!, w[j + 1]!))));
      }
    }
  }
}

/** Events of a Poisson process with mean λ (at most 80) in one step, by inversion of one uniform u in [0, 1); shaders/poisson.wgsl is its GPU twin. */
export function poissonCount(lambda: number, uniform: number): number {
  if (lambda <= 0) return 0;
  const u = uniform + 2 ** -25;
  let k = 0, p = Math.exp(-lambda), cdf = p;
  while (u > cdf && k < 1000) {
    const next = p * (lambda / (k + 1));
    if (next < cdf * 2 ** -24) break; // where the GPU's f32 sum stops growing: u is in the tail
    k++; p = next; cdf += p;
  }
  return k;
}
