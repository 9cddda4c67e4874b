// A sparse description compiled once into what both backends execute: index ranges, the initial
// state and per-neuron parameters (rounded to f32 once, so both backends start identically), the
// projections' build specs, and the fixed-point synaptic scales once the connectivity is known.
import { IZHIKEVICH_TYPES } from '../models/izhikevich';
import { NetworkValidationError, formatBytes } from '../network/validate';
import { COBAHH_PARAMS, type CobahhParams } from '../models/cobahh';
import { MODELS } from '../models/registry';
import { PhiloxStream, Purpose } from '../rng/philox';
import { type BuildSpec, expectedSynapses } from '../compile/csr';
import { fixedScale, uniformFixed } from '../engine/gpu_layout';
import { SPARSE_TRACE_VARIABLES, type SparseModel, type SparseNetworkDescription, SYNAPTIC_TARGETS, assertValidSparse } from './description';

export interface SparseRange { name: string; start: number; size: number }

export interface SparseProjectionPlan {
  pre: SparseRange;
  post: SparseRange;
  build: BuildSpec;
  target: number;
  delay: number;
  weight: { low: number; high: number; list: ArrayLike<number> | null };
}

export interface SparsePlan {
  model: SparseModel;
  n: number;
  dt: number;
  seed: number;
  ranges: SparseRange[];
  /** State variables, structure of arrays [var · n + i] (COBAHH: v m h n ge gi; Izhikevich: v u). */
  variables: readonly string[];
  state0: Float32Array;
  /** Izhikevich: a, b, c, d, σ per neuron, [k · n + i]; empty for COBAHH. */
  coef: Float32Array;
  cobahh: CobahhParams;
  /** COBAHH's refractory period in steps. */
  refractorySteps: number;
  targets: number;
  /** Accumulator slots per neuron and target: the longest delay + 1. */
  ring: number;
  projections: SparseProjectionPlan[];
  recordSpikes: boolean;
  recordRates: boolean;
  /** Neurons whose traceVariables are recorded after every step (global indices, in the description's order). */
  traced: Int32Array;
  traceVariables: readonly string[];
}

/** Compiles a description (validated here); throws SparseValidationError naming the field. */
export function compileSparse(d: SparseNetworkDescription): SparsePlan {
  assertValidSparse(d);
  const ranges: SparseRange[] = [];
  let n = 0;
  for (const p of d.populations) { ranges.push({ name: p.name, start: n, size: p.size }); n += p.size; }
  const byName = new Map(ranges.map((r) => [r.name, r]));
  const variables = d.model === 'cobahh' ? MODELS.cobahh!.variables : (['v', 'u'] as const);
  const state0 = new Float32Array(variables.length * n);
  const cob = { ...COBAHH_PARAMS, ...(d.cobahh ?? {}) };
  let coef = new Float32Array(0);
  const init = new PhiloxStream(d.seed, Purpose.init);
  if (d.model === 'cobahh') {
    // docs/models.md#cobahh: v = EL + 5·N(0,1) − 5 mV, ge = (1.5·N + 4)·10 nS, gi = (12·N + 20)·10 nS; gates at 0 (Brian2's default).
    for (let i = 0; i < n; i++) {
      state0[i] = cob.el + 5 * init.normal(i, 0) - 5;
      state0[4 * n + i] = (1.5 * init.normal(i, 1) + 4) * 10;
      state0[5 * n + i] = (12 * init.normal(i, 2) + 20) * 10;
    }
  } else {
    coef = new Float32Array(5 * n);
    const hetero = new PhiloxStream(d.seed, Purpose.params);
    d.populations.forEach((p, pi) => {
      const base = IZHIKEVICH_TYPES[p.type ?? 'RS'];
      for (let k = 0; k < p.size; k++) {
        const i = ranges[pi]!.start + k;
        let { a, b, c, d: dd } = base;
        const r = p.heterogeneity && p.heterogeneity !== 'none' ? hetero.uniform(i, 0) : 0;
        if (p.heterogeneity === 'excitatory') { c += 15 * r * r; dd -= 6 * r * r; }
        if (p.heterogeneity === 'inhibitory') { a += 0.08 * r; b -= 0.05 * r; }
        [a, b, c, dd, p.noise ?? 0].forEach((x, slot) => { coef[slot * n + i] = x; });
        state0[i] = -65;
        state0[n + i] = Math.fround(b) * -65;
      }
    });
  }
  const targetNames = SYNAPTIC_TARGETS[d.model];
  const projections = d.projections.map((pr, k): SparseProjectionPlan => {
    const pre = byName.get(pr.pre)!, post = byName.get(pr.post)!;
    const w = pr.weight;
    const [low, high] = typeof w === 'number' ? [w, w] : w.uniform;
    const list = pr.connect.rule === 'list' && pr.connect.weight ? pr.connect.weight : null;
    return {
      pre, post, target: targetNames.indexOf(pr.target), delay: pr.delay ?? 0,
      weight: { low, high, list },
      build: {
        connect: pr.connect, nPre: pre.size, nPost: post.size, stream: k, seed: d.seed,
        noSelf: pre === post && !pr.autapses, randomWeights: low !== high && !list,
      },
    };
  });
  return {
    model: d.model, n, dt: d.dt, seed: d.seed, ranges, variables, state0, coef, cobahh: cob,
    refractorySteps: Math.round(cob.refractory / d.dt), targets: targetNames.length,
    ring: 1 + Math.max(0, ...projections.map((p) => p.delay)), projections,
    recordSpikes: d.record?.spikes ?? true, recordRates: d.record?.rates ?? true,
    traced: Int32Array.from(d.record?.traces ?? []), traceVariables: SPARSE_TRACE_VARIABLES[d.model],
  };
}

/** A projection's weights in fixed point: mode 0 one weight, 1 uniform from the raw word, 2 per synapse. */
export interface QuantisedWeight { mode: 0 | 1 | 2; constant: number; low: number; span: number }

/**
 * Fixed-point scales per target: the largest power of two at which the largest possible input of
 * one step (Σ over projections of max |w| × max in-degree) still fits an i32. Integer sums are
 * exact in any order, so the GPU's atomics and the CPU's loop add exactly the same numbers.
 */
export function fixedPointScales(plan: SparsePlan, maxInDegree: readonly number[]): { scales: number[]; weights: QuantisedWeight[] } {
  const bound = new Array<number>(plan.targets).fill(0);
  plan.projections.forEach((p, k) => {
    let maxW = Math.max(Math.abs(p.weight.low), Math.abs(p.weight.high));
    if (p.weight.list) for (let s = 0; s < p.weight.list.length; s++) maxW = Math.max(maxW, Math.abs(p.weight.list[s]!));
    bound[p.target]! += maxW * maxInDegree[k]!;
  });
  const scales = bound.map(fixedScale);
  const weights = plan.projections.map((p): QuantisedWeight => {
    const s = scales[p.target]!;
    if (p.weight.list) return { mode: 2, constant: 0, low: 0, span: 0 };
    if (p.build.randomWeights) return { mode: 1, constant: 0, ...uniformFixed({ uniform: [p.weight.low, p.weight.high] }, s) };
    return { mode: 0, constant: Math.round(p.weight.low * s), low: 0, span: 0 };
  });
  return { scales, weights };
}

/**
 * Bytes of each GPU buffer a plan needs, known before anything is built or allocated.
 * `procedural[q]`: projection q is drawn again at each spike, so it stores no synapses.
 */
export function sparseFootprint(plan: SparsePlan, chunkSteps: number, spikeCapacity: number, procedural: readonly boolean[] = []) {
  const n = plan.n;
  let synapses = 0, rowStarts = 0, buildTemps = 0;
  for (const [q, p] of plan.projections.entries()) {
    const b = p.build;
    buildTemps += 4 * (3 * b.nPre + b.nPost + 2); // row lengths, row starts, fill cursors, in-degrees: all alive until the build ends
    if (procedural[q]) continue;
    let e = expectedSynapses(b.connect, b.nPre, b.nPost, b.noSelf);
    if (b.connect.rule === 'fixed-probability') e += 6 * Math.sqrt(e); // row lengths are random: a 6σ margin
    const perSynapse = b.randomWeights || p.weight.list ? 8 : 4;
    synapses += Math.ceil(e) * perSynapse;
    rowStarts += 4 * (b.nPre + 1);
  }
  const records = 4 * recordWords(plan, chunkSteps, spikeCapacity);
  return {
    state: 4 * stateWords(plan) + 4 * n,
    accumulators: 4 * plan.ring * plan.targets * n,
    spikeLists: 4 * (2 + 2 * n),
    /** Two records buffers (chunks alternate) and their two readback copies. */
    records: 4 * records,
    synapses,
    rowStarts,
    buildTemps,
  };
}

/**
 * Words of the GPU's state buffer: the state variables, Izhikevich's coefficients, and when
 * Izhikevich neurons are traced a row for each neuron's input current of the step (I), which
 * only traces read.
 */
export function stateWords(plan: SparsePlan): number {
  return plan.state0.length + plan.coef.length + (plan.model === 'izhikevich' && plan.traced.length ? plan.n : 0);
}

/** Words before the rates, traces and spike pairs in the records buffer: count, bad count, bad step, bad neuron, steps run. */
export const RECORD_HEADER = 5;

/** Word of the records buffer where the traces start: after the header and, if on, a chunk of `k` steps' rates. */
export function tracesBase(plan: SparsePlan, k: number): number {
  return RECORD_HEADER + (plan.recordRates ? k * plan.ranges.length : 0);
}

/** Word where the spike pairs start: after the traces of a chunk of `k` steps ([step][neuron][variable]). */
export function pairsBase(plan: SparsePlan, k: number): number {
  return tracesBase(plan, k) + k * plan.traced.length * plan.traceVariables.length;
}

/** Words of the records buffer for chunks of `k` steps: header, rates if on, traces, spike pairs if on. */
export function recordWords(plan: SparsePlan, k: number, capacity: number): number {
  return pairsBase(plan, k) + (plan.recordSpikes ? 2 * capacity : 0);
}

export function totalBytes(f: Record<string, number>): number {
  return Object.values(f).reduce((a, b) => a + b, 0);
}

/** Refuses a network whose estimate exceeds `limit` bytes, before anything is allocated; `hint` ends the message. */
export function checkSparseMemory(plan: SparsePlan, footprint: Record<string, number>, limit: number, holder: string, hint = ''): void {
  const total = totalBytes(footprint);
  if (total <= limit) return;
  const parts = Object.entries(footprint).filter(([, b]) => b > 0).map(([k, b]) => `${k} ${formatBytes(b)}`).join(', ');
  throw new NetworkValidationError([{
    path: 'populations',
    message: `this network of ${plan.n} neurons needs about ${formatBytes(total)} (${parts}); ${holder} allows ${formatBytes(limit)}${hint}`,
  }]);
}
