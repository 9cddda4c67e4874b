// Sparse networks: one neuron model over populations (contiguous index ranges) joined by sparse
// projections with delays. Plain JSON-serialisable data; nothing here knows about the GPU.
import { type IzhikevichType, IZHIKEVICH_TYPES } from '../network/description';
import { type ValidationIssue, NetworkValidationError, checkFiniteNumber, checkTraceList, describeValue, MAX_NEURONS } from '../network/validate';
import { COBAHH_PARAMS, COBAHH_WE, COBAHH_WI, type CobahhParams } from '../models/cobahh';
import type { ConnectRule } from '../compile/csr';

export type SparseModel = 'cobahh' | 'izhikevich';

/** Synaptic targets of each model: COBAHH's two conductances, Izhikevich's input current. */
export const SYNAPTIC_TARGETS: Record<SparseModel, readonly string[]> = { cobahh: ['ge', 'gi'], izhikevich: ['I'] };

export interface SparsePopulation {
  name: string;
  size: number;
  /** Izhikevich only: base type (RS when omitted) and the seed's per-neuron randomisation. */
  type?: IzhikevichType;
  heterogeneity?: 'none' | 'excitatory' | 'inhibitory';
  /** Izhikevich only: σ of the Gaussian input current drawn every step (the seed: 5 exc, 2 inh). */
  noise?: number;
}

export type SparseWeight = number | { uniform: [number, number] };

export interface Projection {
  pre: string;
  post: string;
  connect: ConnectRule;
  /** Synaptic increment: nS for COBAHH's ge/gi, the current's units for Izhikevich's I. */
  weight: SparseWeight;
  /** Which variable a spike increments (SYNAPTIC_TARGETS of the model). */
  target: string;
  /**
   * Axonal delay in steps: a spike at step s increments the target before the integration of
   * step s + 1 + delay (delay 0 is Brian2's default: the jump lands right after the spike).
   */
  delay?: number;
  /** Allow self-connections when pre and post are the same population (default false). */
  autapses?: boolean;
}

export interface SparseNetworkDescription {
  name?: string;
  model: SparseModel;
  /** ms */
  dt: number;
  seed: number;
  populations: SparsePopulation[];
  projections: Projection[];
  /** COBAHH only: overrides of its parameters (docs/models.md#cobahh). */
  cobahh?: Partial<CobahhParams>;
  /**
   * spikes: every (step, neuron), read back in chunks (default true);
   * rates: spikes per step and population, counted on the GPU (default true);
   * traces: these neurons' (global indices) state variables after every step, read back with each
   * chunk (SPARSE_TRACE_VARIABLES of the model; at most MAX_TRACED_NEURONS neurons).
   * All off: nothing is recorded or read back but the final state (pure speed runs).
   */
  record?: { spikes?: boolean; rates?: boolean; traces?: number[] };
}

/**
 * What a trace records of each traced neuron after every step (and its spikes' propagation):
 * COBAHH's state, ge and gi with the jumps of the spikes that arrive next (Brian2's value at the
 * start of the next step); Izhikevich's v and u and the step's input current I (synaptic input
 * and noise).
 */
export const SPARSE_TRACE_VARIABLES: Record<SparseModel, readonly string[]> = {
  cobahh: ['v', 'm', 'h', 'n', 'ge', 'gi'],
  izhikevich: ['v', 'u', 'I'],
};

/** Neurons one sparse simulation can trace (their list is a uniform of the GPU kernels). */
export const MAX_TRACED_NEURONS = 1024;

/** Longest delay in steps (the accumulator ring holds delay + 1 slots per neuron). */
export const MAX_DELAY_STEPS = 1024;

export class SparseValidationError extends NetworkValidationError {
  override name = 'SparseValidationError';
}

function checkRule(c: ConnectRule, nPre: number, nPost: number, at: string, report: (p: string, m: string) => void): void {
  if (typeof c !== 'object' || c === null) { report(at, 'must be a connection rule object'); return; }
  switch (c.rule) {
    case 'fixed-probability':
      if (checkFiniteNumber(c.p, `${at}.p`, report) && (c.p < 0 || c.p > 1)) report(`${at}.p`, `must be in [0, 1], got ${c.p}`);
      return;
    case 'fixed-in-degree':
    case 'fixed-out-degree': {
      const from = c.rule === 'fixed-in-degree' ? nPre : nPost;
      if (!Number.isInteger(c.k) || c.k < 0) report(`${at}.k`, `must be an integer ≥ 0, got ${describeValue(c.k)}`);
      else if (from < 1 && c.k > 0) report(`${at}.k`, 'needs at least one neuron to draw from');
      else if (c.k * (c.rule === 'fixed-in-degree' ? nPost : nPre) > 0xffffffff) report(`${at}.k`, `makes more than 2^32 − 1 synapses`);
      return;
    }
    case 'list': {
      const n = c.pre?.length;
      if (n === undefined || c.post?.length !== n) { report(`${at}.post`, 'pre and post must be arrays of the same length'); return; }
      if (c.weight !== undefined && c.weight.length !== n) report(`${at}.weight`, `must have one weight per synapse (${n}), got ${c.weight.length}`);
      for (let s = 0; s < n; s++) {
        if (!Number.isInteger(c.pre[s]) || c.pre[s]! < 0 || c.pre[s]! >= nPre) { report(`${at}.pre[${s}]`, `must be an integer in [0, ${nPre}), got ${describeValue(c.pre[s])}`); return; }
        if (!Number.isInteger(c.post[s]) || c.post[s]! < 0 || c.post[s]! >= nPost) { report(`${at}.post[${s}]`, `must be an integer in [0, ${nPost}), got ${describeValue(c.post[s])}`); return; }
        if (c.weight !== undefined && !checkFiniteNumber(c.weight[s], `${at}.weight[${s}]`, report)) return;
      }
      return;
    }
    default:
      report(`${at}.rule`, `must be fixed-probability, fixed-in-degree, fixed-out-degree or list, got ${describeValue((c as { rule: unknown }).rule)}`);
  }
}

/** Every problem of a sparse description with its field path; empty when valid. */
export function validateSparse(d: SparseNetworkDescription): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const report = (path: string, message: string) => issues.push({ path, message });
  if (typeof d !== 'object' || d === null) return [{ path: '', message: 'a sparse network description must be an object' }];
  if (d.model !== 'cobahh' && d.model !== 'izhikevich') report('model', `must be cobahh or izhikevich, got ${describeValue(d.model)}`);
  if (checkFiniteNumber(d.dt, 'dt', report) && (d.dt <= 0 || d.dt > 100)) report('dt', `must be in (0, 100] ms, got ${d.dt}`);
  if (!Number.isSafeInteger(d.seed) || d.seed < 0) report('seed', `must be an integer in [0, 2^53), got ${describeValue(d.seed)}`);
  const sizes = new Map<string, number>();
  let total = 0;
  if (!Array.isArray(d.populations) || d.populations.length === 0) report('populations', 'must be a non-empty array');
  else d.populations.forEach((p, k) => {
    const at = `populations[${k}]`;
    if (typeof p?.name !== 'string' || p.name === '') report(`${at}.name`, 'must be a non-empty string');
    else if (sizes.has(p.name)) report(`${at}.name`, `duplicate population name ${JSON.stringify(p.name)}`);
    if (!Number.isInteger(p?.size) || p.size < 1) { report(`${at}.size`, `must be an integer ≥ 1, got ${describeValue(p?.size)}`); return; }
    sizes.set(p.name, p.size);
    total += p.size;
    if (p.type !== undefined && !Object.hasOwn(IZHIKEVICH_TYPES, p.type)) report(`${at}.type`, `unknown neuron type ${describeValue(p.type)}`);
    if (p.heterogeneity !== undefined && !['none', 'excitatory', 'inhibitory'].includes(p.heterogeneity)) {
      report(`${at}.heterogeneity`, `must be none, excitatory or inhibitory, got ${describeValue(p.heterogeneity)}`);
    }
    if (p.noise !== undefined && checkFiniteNumber(p.noise, `${at}.noise`, report) && p.noise < 0) report(`${at}.noise`, `must be ≥ 0, got ${p.noise}`);
  });
  if (total > MAX_NEURONS) report('populations', `${total} neurons in all; at most ${MAX_NEURONS}`);
  if (d.populations?.length > 32) report('populations', `at most 32 populations, got ${d.populations.length}`);
  const targets = SYNAPTIC_TARGETS[d.model] ?? [];
  if (!Array.isArray(d.projections)) report('projections', 'must be an array');
  else d.projections.forEach((pr, k) => {
    const at = `projections[${k}]`;
    const nPre = sizes.get(pr?.pre), nPost = sizes.get(pr?.post);
    if (nPre === undefined) report(`${at}.pre`, `unknown population ${describeValue(pr?.pre)}; known: ${[...sizes.keys()].join(', ')}`);
    if (nPost === undefined) report(`${at}.post`, `unknown population ${describeValue(pr?.post)}; known: ${[...sizes.keys()].join(', ')}`);
    if (!targets.includes(pr?.target)) report(`${at}.target`, `must be one of ${targets.join(', ')} for ${d.model}, got ${describeValue(pr?.target)}`);
    const delay = pr?.delay ?? 0;
    if (!Number.isInteger(delay) || delay < 0 || delay > MAX_DELAY_STEPS) report(`${at}.delay`, `must be an integer number of steps in [0, ${MAX_DELAY_STEPS}], got ${describeValue(delay)}`);
    const w = pr?.weight;
    if (typeof w === 'number') checkFiniteNumber(w, `${at}.weight`, report);
    else if (!Array.isArray(w?.uniform) || w.uniform.length !== 2) report(`${at}.weight`, `must be a number or { uniform: [low, high] }, got ${describeValue(w)}`);
    else if (checkFiniteNumber(w.uniform[0], `${at}.weight.uniform[0]`, report) && checkFiniteNumber(w.uniform[1], `${at}.weight.uniform[1]`, report) && w.uniform[1] < w.uniform[0]) {
      report(`${at}.weight.uniform`, `high (${w.uniform[1]}) must be ≥ low (${w.uniform[0]})`);
    }
    if (nPre !== undefined && nPost !== undefined) checkRule(pr.connect, nPre, nPost, `${at}.connect`, report);
  });
  checkTraceList(d.record?.traces, total, report, MAX_TRACED_NEURONS);
  if (d.model === 'cobahh' && d.cobahh !== undefined) {
    for (const [key, value] of Object.entries(d.cobahh)) {
      if (!Object.hasOwn(COBAHH_PARAMS, key)) report(`cobahh.${key}`, `unknown parameter; known: ${Object.keys(COBAHH_PARAMS).join(', ')}`);
      else checkFiniteNumber(value, `cobahh.${key}`, report);
    }
  }
  return issues;
}

export function assertValidSparse(d: SparseNetworkDescription): void {
  const issues = validateSparse(d);
  if (issues.length) throw new SparseValidationError(issues);
}

/**
 * COBAHH as a built-in network (docs/models.md#cobahh): 80 % excitatory. The original example has
 * n = 4000 and p = 0.02 with we = 6 nS, wi = 67 nS; `scaled` is the benchmark GPU simulators
 * publish: p = 1000/n and all weights zero, so the activity does not change with n.
 */
export function cobahh(options: { n?: number; p?: number; scaled?: boolean; seed?: number; dt?: number; record?: SparseNetworkDescription['record'] } = {}): SparseNetworkDescription {
  const n = options.n ?? 4000;
  const scaled = options.scaled ?? false;
  const p = options.p ?? (scaled ? Math.min(1, 1000 / n) : 0.02);
  const ne = Math.round(0.8 * n);
  const connect: ConnectRule = { rule: 'fixed-probability', p };
  const we = scaled ? 0 : COBAHH_WE, wi = scaled ? 0 : COBAHH_WI;
  return {
    name: scaled ? `COBAHH scaled (N = ${n}, p = 1000/N, weights 0)` : `COBAHH (N = ${n}, p = ${p})`,
    model: 'cobahh', dt: options.dt ?? 0.1, seed: options.seed ?? 1,
    populations: [{ name: 'exc', size: ne }, { name: 'inh', size: n - ne }],
    projections: ['exc', 'inh'].flatMap((pre) => ['exc', 'inh'].map((post) => ({
      pre, post, connect, weight: pre === 'exc' ? we : wi, target: pre === 'exc' ? 'ge' : 'gi',
    }))),
    ...(options.record ? { record: options.record } : {}),
  };
}

/**
 * The seed's Izhikevich network made sparse: 80 % excitatory RS, 20 % inhibitory LTS
 * (the seed's randomisation), each neuron receiving `k` synapses (fixed in-degree) with the seed's
 * weights scaled by 1000/k (exc U(0, 0.5), inh U(−1, 0)), thalamic noise σ = 5 / 2.
 */
export function sparseIzhikevich(options: { n?: number; k?: number; seed?: number; delay?: number; record?: SparseNetworkDescription['record'] } = {}): SparseNetworkDescription {
  const n = options.n ?? 1000;
  const k = options.k ?? Math.min(1000, n);
  const ne = Math.round(0.8 * n);
  const ke = Math.round(0.8 * k), ki = k - ke;
  const scale = 1000 / k;
  return {
    name: `sparse Izhikevich (N = ${n}, in-degree ${k})`,
    model: 'izhikevich', dt: 1, seed: options.seed ?? 1,
    populations: [
      { name: 'exc', size: ne, type: 'RS', heterogeneity: 'excitatory', noise: 5 },
      { name: 'inh', size: n - ne, type: 'LTS', heterogeneity: 'inhibitory', noise: 2 },
    ],
    projections: ['exc', 'inh'].flatMap((pre) => ['exc', 'inh'].map((post) => ({
      pre, post, connect: { rule: 'fixed-in-degree' as const, k: pre === 'exc' ? ke : ki },
      weight: { uniform: (pre === 'exc' ? [0, 0.5 * scale] : [-scale, 0]) as [number, number] },
      target: 'I', delay: options.delay ?? 0, autapses: true,
    }))),
    ...(options.record ? { record: options.record } : {}),
  };
}

export { COBAHH_PARAMS };
