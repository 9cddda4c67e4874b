// Sparse connectivity: the rules, and the CPU build that shaders/connectivity.wgsl reproduces
// draw for draw (tests/connectivity.test.ts checks they agree exactly).
//
// Storage: CSR by presynaptic neuron (rowStart, then each synapse's postsynaptic index and, for
// random weights, its raw Philox word). Why this and not the alternatives, counted in bytes a
// step must move for the benchmarks (10⁶ neurons × 10³ synapses, rates ≈ 1–20 Hz):
// - A gather over per-post rows (dense S's pattern) reads every synapse every step: 4 GB/step,
//   1.3 ms at an H100's 3 TB/s, 13 s per simulated second of COBAHH at dt = 0.1 ms.
// - Event-driven scatter over per-pre rows reads only the rows of the neurons that spiked:
//   N·rate·dt·K·4 B = 4 MB/step at 10 Hz and dt = 0.1 ms; the atomic adds are the cost.
// - Padded rows (ELL) waste the spread of row lengths (fixed probability: ±3σ ≈ ±10 %), and a
//   bitmask costs N_post bits per row (125 kB for 10⁶ posts against 4 kB of indices).
// - Regenerating rows from the RNG each spike costs N_post/128 Philox calls per spike for fixed
//   probability (this file's exact block method), more than reading 4 kB of indices.
// So CSR by pre with a scatter of fixed-point atomics (deterministic in any order) it is.
import { Purpose, philox4x32, seedKey } from '../rng/philox';

export type ConnectRule =
  /** Each (pre, post) pair is connected independently with probability p. */
  | { rule: 'fixed-probability'; p: number }
  /** Each post neuron gets k synapses from pre neurons drawn uniformly (multapses allowed, as NEST's default). */
  | { rule: 'fixed-in-degree'; k: number }
  /** Each pre neuron makes k synapses onto post neurons drawn uniformly (multapses allowed). */
  | { rule: 'fixed-out-degree'; k: number }
  /** Explicit synapses: pre[s] → post[s] (indices within the populations), optional weight[s]. */
  | { rule: 'list'; pre: ArrayLike<number>; post: ArrayLike<number>; weight?: ArrayLike<number> };

/** Philox counter word 2 of the connectivity streams (MODELS.md §7: key by purpose, never by thread). */
const PURPOSE_CONNECT = Purpose.connect;
const PURPOSE_WEIGHT = Purpose.synapseWeight;
/** Synapses per binomial block of the fixed-probability rule (one u32 mask per block). */
export const BLOCK = 32;

/** One projection's connectivity, CSR by presynaptic neuron. */
export interface Csr {
  nPre: number;
  nPost: number;
  /** Row r holds synapses rowStart[r] .. rowStart[r + 1] − 1 (nPre + 1 entries). */
  rowStart: Uint32Array;
  /** Postsynaptic index (within the post population) of each synapse. */
  targets: Uint32Array;
  /** Raw Philox word of each synapse for random weights (null when the weight is not random). */
  words: Uint32Array | null;
  /** Largest number of synapses onto one post neuron: bounds the input of one step. */
  maxInDegree: number;
}

/** What a build needs to know beyond the rule. */
export interface BuildSpec {
  connect: ConnectRule;
  nPre: number;
  nPost: number;
  /** Counter word 3's high half: keeps the streams of different projections apart. */
  stream: number;
  seed: number;
  /** Pre and post are the same population and self-connections are excluded. */
  noSelf: boolean;
  /** Draw a raw weight word per synapse. */
  randomWeights: boolean;
}

/**
 * Cumulative binomial thresholds for the fixed-probability rule: block b of m posts holds c
 * synapses where c = #{k < m : u ≥ cdf[k]} for one uniform u32 word u (both sides use this
 * same table, so the CPU and the GPU agree exactly). Entry k = ⌊P(X ≤ k)·2³²⌋, X ~ Bin(m, p).
 */
export function binomialThresholds(m: number, p: number): Uint32Array {
  const out = new Uint32Array(BLOCK).fill(0xffffffff);
  if (p >= 1) { out.fill(0, 0, m); return out; }
  // log-space pmf: exact enough for any p in (0, 1) and m ≤ 32.
  let logC = 0, cdf = 0;
  for (let k = 0; k < m; k++) {
    if (k > 0) logC += Math.log((m - k + 1) / k);
    cdf += p <= 0 ? (k === 0 ? 1 : 0) : Math.exp(logC + k * Math.log(p) + (m - k) * Math.log1p(-p));
    out[k] = Math.min(0xffffffff, Math.floor(Math.min(cdf, 1) * 4294967296));
  }
  return out;
}

/** ⌊x·n / 2³²⌋ for u32 x: a uniform integer in [0, n) with integer arithmetic only. */
export function scaleWord(x: number, n: number): number {
  // x < 2³² and n < 2³²: the product needs 64 bits; split x into 16-bit halves.
  const hi = (x >>> 16) * n, lo = (x & 0xffff) * n;
  return Math.floor((hi + Math.floor(lo / 65536)) / 65536);
}

/** Index of the r-th set bit (r from 0) of a u32 mask. */
export function nthSetBit(mask: number, r: number): number {
  let m = mask >>> 0;
  for (let k = 0; k < r; k++) m &= m - 1;
  return 31 - Math.clz32(m & -m);
}

/** Number of posts in block b. */
const blockSize = (nPost: number, b: number) => Math.min(BLOCK, nPost - b * BLOCK);

/**
 * The synapses of fixed-probability row `pre`, in ascending post order, handed to `emit`.
 * Block b: count from word (b mod 4) of philox(pre, ⌊b/4⌋, CONNECT, stream<<16); then its
 * positions one at a time, pick r from word (r mod 4) of philox(pre, b, CONNECT, stream<<16 | 1 + ⌊r/4⌋),
 * as the ⌊u·(m − r)/2³²⌋-th still-free slot. The self position is drawn and then dropped.
 */
function probabilityRow(
  s: BuildSpec, pre: number, full: Uint32Array, tail: Uint32Array, k0: number, k1: number, out: Uint32Array,
  emit: (post: number) => void,
): void {
  const blocks = Math.ceil(s.nPost / BLOCK);
  const base = (s.stream << 16) >>> 0;
  const pick = new Uint32Array(4);
  for (let b = 0; b < blocks; b++) {
    if ((b & 3) === 0) philox4x32(pre, b >>> 2, PURPOSE_CONNECT, base, k0, k1, out);
    const u = out[b & 3]!;
    const m = blockSize(s.nPost, b);
    const cdf = m === BLOCK ? full : tail;
    let c = 0;
    while (c < m && u >= cdf[c]!) c++;
    if (c === 0) continue;
    let free = m === BLOCK ? 0xffffffff : ((1 << m) - 1) >>> 0, chosen = 0;
    for (let r = 0; r < c; r++) {
      if ((r & 3) === 0) philox4x32(pre, b, PURPOSE_CONNECT, (base | (1 + (r >>> 2))) >>> 0, k0, k1, pick);
      const slot = nthSetBit(free, scaleWord(pick[r & 3]!, m - r));
      free = (free & ~(1 << slot)) >>> 0;
      chosen = (chosen | (1 << slot)) >>> 0;
    }
    while (chosen !== 0) {
      const post = b * BLOCK + (31 - Math.clz32(chosen & -chosen));
      chosen = (chosen & (chosen - 1)) >>> 0;
      if (!(s.noSelf && post === pre)) emit(post);
    }
  }
}

/** Uniform draw over n − 1 (self excluded: values ≥ self shift up by one) or n. */
function drawOther(word: number, n: number, self: number, noSelf: boolean): number {
  if (!noSelf) return scaleWord(word, n);
  const x = scaleWord(word, n - 1);
  return x >= self ? x + 1 : x;
}

/** Weight word of a fixed-probability synapse: keyed by (pre, post), independent of the build order. */
export function probabilityWeightWord(pre: number, post: number, stream: number, k0: number, k1: number, out: Uint32Array): number {
  return philox4x32(pre, post, PURPOSE_WEIGHT, (stream << 16) >>> 0, k0, k1, out)[0]!;
}

/**
 * Builds one projection on the CPU. Fixed in-degree rows come out in ascending (post, slot)
 * order; the GPU fills them with atomics in any order (the synapses are the same).
 */
export function buildCsr(s: BuildSpec): Csr {
  const [k0, k1] = seedKey(s.seed);
  const w = new Uint32Array(4);
  const base = (s.stream << 16) >>> 0;
  const c = s.connect;
  const rowLen = new Uint32Array(s.nPre);
  let pairs: { pre: number; post: number; word: number }[] | null = null;

  if (c.rule === 'fixed-probability') {
    const full = binomialThresholds(BLOCK, c.p), tail = binomialThresholds(s.nPost % BLOCK || BLOCK, c.p);
    const rows: number[][] = [];
    for (let i = 0; i < s.nPre; i++) {
      const row: number[] = [];
      probabilityRow(s, i, full, tail, k0, k1, w, (post) => row.push(post));
      rows.push(row);
      rowLen[i] = row.length;
    }
    return finish(s, rowLen, (i, emit) => {
      for (const post of rows[i]!) emit(post, s.randomWeights ? probabilityWeightWord(i, post, s.stream, k0, k1, w) : 0);
    });
  }
  if (c.rule === 'fixed-out-degree') {
    rowLen.fill(c.k);
    return finish(s, rowLen, (i, emit) => {
      for (let j = 0; j < c.k; j++) {
        philox4x32(i, j, PURPOSE_CONNECT, base, k0, k1, w);
        emit(drawOther(w[0]!, s.nPost, i, s.noSelf), w[1]!);
      }
    });
  }
  if (c.rule === 'fixed-in-degree') {
    pairs = [];
    for (let j = 0; j < s.nPost; j++) {
      for (let q = 0; q < c.k; q++) {
        philox4x32(j, q, PURPOSE_CONNECT, base, k0, k1, w);
        const pre = drawOther(w[0]!, s.nPre, j, s.noSelf);
        pairs.push({ pre, post: j, word: w[1]! });
        rowLen[pre]!++;
      }
    }
  } else {
    pairs = [];
    for (let q = 0; q < c.pre.length; q++) {
      pairs.push({ pre: c.pre[q]!, post: c.post[q]!, word: q });
      rowLen[c.pre[q]!]!++;
    }
  }
  const byPre: number[][] = Array.from({ length: s.nPre }, () => []);
  pairs.forEach((p, q) => byPre[p.pre]!.push(q));
  return finish(s, rowLen, (i, emit) => { for (const q of byPre[i]!) emit(pairs![q]!.post, pairs![q]!.word); });
}

/** Lays rows out from their lengths and fills them in row order through `fill`. */
function finish(s: BuildSpec, rowLen: Uint32Array, fill: (pre: number, emit: (post: number, word: number) => void) => void): Csr {
  const rowStart = rowStarts(rowLen);
  const total = rowStart[s.nPre]!;
  const targets = new Uint32Array(total);
  const keepWords = s.randomWeights || s.connect.rule === 'list';
  const words = keepWords ? new Uint32Array(total) : null;
  const indeg = new Uint32Array(s.nPost);
  let at = 0;
  for (let i = 0; i < s.nPre; i++) {
    fill(i, (post, word) => {
      targets[at] = post;
      if (words) words[at] = word;
      indeg[post]!++;
      at++;
    });
  }
  let maxInDegree = 0;
  for (let j = 0; j < s.nPost; j++) maxInDegree = Math.max(maxInDegree, indeg[j]!);
  return { nPre: s.nPre, nPost: s.nPost, rowStart, targets, words, maxInDegree };
}

/** Exclusive prefix sum of row lengths (nPre + 1 entries); throws past 2³² − 1 synapses. */
export function rowStarts(rowLen: Uint32Array): Uint32Array {
  const out = new Uint32Array(rowLen.length + 1);
  let acc = 0;
  for (let i = 0; i < rowLen.length; i++) {
    out[i] = acc;
    acc += rowLen[i]!;
    if (acc > 0xffffffff) throw new RangeError(`a projection holds more than 2^32 − 1 synapses`);
  }
  out[rowLen.length] = acc;
  return out;
}

/** Expected synapses of a rule (for memory estimates before any build). */
export function expectedSynapses(c: ConnectRule, nPre: number, nPost: number, noSelf: boolean): number {
  switch (c.rule) {
    case 'fixed-probability': return c.p * nPre * (nPost - (noSelf ? 1 : 0));
    case 'fixed-in-degree': return c.k * nPost;
    case 'fixed-out-degree': return c.k * nPre;
    case 'list': return c.pre.length;
  }
}
