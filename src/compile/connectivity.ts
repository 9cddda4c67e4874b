// A projection's synapses on the host, CSR by source neuron, with each synapse's weight and
// delay (docs/network.md#projections). The random rules are built draw for draw as the GPU builds
// them (src/compile/csr.ts); per-synapse draws are keyed by (source neuron, slot in its
// row), never by build order, so every backend draws the same numbers.
import { PhiloxStream, Purpose, normalFromWords, philox4x32, seedKey, uniform01 } from '../rng/philox.js';
import { type ConnectRule, buildCsr, drawOther, rowStarts, scaleWord } from './csr.js';
import { excludesSelf } from '../spec/fields.js';
import type { Projection } from '../spec/network.js';
import { type BoundedNormal, DELAY_RANGE, isArray, isNormal, isUniform, normalBounds } from '../spec/value_kinds.js';
import type { DelayValue, SynapseValue } from '../spec/values.js';

export interface Synapses {
  nPre: number;
  nPost: number;
  /** Row r (source neuron r) holds synapses rowStart[r] .. rowStart[r + 1] − 1. */
  rowStart: Uint32Array;
  /** Target neuron (within the target population) of each synapse. */
  post: Uint32Array;
  /** Per synapse, or one for all. */
  weight: Float64Array | number;
  g2: Float64Array | number | null;
  delay: Uint32Array | number;
  maxDelay: number;
  /** The raw Philox word each uniform weight was drawn from (null when none was): the GPU quantises it in integers. */
  words: Uint32Array | null;
}


/**
 * Whether the GPU backend draws a projection's stored rows itself (src/engine/gpu_build.ts, draw
 * for draw as buildCsr): random rules with one delay and a constant or uniform weight, scattered
 * as pulses or exponential currents. Their rows are never built on the host for the GPU.
 */
export function drawnOnGpu(pr: Projection): boolean {
  const c = pr.connectivity.rule, kind = pr.synapse.kind, w = pr.weight;
  return (c === 'fixed-probability' || c === 'fixed-in-degree' || c === 'fixed-out-degree') && (kind === 'pulse' || kind === 'exponential')
    && pr.storage !== 'procedural' && pr.storage !== 'dense' && (pr.delay === undefined || typeof pr.delay === 'number')
    && (w === undefined || typeof w === 'number' || isUniform(w));
}

/**
 * Whether a projection's rows can be drawn again at each spike (storage 'procedural'): chemical,
 * a rule that draws rows by source neuron, one delay and a weight from each synapse's own draw;
 * fixed total also with normal weights and delays (all drawn at (source, slot)).
 */
export function canDrawAgain(pr: Projection): boolean {
  const c = pr.connectivity.rule, w = pr.weight, d = pr.delay;
  if (pr.synapse.kind !== 'pulse' && pr.synapse.kind !== 'exponential') return false;
  const weight = w === undefined || typeof w === 'number' || isUniform(w), delay = d === undefined || typeof d === 'number';
  if (c === 'fixed-probability' || c === 'fixed-out-degree') return weight && delay;
  return c === 'fixed-total' && (weight || isNormal(w)) && (delay || isNormal(d));
}

/** Counter word 3 of per-synapse draws: the projection's stream and what is drawn, in 3 bits (a redraw's attempt takes the bits above). */
export const DRAW = { weight: 1, delay: 2, g2: 3, total: 4, totalPost: 5 } as const satisfies Record<string, 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7>;
const FIELD = { [DRAW.weight]: 'weight', [DRAW.delay]: 'delay', [DRAW.g2]: 'synapse.g2' } as const;
/** Draws of one bounded normal before giving up: 4095 << 3 stays below the stream's bits, and with 1 % kept (src/spec/check.ts) all fail with chance 0.99⁴⁰⁹⁶ ≈ 10⁻¹⁸. */
const MAX_ATTEMPTS = 4096;

/**
 * N(mean, sd) at synapse (pre i, slot) as `stored` keeps it, drawn again while outside [lo, hi]
 * (NEST's redraw, never clipped): attempt 0 is the unbounded draw, bit for bit.
 */
function redraw(
  x: BoundedNormal, lo: number, hi: number, stored: (y: number) => number,
  i: number, slot: number, stream: number, what: 1 | 2 | 3, k0: number, k1: number, w: Uint32Array,
): number {
  const [mean, sd] = x.normal;
  for (let a = 0; a < MAX_ATTEMPTS; a++) {
    philox4x32(i, slot, Purpose.synapseWeight, ((stream << 16) | what | (a << 3)) >>> 0, k0, k1, w);
    const y = stored(mean + sd * normalFromWords(w[0]!, w[1]!));
    if (y >= lo && y <= hi) return y;
  }
  throw new Error(`projections[${stream}].${FIELD[what]}: no draw of N(${mean}, ${sd}) fell in [${lo}, ${hi}] in ${MAX_ATTEMPTS} tries (synapse ${slot} of source neuron ${i})`);
}

/** Synapse rows from a list of (pre, post) in list order, and the list position of each synapse. */
function fromPairs(nPre: number, nPost: number, pre: ArrayLike<number>, post: ArrayLike<number>) {
  const rowLen = new Uint32Array(nPre);
  for (let q = 0; q < pre.length; q++) rowLen[pre[q]!]!++;
  const rowStart = rowStarts(rowLen), fill = rowStart.slice(0, nPre);
  const targets = new Uint32Array(pre.length), order = new Uint32Array(pre.length);
  for (let q = 0; q < pre.length; q++) { const s = fill[pre[q]!]!++; targets[s] = post[q]!; order[s] = q; }
  return { rowStart, targets, order, words: null as Uint32Array | null };
}

function rows(pr: Projection, nPre: number, nPost: number, selfAllowed: boolean, stream: number, seed: number) {
  const c = pr.connectivity;
  const noSelf = !selfAllowed;
  switch (c.rule) {
    case 'fixed-probability': case 'fixed-in-degree': case 'fixed-out-degree': case 'list': {
      const connect = (c.rule === 'list' ? { rule: 'list', pre: c.pre, post: c.post } : c) as ConnectRule;
      const random = isUniform(pr.weight);
      const csr = buildCsr({ connect, nPre, nPost, stream, seed, noSelf: noSelf && c.rule !== 'list', randomWeights: random && c.rule !== 'list' });
      // A list's build keeps each synapse's list position as its word.
      return { rowStart: csr.rowStart, targets: csr.targets, order: c.rule === 'list' ? csr.words : null, words: c.rule === 'list' ? null : csr.words };
    }
    case 'all-to-all': case 'dense': case 'seed-random': {
      // Every row in order (without i → i when self-connections are excluded: then nPre = nPost),
      // so an array of values is already in synapse order.
      const skipSelf = noSelf && c.rule === 'all-to-all', len = skipSelf ? nPost - 1 : nPost;
      const rowStart = new Uint32Array(nPre + 1), targets = new Uint32Array(nPre * len);
      for (let i = 0, s = 0; i < nPre; i++) {
        for (let j = 0; j < nPost; j++) if (!(skipSelf && i === j)) targets[s++] = j;
        rowStart[i + 1] = (i + 1) * len;
      }
      return { rowStart, targets, order: null, words: null };
    }
    case 'one-to-one': {
      const ids = Uint32Array.from({ length: nPre }, (_, i) => i);
      return fromPairs(nPre, nPost, ids, ids);
    }
    case 'fixed-total': {
      const rowStart = rowStarts(fixedTotalRowLengths(c.n, nPre, stream, seed)), targets = new Uint32Array(c.n);
      const [k0, k1] = seedKey(seed), w = new Uint32Array(4), random = isUniform(pr.weight), words = random ? new Uint32Array(c.n) : null;
      for (let i = 0; i < nPre; i++) {
        for (let s = rowStart[i]!; s < rowStart[i + 1]!; s++) {
          const slot = s - rowStart[i]!;
          targets[s] = drawOther(philox4x32(i, slot, Purpose.connect, ((stream << 16) | DRAW.totalPost) >>> 0, k0, k1, w)[0]!, nPost, i, noSelf);
          // Uniform weights from words, as procedural rows draw them (the same integers in fixed point).
          if (words) words[s] = philox4x32(i, slot, Purpose.synapseWeight, ((stream << 16) | DRAW.weight) >>> 0, k0, k1, w)[0]!;
        }
      }
      return { rowStart, targets, order: null, words };
    }
  }
}

/**
 * Fixed total: each synapse's source is uniform (four per counter), so counting them gives the
 * row lengths; each row's targets are then drawn at (source, slot), which lets a row be drawn
 * again at a spike (storage 'procedural', shaders/connectivity_draws.wgsl total_target).
 */
export function fixedTotalRowLengths(n: number, nPre: number, stream: number, seed: number): Uint32Array {
  const [k0, k1] = seedKey(seed), w = new Uint32Array(4), len = new Uint32Array(nPre);
  for (let q = 0; q < n; q += 4) {
    philox4x32(q / 4, 0, Purpose.connect, ((stream << 16) | DRAW.total) >>> 0, k0, k1, w);
    for (let r = 0; r < 4 && q + r < n; r++) len[scaleWord(w[r]!, nPre)]!++;
  }
  return len;
}

/** Per-synapse values from a spec: constant, array (by `order`), or drawn at (pre, slot). */
function values(
  spec: SynapseValue | undefined, fallback: number, r: { rowStart: Uint32Array; targets: Uint32Array; order: Uint32Array | null; words: Uint32Array | null },
  nPre: number, stream: number, seed: number, what: 1 | 3,
): Float64Array | number {
  if (spec === undefined) return fallback;
  if (typeof spec === 'number') return spec;
  const n = r.targets.length, out = new Float64Array(n);
  if (isArray(spec)) {
    for (let s = 0; s < n; s++) out[s] = spec[r.order ? r.order[s]! : s]!;
    return out;
  }
  const [k0, k1] = seedKey(seed), w = new Uint32Array(4);
  // Weights are kept as f32 and tested so against f32 bounds: fround is monotone, so any draw in [min, max] is kept (min: 0 keeps signs).
  const [lo, hi] = 'uniform' in spec ? spec.uniform : normalBounds(spec).map(Math.fround);
  for (let i = 0; i < nPre; i++) {
    for (let s = r.rowStart[i]!; s < r.rowStart[i + 1]!; s++) {
      const slot = s - r.rowStart[i]!;
      if ('uniform' in spec) {
        const word = r.words ? r.words[s]! : philox4x32(i, slot, Purpose.synapseWeight, ((stream << 16) | what) >>> 0, k0, k1, w)[0]!;
        out[s] = Math.fround(lo + (hi - lo) * uniform01(word));
      } else out[s] = redraw(spec, lo, hi, Math.fround, i, slot, stream, what, k0, k1, w);
    }
  }
  return out;
}

/** A delay drawn in steps to the nearest whole step, halves up (NEST's ld_round); min ≥ −0.5 keeps it ≥ 0. */
export const ldRound = (x: number) => Math.floor(x + 0.5);

function delays(spec: DelayValue | undefined, r: { rowStart: Uint32Array; targets: Uint32Array; order: Uint32Array | null }, nPre: number, stream: number, seed: number) {
  if (spec === undefined || typeof spec === 'number') return { delay: spec ?? 0, maxDelay: spec ?? 0 };
  const n = r.targets.length, out = new Uint32Array(n);
  let maxDelay = 0;
  if (isArray(spec)) {
    for (let s = 0; s < n; s++) { out[s] = spec[r.order ? r.order[s]! : s]!; maxDelay = Math.max(maxDelay, out[s]!); }
    return { delay: out, maxDelay };
  }
  const [k0, k1] = seedKey(seed), w = new Uint32Array(4);
  // The bounds test the draw in steps before it is rounded.
  const [lo, hi] = 'uniform' in spec ? spec.uniform : normalBounds(spec, DELAY_RANGE), asDrawn = (y: number) => y;
  for (let i = 0; i < nPre; i++) {
    for (let s = r.rowStart[i]!; s < r.rowStart[i + 1]!; s++) {
      const slot = s - r.rowStart[i]!;
      if ('uniform' in spec) {
        philox4x32(i, slot, Purpose.synapseWeight, ((stream << 16) | DRAW.delay) >>> 0, k0, k1, w);
        out[s] = lo + scaleWord(w[0]!, hi - lo + 1);
      } else out[s] = ldRound(redraw(spec, lo, hi, asDrawn, i, slot, stream, DRAW.delay, k0, k1, w));
      maxDelay = Math.max(maxDelay, out[s]!);
    }
  }
  return { delay: out, maxDelay };
}

/** The seed network's S: scale · U(0,1) for source j, target i (global indices), four draws per call along j. */
function seedRandomWeights(r: { rowStart: Uint32Array; targets: Uint32Array }, scale: number, nPre: number, sourceStart: number, targetStart: number, seed: number) {
  const rng = new PhiloxStream(seed, Purpose.weights), out = new Float64Array(r.targets.length);
  for (let i = 0; i < nPre; i++) {
    const pre = sourceStart + i;
    for (let s = r.rowStart[i]!; s < r.rowStart[i + 1]!; s++) {
      out[s] = Math.fround(scale * uniform01(rng.words(targetStart + r.targets[s]!, pre >> 2)[pre & 3]!));
    }
  }
  return out;
}

/** Builds projection number `stream` between populations at `sourceStart` (size nPre) and `targetStart` (size nPost). */
export function buildSynapses(pr: Projection, stream: number, seed: number, source: { start: number; size: number }, target: { start: number; size: number }): Synapses {
  const nPre = source.size, nPost = target.size;
  const selfAllowed = !excludesSelf(pr);
  const r = rows(pr, nPre, nPost, selfAllowed, stream, seed);
  const c = pr.connectivity;
  let weight: Float64Array | number;
  if (c.rule === 'dense') {
    weight = new Float64Array(r.targets.length);
    for (let i = 0; i < nPre; i++) for (let s = r.rowStart[i]!; s < r.rowStart[i + 1]!; s++) weight[s] = c.weights[r.targets[s]! * nPre + i]!;
  } else if (c.rule === 'seed-random') weight = seedRandomWeights(r, c.scale, nPre, source.start, target.start, seed);
  else weight = values(pr.weight, 1, r, nPre, stream, seed, DRAW.weight);
  const g2 = pr.synapse.kind === 'electrical' ? (pr.synapse.g2 === undefined ? weight : values(pr.synapse.g2, 0, r, nPre, stream, seed, DRAW.g2)) : null;
  const { delay, maxDelay } = delays(pr.delay, r, nPre, stream, seed);
  const uniformWords = isUniform(pr.weight) && r.words ? r.words : null;
  return { nPre, nPost, rowStart: r.rowStart, post: r.targets, weight, g2, delay, maxDelay, words: uniformWords };
}

/** The most synapses any target neuron receives. */
export function maxInDegree(s: Synapses): number {
  const deg = new Uint32Array(s.nPost);
  for (let k = 0; k < s.post.length; k++) deg[s.post[k]!]!++;
  return deg.reduce((a, b) => Math.max(a, b), 0);
}
