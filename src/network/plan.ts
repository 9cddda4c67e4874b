// Plan: a validated description compiled once into the flat per-neuron arrays a step needs.
// Both backends execute the same plan, so they start from bit-identical parameters and weights.
import { IZHIKEVICH_TYPES, type NetworkDescription, type Target, type Values } from './description';
import { NetworkValidationError, assertValidNetwork } from './validate';
import { PhiloxStream, Purpose, uniform01 } from '../rng/philox';

export const NO_TRACE = 0xffffffff;
export const NEVER = 0xffffffff;

export interface PopulationRange { name: string; start: number; size: number }

export interface Plan {
  n: number;
  dt: number;
  scheme: 'izhikevich2003' | 'euler';
  seed: number;
  populations: PopulationRange[];
  /** a, b, c, d interleaved per neuron (n × 4). */
  coef: Float64Array;
  v0: Float64Array;
  u0: Float64Array;
  threshold: Float64Array;
  /** Noise σ per neuron (independent noise inputs combine as √Σσ²). */
  sigma: Float64Array;
  /** Constant input per neuron, on for steps on ≤ t < off. */
  amp: Float64Array;
  on: Uint32Array;
  off: Uint32Array;
  /** S transposed, wT[pre·n + post], f32 on both backends; null without connectivity. */
  weightsT: Float32Array | null;
  /** Global indices of the traced neurons, in the order given. */
  traced: Int32Array;
  recordSpikes: boolean;
}

function valueAt(x: Values | undefined, k: number, fallback: number): number {
  if (x === undefined) return fallback;
  return typeof x === 'number' ? x : x[k]!;
}

function targetIndices(t: Target, pops: Map<string, PopulationRange>): number[] {
  const range = pops.get(typeof t === 'string' ? t : t.population)!;
  const local = typeof t === 'string' || t.neurons === undefined ? [...Array(range.size).keys()] : t.neurons;
  return local.map((k) => range.start + k);
}

export function neuronCount(desc: NetworkDescription): number {
  return desc.populations.reduce((s, p) => s + p.size, 0);
}

/** Compiles a description (validated here) into a plan; throws NetworkValidationError. */
export function compilePlan(desc: NetworkDescription): Plan {
  assertValidNetwork(desc);
  const n = neuronCount(desc);
  const ranges: PopulationRange[] = [];
  const byName = new Map<string, PopulationRange>();
  let start = 0;
  for (const p of desc.populations) {
    const r = { name: p.name, start, size: p.size };
    ranges.push(r);
    byName.set(p.name, r);
    start += p.size;
  }

  const coef = new Float64Array(4 * n);
  const v0 = new Float64Array(n), u0 = new Float64Array(n), threshold = new Float64Array(n);
  const hetero = new PhiloxStream(desc.seed, Purpose.params);
  desc.populations.forEach((p, pi) => {
    const base = IZHIKEVICH_TYPES[p.type ?? 'RS'];
    for (let k = 0; k < p.size; k++) {
      const i = ranges[pi]!.start + k;
      let a = valueAt(p.params?.a, k, base.a), b = valueAt(p.params?.b, k, base.b);
      let c = valueAt(p.params?.c, k, base.c), d = valueAt(p.params?.d, k, base.d);
      if (p.heterogeneity === 'excitatory') {
        const r = hetero.uniform(i, 0);
        c += 15 * r * r;
        d -= 6 * r * r;
      } else if (p.heterogeneity === 'inhibitory') {
        const r = hetero.uniform(i, 0);
        a += 0.08 * r;
        b -= 0.05 * r;
      }
      coef.set([a, b, c, d], 4 * i);
      v0[i] = valueAt(p.init?.v, k, -65);
      u0[i] = valueAt(p.init?.u, k, b * v0[i]!);
      threshold[i] = p.threshold ?? 30;
    }
  });

  const variance = new Float64Array(n);
  const amp = new Float64Array(n);
  const on = new Uint32Array(n);
  const off = new Uint32Array(n).fill(NEVER);
  const windowOwner = new Int32Array(n).fill(-1);
  const issues: { path: string; message: string }[] = [];
  (desc.inputs ?? []).forEach((inp, k) => {
    const idx = targetIndices(inp.target, byName);
    if (inp.type === 'noise') {
      for (const i of idx) variance[i]! += inp.sigma * inp.sigma;
      return;
    }
    // Step indices are u32 on the GPU: a window beyond 2³² − 1 steps is open-ended.
    const s0 = Math.min(NEVER, Math.round((inp.start ?? 0) / desc.dt));
    const s1 = inp.stop === undefined ? NEVER : Math.min(NEVER, Math.round(inp.stop / desc.dt));
    idx.forEach((i, j) => {
      if (windowOwner[i] >= 0 && (on[i] !== s0 || off[i] !== s1)) {
        issues.push({
          path: `inputs[${k}]`,
          message: `neuron ${i} already has a constant input with another time window (inputs[${windowOwner[i]}]); one window per neuron is supported`,
        });
        return;
      }
      windowOwner[i] = k;
      on[i] = s0;
      off[i] = s1;
      amp[i]! += valueAt(inp.amplitude, j, 0);
    });
  });
  if (issues.length > 0) throw new NetworkValidationError(issues.slice(0, 1));

  return {
    n,
    dt: desc.dt,
    scheme: desc.integrator,
    seed: desc.seed,
    populations: ranges,
    coef, v0, u0, threshold,
    sigma: variance.map(Math.sqrt),
    amp, on, off,
    weightsT: buildWeights(desc, n, ranges),
    traced: Int32Array.from(desc.record?.traces ?? []),
    recordSpikes: desc.record?.spikes ?? true,
  };
}

function buildWeights(desc: NetworkDescription, n: number, ranges: PopulationRange[]): Float32Array | null {
  const c = desc.connectivity;
  if (!c) return null;
  const wT = new Float32Array(n * n);
  if (c.type === 'dense') {
    for (let post = 0; post < n; post++) {
      for (let pre = 0; pre < n; pre++) wT[pre * n + post] = c.weights[post * n + pre]!;
    }
    return wT;
  }
  // Seed 002: S[i][j] = scale(pop of j) · U(0,1); four draws per Philox call along j.
  const rng = new PhiloxStream(desc.seed, Purpose.weights);
  const scaleOf = new Float64Array(n);
  for (const r of ranges) scaleOf.fill(c.scale[r.name] ?? 0, r.start, r.start + r.size);
  for (let post = 0; post < n; post++) {
    for (let block = 0; block < n; block += 4) {
      const w = rng.words(post, block >> 2);
      for (let k = 0; k < 4 && block + k < n; k++) {
        const pre = block + k;
        wT[pre * n + post] = scaleOf[pre]! * uniform01(w[k]!);
      }
    }
  }
  return wT;
}
