// Where everything of a plan lives in GPU memory, decided on the host before anything is
// allocated: the element order (population, copy, neuron), the state and per-neuron parameter
// offsets, the arrival rings with their fixed-point scales (integer atomics make the order of
// additions irrelevant), the synapse tables, the input tables, and the byte size of each buffer.
import { buildSynapses, fixedTotalRowLengths, maxInDegree, type Synapses } from '../compile/connectivity.js';
import { delayBound, maskRingDepth, placement, ringDepth, slotKey, tableWords } from '../compile/gpu_sizes.js';
import type { Plan, ProjectionPlan } from '../compile/plan.js';
import { BLOCK, type BuildSpec, type ConnectRule, binomialThresholds, scaleWord } from '../compile/csr.js';
import type { Piece } from './gpu_build.js';
import { excludesSelf } from '../spec/fields.js';
import type { Projection } from '../spec/network.js';
import { type BoundedNormal, DELAY_RANGE, F32_MAX, isNormal, isUniform, normalBounds } from '../spec/value_kinds.js';

/** Where one population's spikes, or one input, lands: a state variable's jumps, I, or a synapse's own current. */
export interface Slot { population: number; variable: number; own: number; offset: number; scale: number }

export interface ProjectionLayout {
  plan: ProjectionPlan;
  synapses: Synapses;
  /** Word offsets in `syn` (u32): row starts (nPre + 1), targets, then fixed-point weights and delays when per synapse. */
  rowStart: number;
  post: number;
  weight: number | null;
  delay: number | null;
  /** Fixed-point weight when all synapses share it. */
  constant: number;
  slot: number;
  /**
   * Stored dense and gathered by each target neuron from the source's spike masks in ascending
   * source order (the CPU's order of additions): the weight matrix [pre · nPost + post] in `syn`
   * (f32), and the constant delay. Null: stored as rows and scattered with fixed-point atomics.
   */
  dense: { weights: number; delay: number } | null;
  /**
   * Rows drawn again at each spike (storage 'procedural': fixed probability or out-degree), with
   * the draws of the host build (src/compile/csr.ts): the binomial count thresholds in
   * `syn` (full block, then the last one), and the weight: one fixed-point number, or a uniform
   * range drawn from each synapse's weight word.
   */
  procedural: ProceduralRows | null;
  /**
   * Stored rows the GPU draws itself (drawnOnGpu): row starts at `rowStart` in `syn` (filled once
   * the GPU has counted them), targets and weight words in synapse stores (src/engine/gpu_stores.ts)
   * at `pieces`; the weight as for procedural rows; the in-degree bound the fixed-point scale assumes.
   */
  rows: GpuRows | null;
  /** A batch's weight per copy, offset in `syn`: fixed-point i32 for spikes, f32 for electrical and diffusion synapses. */
  perCopy: number | null;
  /** Electrical and diffusion synapses: f32 weights and g2 per synapse (offsets in `syn`, or null: the constant), the synapses by target (column starts, synapse index) and each synapse's source neuron. */
  continuous: { weight: number | null; g2: number | null; colStart: number; colSyn: number; pre: number; state: number | null } | null;
}

/** A normal drawn again while outside [lo, hi] (f32 bounds; `last`: a delay's largest, the ring's bound). */
export interface RedrawnNormal { mean: number; sd: number; lo: number; hi: number; last: number }

/**
 * Rows drawn again at each spike: the binomial thresholds (fixed probability), each source's row
 * length in `syn` (fixed total: rowLen), the weight as one fixed-point number or a uniform range,
 * or a normal redrawn into its bounds; a normal delay per synapse (else the projection's one).
 */
export interface ProceduralRows {
  cdf: number; noSelf: boolean; low: number; span: number; random: boolean;
  rowLen: number | null; normalWeight: RedrawnNormal | null; normalDelay: RedrawnNormal | null;
}

export interface GpuRows {
  spec: BuildSpec; low: number; span: number; random: boolean; degreeBound: number;
  /** Set by the build: where its rows lie, its synapses and largest in-degree. */
  pieces: Piece[]; synapses: number; maxInDegree: number;
}

export interface GpuLayout {
  B: number;
  /** Elements in all: copies × neurons. */
  total: number;
  /** First element of each population: B · (its first neuron). */
  popBase: number[];
  /** Offset in `state` (f32) of [population][variable]. */
  state: number[][];
  /** Offset in `params` (f32) of [population][parameter], or null where the value is folded into the code. */
  params: (number | null)[][];
  /** Offset in `refr` (u32) of each population's steps left, and of its per-element periods (null: one for all). */
  refr: (number | null)[];
  refrPeriod: (number | null)[];
  slots: Slot[];
  ring: number;
  projections: ProjectionLayout[];
  /** Synapse stores the rows drawn on the GPU take (0 until they are built). */
  stores: number;
  /** Offset in `state` of each projection's own decaying current, or null. */
  own: (number | null)[];
  /** Offset in `state` of the per-element current of electrical and diffusion synapses, or null when there are none. */
  cont: number | null;
  /** Spike masks of each population that sends dense projections: offset in `acc` of ring × copies × words, and words per copy. */
  masks: ({ offset: number; words: number } | null)[];
  maskRing: number;
  /** Per input: offset in `inputs` (f32) of its per-element values or 0/1 mask (0 where it does not reach), or null (every neuron, no value). */
  inputs: (number | null)[];
  /** Per waveform input: offset of its samples in `inputs`. */
  waves: (number | null)[];
  /** Per external input: offset in `state` (f32) of the values the caller writes, [copy · size + neuron]; null for other kinds. */
  external: (number | null)[];
  /** Words of each buffer (state: the variables, own currents, continuous currents and diffusion states). */
  words: { state: number; params: number; refr: number; acc: number; syn: number; inputs: number };
  stateData: Float32Array;
  paramData: Float32Array;
  refrData: Uint32Array;
  synData: Uint32Array;
  inputData: Float32Array;
}

/** Largest fixed-point scale (a power of two) at which `bound` fits a 31-bit integer. */
const fixedScale = (bound: number) => (bound > 0 ? 2 ** Math.min(30, Math.floor(Math.log2((2 ** 31 - 1) / bound))) : 2 ** 20);

/** A uniform weight range in fixed point: low + ⌊word · span / 2³²⌋ covers [low, high] in integers. */
function uniformFixed(w: { uniform: [number, number] }, scale: number): { low: number; span: number } {
  const low = Math.round(w.uniform[0] * scale), high = Math.round(w.uniform[1] * scale);
  return { low, span: high - low + 1 };
}

/** A procedural or GPU-drawn projection's fixed-point weight: one number (span 0), or a uniform range drawn from each synapse's weight word. */
function fixedWeight(w: Projection['weight'], scale: number): { low: number; span: number; random: boolean } {
  if (isUniform(w)) return { ...uniformFixed(w, scale), random: true };
  return { low: Math.round((typeof w === 'number' ? w : 1) * scale), span: 0, random: false };
}

/** The largest |weight| a procedural projection draws (a normal's beyond 8 sd has a chance below 1e-15). */
function procedureWeight(w: Projection['weight']): number {
  if (typeof w === 'number') return Math.abs(w);
  if (isUniform(w)) return Math.max(...w.uniform.map(Math.abs));
  if (isNormal(w)) return Math.min(Math.abs(w.normal[0]) + 8 * w.normal[1], Math.max(...normalBounds(w).map(Math.abs)));
  return 1;
}

/** A normal's draws and bounds for the kernels: f32 bounds (infinite sides at the f32 range), `last` for a delay. */
function redrawnNormal(x: BoundedNormal, range?: readonly [number, number]): RedrawnNormal {
  const [lo, hi] = normalBounds(x, range).map((b) => Math.max(-F32_MAX, Math.min(F32_MAX, Math.fround(b))));
  return { mean: x.normal[0], sd: x.normal[1], lo: lo!, hi: hi!, last: range ? delayBound(x) : 0 };
}

/**
 * A bound on one target's synapses from a procedural projection: its expected in-degree plus ten
 * standard deviations (the chance to pass it is below 1e-23), at most every source neuron.
 */
function inDegreeBound(pr: ProjectionPlan): number {
  const c = pr.spec.connectivity, n = pr.source.size;
  const p = c.rule === 'fixed-probability' ? c.p : c.rule === 'fixed-out-degree' ? Math.min(1, c.k / pr.target.size) : c.rule === 'fixed-total' ? 1 / pr.target.size : 1;
  const mean = c.rule === 'fixed-out-degree' ? (n * c.k) / pr.target.size : c.rule === 'fixed-total' ? c.n / pr.target.size : n * p;
  const most = c.rule === 'fixed-out-degree' ? n * c.k : c.rule === 'fixed-total' ? c.n : n;
  return Math.min(most, Math.ceil(mean + 10 * Math.sqrt(mean * (1 - p)) + 10));
}

/** A bound on one target's synapses from rows the GPU draws: k for a fixed in-degree, else inDegreeBound. */
const rowsDegreeBound = (pr: ProjectionPlan) => (pr.spec.connectivity.rule === 'fixed-in-degree' ? pr.spec.connectivity.k : inDegreeBound(pr));

/** A projection with nothing stored on the host: its size and its one delay. */
const unstored = (pr: ProjectionPlan): Synapses => ({
  nPre: pr.source.size, nPost: pr.target.size, rowStart: new Uint32Array(0), post: new Uint32Array(0), weight: 0, g2: null,
  delay: typeof pr.spec.delay === 'number' ? pr.spec.delay : 0, maxDelay: 0, words: null,
});

const maxAbs = (w: Float64Array | number) => (typeof w === 'number' ? Math.abs(w) : w.reduce((a, b) => Math.max(a, Math.abs(b)), 0));

export function gpuLayout(plan: Plan): GpuLayout {
  const B = plan.copies;
  const popBase = plan.populations.map((p) => B * p.start);
  let words = 0;
  const take = (n: number) => { const at = words; words += n; return at; };
  const state = plan.populations.map((p) => p.model.variables.map(() => take(B * p.size)));
  const own = plan.projections.map((pr) => (pr.synapse.kind === 'exponential' && pr.variable < 0 ? take(B * pr.target.size) : null));
  const where = plan.projections.map((pr) => placement(pr.spec, pr.weightPerCopy !== null));
  const cont = where.includes('continuous') ? take(B * plan.n) : null;
  // Procedural projections are never built on the host: their rows are drawn again at each spike.
  const procedural = where.map((w) => w === 'procedural');
  // Nor are the rows the GPU draws itself (src/engine/gpu_stores.ts).
  const gpuRows = where.map((w) => w === 'drawn');
  const built = plan.projections.map((pr, k) => (procedural[k] || gpuRows[k] ? null : buildSynapses(pr.spec, pr.index, plan.seed, pr.source, pr.target)));
  const dstate = plan.projections.map((pr, k) => (pr.synapse.kind === 'diffusion' ? take(4 * B * built[k]!.post.length) : null));
  const stateData = new Float32Array(words);
  plan.populations.forEach((p, q) => p.init.forEach((x, d) => stateData.set(x, state[q]![d]!)));
  // A diffusion synapse starts not releasing, its last V_pre the initial one (no release at t = 0).
  plan.projections.forEach((pr, k) => {
    if (dstate[k] === null) return;
    const syn = built[k]!, M = syn.post.length;
    for (let b = 0; b < B; b++) for (let i = 0; i < syn.nPre; i++) for (let q = syn.rowStart[i]!; q < syn.rowStart[i + 1]!; q++) {
      stateData[dstate[k]! + 4 * (b * M + q) + 3] = pr.source.init[0]![b * pr.source.size + i]!;
    }
  });
  // External inputs: the values the caller writes between steps, one per element of the target population.
  const external = plan.inputs.map((inp) => (inp.spec.kind === 'external' ? take(B * inp.target.size) : null));
  const stateWords = words;

  words = 0;
  const params = plan.populations.map((p) => p.params.map((x) => (typeof x === 'number' ? null : take(B * p.size))));
  const paramData = new Float32Array(tableWords(words));
  plan.populations.forEach((p, q) => p.params.forEach((x, k) => { if (typeof x !== 'number') paramData.set(x, params[q]![k]!); }));

  words = 0;
  const refr = plan.populations.map((p) => (p.refractory === null ? null : take(B * p.size)));
  const refrPeriod = plan.populations.map((p) => (p.refractory instanceof Int32Array ? take(B * p.size) : null));
  const refrData = new Uint32Array(tableWords(words));
  plan.populations.forEach((p, q) => { if (p.refractory instanceof Int32Array) refrData.set(p.refractory, refrPeriod[q]!); });
  const refrWords = tableWords(words);

  // The arrival slots chemical synapses feed, with a bound on one step's arrivals.
  const ring = ringDepth(plan.projections.map((pr, k) => built[k]?.maxDelay ?? delayBound(pr.spec.delay)));
  const slotIndex = new Map<string, number>();
  const slots: Slot[] = [];
  const bounds: number[] = [];
  const slotOf = (pr: ProjectionPlan) => {
    const key = slotKey(pr.spec, pr.index);
    if (!slotIndex.has(key)) {
      const own = pr.synapse.kind === 'exponential' && pr.variable < 0 ? pr.index : -1;
      slotIndex.set(key, slots.length); slots.push({ population: pr.target.index, variable: pr.variable, own, offset: 0, scale: 1 }); bounds.push(0);
    }
    return slotIndex.get(key)!;
  };
  // Dense gathers: a dense rule (or storage 'dense') with one delay and one weight set for all copies.
  const isDense = where.map((w) => w === 'dense');
  const chemical = plan.projections.filter((pr) => (pr.synapse.kind === 'pulse' || pr.synapse.kind === 'exponential') && !isDense[pr.index]);
  plan.projections.forEach((pr) => { if (isDense[pr.index]) slotOf(pr); });
  for (const pr of chemical) {
    const b = built[pr.index];
    const weights = b ? maxAbs(b.weight) : procedureWeight(pr.spec.weight);
    const w = pr.weightPerCopy ? Math.max(weights, ...Array.from(pr.weightPerCopy, Math.abs)) : weights;
    // Rules that can be drawn again use the same bound stored or not, so both quantise alike.
    const regenerable = ['fixed-probability', 'fixed-out-degree', 'fixed-total'].includes(pr.spec.connectivity.rule);
    bounds[slotOf(pr)]! += w * (b ? (regenerable ? Math.max(inDegreeBound(pr), maxInDegree(b)) : maxInDegree(b)) : rowsDegreeBound(pr));
  }
  words = 0;
  slots.forEach((s, k) => { s.scale = fixedScale(bounds[k]!); s.offset = take(ring * B * plan.populations[s.population]!.size); });
  const maskRing = maskRingDepth(built.flatMap((b, k) => (isDense[k] ? [b!.maxDelay] : [])));
  const masks = plan.populations.map((p) => {
    if (!plan.projections.some((pr) => isDense[pr.index] && pr.source === p)) return null;
    const w = Math.ceil(p.size / 32);
    return { offset: take(maskRing * B * w), words: w };
  });
  const accWords = tableWords(words);

  // Synapse tables: u32 words; fixed-point weights as i32 bits.
  words = 0;
  const parts: { at: number; data: Uint32Array | Int32Array }[] = [];
  const perCopyTable = (pr: ProjectionPlan, scale: number | null) => {
    if (!pr.weightPerCopy) return null;
    const at = take(pr.weightPerCopy.length);
    const data = scale === null ? new Uint32Array(Float32Array.from(pr.weightPerCopy).buffer) : Int32Array.from(pr.weightPerCopy, (w) => Math.round(w * scale));
    parts.push({ at, data });
    return at;
  };
  const projections = plan.projections.map((pr, k): ProjectionLayout => {
    if (procedural[k]) {
      const c = pr.spec.connectivity, slot = slotOf(pr), scale = slots[slot]!.scale;
      const cdf = take(2 * BLOCK);
      if (c.rule === 'fixed-probability') {
        parts.push({ at: cdf, data: binomialThresholds(BLOCK, c.p) });
        parts.push({ at: cdf + BLOCK, data: binomialThresholds(pr.target.size % BLOCK || BLOCK, c.p) });
      }
      let rowLen: number | null = null;
      if (c.rule === 'fixed-total') {
        rowLen = take(pr.source.size);
        parts.push({ at: rowLen, data: fixedTotalRowLengths(c.n, pr.source.size, pr.index, plan.seed) });
      }
      const w = pr.spec.weight, d = pr.spec.delay, q = isNormal(w) ? { low: 0, span: 0, random: false } : fixedWeight(w, scale);
      const procedural: ProceduralRows = {
        cdf, noSelf: excludesSelf(pr.spec), ...q, rowLen,
        normalWeight: isNormal(w) ? redrawnNormal(w) : null, normalDelay: isNormal(d) ? redrawnNormal(d, DELAY_RANGE) : null,
      };
      return {
        plan: pr, synapses: unstored(pr), rowStart: 0, post: 0, weight: null, delay: null, constant: q.low, slot, continuous: null, dense: null,
        procedural, rows: null, perCopy: perCopyTable(pr, scale),
      };
    }
    if (gpuRows[k]) {
      const slot = slotOf(pr), scale = slots[slot]!.scale, q = fixedWeight(pr.spec.weight, scale);
      const spec: BuildSpec = {
        connect: pr.spec.connectivity as ConnectRule, nPre: pr.source.size, nPost: pr.target.size, stream: pr.index, seed: plan.seed, noSelf: excludesSelf(pr.spec), randomWeights: q.random,
      };
      return {
        plan: pr, synapses: unstored(pr), rowStart: take(pr.source.size + 1), post: 0, weight: null, delay: null, constant: q.low, slot, continuous: null, dense: null, procedural: null,
        rows: { spec, ...q, degreeBound: rowsDegreeBound(pr), pieces: [], synapses: 0, maxInDegree: 0 }, perCopy: perCopyTable(pr, scale),
      };
    }
    const s = built[k]!;
    if (isDense[k]) {
      // Only the weight matrix, by source neuron ([pre][post]): the invocations of a gather read one
      // spiking source's weights side by side (coalesced), not a target's row each.
      const W = new Float32Array(s.nPre * s.nPost);
      for (let i = 0; i < s.nPre; i++) for (let q = s.rowStart[i]!; q < s.rowStart[i + 1]!; q++) W[i * s.nPost + s.post[q]!]! += typeof s.weight === 'number' ? s.weight : s.weight[q]!;
      const at = take(W.length);
      parts.push({ at, data: new Uint32Array(W.buffer) });
      return {
        plan: pr, synapses: s, rowStart: 0, post: 0, weight: null, delay: null, constant: 0, slot: slotOf(pr), continuous: null,
        dense: { weights: at, delay: s.delay as number }, procedural: null, rows: null, perCopy: null,
      };
    }
    const chemicalSlot = where[k] === 'rows' ? slotOf(pr) : -1;
    const scale = chemicalSlot >= 0 ? slots[chemicalSlot]!.scale : 1;
    const rowStart = take(s.rowStart.length); parts.push({ at: rowStart, data: s.rowStart });
    const post = take(s.post.length); parts.push({ at: post, data: s.post });
    let weight: number | null = null, delay: number | null = null;
    if (typeof s.weight !== 'number' && chemicalSlot >= 0) {
      weight = take(s.post.length);
      // Uniform weights drawn from words: low + ⌊word · span / 2³²⌋ in integers, as procedural rows compute them.
      const q = s.words ? uniformFixed(pr.spec.weight as { uniform: [number, number] }, scale) : null;
      parts.push({ at: weight, data: q && s.words ? Int32Array.from(s.words, (w) => q.low + scaleWord(w, q.span)) : Int32Array.from(s.weight, (w) => Math.round(w * scale)) });
    }
    if (typeof s.delay !== 'number') { delay = take(s.post.length); parts.push({ at: delay, data: s.delay }); }
    const constant = typeof s.weight === 'number' ? Math.round(s.weight * scale) : 0;
    let continuous: ProjectionLayout['continuous'] = null;
    if (chemicalSlot < 0) {
      const f32 = (a: Float64Array) => { const at = take(a.length); parts.push({ at, data: new Uint32Array(Float32Array.from(a).buffer) }); return at; };
      const cw = typeof s.weight === 'number' ? null : f32(s.weight);
      const cg = s.g2 === null || typeof s.g2 === 'number' ? null : f32(s.g2);
      const pre = new Uint32Array(s.post.length);
      for (let i = 0; i < s.nPre; i++) pre.fill(i, s.rowStart[i]!, s.rowStart[i + 1]!);
      const count = new Uint32Array(s.nPost + 1);
      for (const j of s.post) count[j + 1]!++;
      for (let j = 0; j < s.nPost; j++) count[j + 1]! += count[j]!;
      const fill = count.slice(0, s.nPost), bySyn = new Uint32Array(s.post.length);
      for (let q = 0; q < s.post.length; q++) bySyn[fill[s.post[q]!]!++] = q;
      const colStart = take(count.length); parts.push({ at: colStart, data: count });
      const colSyn = take(bySyn.length); parts.push({ at: colSyn, data: bySyn });
      const preAt = take(pre.length); parts.push({ at: preAt, data: pre });
      continuous = { weight: cw, g2: cg, colStart, colSyn, pre: preAt, state: dstate[k]! };
    }
    return { plan: pr, synapses: s, rowStart, post, weight, delay, constant, slot: chemicalSlot, continuous, dense: null, procedural: null, rows: null, perCopy: perCopyTable(pr, chemicalSlot >= 0 ? scale : null) };
  });
  const synData = new Uint32Array(tableWords(words));
  for (const { at, data } of parts) synData.set(new Uint32Array(data.buffer, data.byteOffset, data.length), at);

  // Inputs: per element values of amplitude, σ or rate, and waveform samples.
  words = 0;
  // Inputs that carry no value per neuron but reach only some neurons get a 0/1 mask instead.
  const masked = (inp: Plan['inputs'][number]) => !inp.values && inp.neurons.length < inp.target.size;
  const inputs = plan.inputs.map((inp) => (inp.values || masked(inp) ? take(B * inp.target.size) : null));
  const waves = plan.inputs.map((inp) => (inp.spec.kind === 'waveform' ? take(inp.spec.samples.length) : null));
  const inputData = new Float32Array(tableWords(words));
  plan.inputs.forEach((inp, q) => {
    const m = inp.neurons.length;
    if (inputs[q] !== null) for (let c = 0; c < B; c++) for (let k = 0; k < m; k++) inputData[inputs[q]! + c * inp.target.size + inp.neurons[k]!] = inp.values ? inp.values[c * m + k]! : 1;
    if (inp.spec.kind === 'waveform') inputData.set(inp.spec.samples, waves[q]!);
  });
  return {
    B, total: B * plan.n, popBase, state, params, refr, refrPeriod, slots, ring, projections, stores: 0, own, cont, masks, maskRing, inputs, waves, external,
    words: { state: stateWords, params: paramData.length, refr: refrWords, acc: accWords, syn: synData.length, inputs: inputData.length },
    stateData, paramData, refrData, synData, inputData,
  };
}

/**
 * Drops the host copies a built engine no longer reads (the uploaded tables, the host-built
 * synapses): for a 10⁴-neuron dense network they are about a gigabyte kept for nothing.
 */
export function releaseHostData(L: GpuLayout): void {
  const none = new Uint32Array(0), noF32 = new Float32Array(0);
  L.stateData = noF32; L.paramData = noF32; L.inputData = noF32; L.refrData = none; L.synData = none;
  for (const pl of L.projections) {
    const s = pl.synapses;
    pl.synapses = { ...s, rowStart: none, post: none, weight: typeof s.weight === 'number' ? s.weight : new Float64Array(0), g2: s.g2 instanceof Float64Array ? new Float64Array(0) : s.g2, delay: typeof s.delay === 'number' ? s.delay : none, words: null };
  }
}

/**
 * The bytes of memory the neuron phase moves per neuron-step (state read and written, per-neuron
 * parameters and input values read, arrival-ring words taken, refractory counters) and the
 * propagation per synaptic event (target, weight and delay words read, the atomic add's read and write).
 */
export function trafficOf(plan: Plan, L: GpuLayout): { bytesPerNeuronStep: number; bytesPerSynapticEvent: number } {
  let bytes = 0;
  for (const p of plan.populations) {
    const perNeuron = 8 * p.model.variables.length + 4 * L.params[p.index]!.filter((x) => x !== null).length
      + 8 * L.slots.filter((s) => s.population === p.index).length + (p.refractory !== null ? 8 : 0)
      + 4 * plan.inputs.filter((i) => i.target === p && L.inputs[i.index] !== null).length;
    bytes += perNeuron * plan.copies * p.size;
  }
  const rows = L.projections.filter((pl) => pl.slot >= 0 && !pl.dense);
  const perEvent = rows.length === 0 ? 0 : rows.reduce((n, pl) => n + (pl.procedural ? 8 : 4 + 8 + (pl.weight !== null || pl.rows?.random ? 4 : 0) + (pl.delay !== null ? 4 : 0)), 0) / rows.length;
  return { bytesPerNeuronStep: bytes / (plan.copies * plan.n), bytesPerSynapticEvent: perEvent };
}
