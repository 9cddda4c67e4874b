// Philox4x32-10 (Salmon et al. 2011), bit-identical to shaders/philox.wgsl; see docs/conventions.md#random-numbers.

/** Stream purposes: part of every counter so streams never overlap. Same values as philox.wgsl. */
export const Purpose = { noise: 1, params: 2, weights: 3, init: 4, circuitNoise: 5, connect: 6, synapseWeight: 7, poisson: 8 } as const;

/**
 * Philox4x32-10 of counter (c0..c3) under key (k0, k1); writes four u32 words into `out`.
 * Self-contained (constants and mulhi inside): CPU worker threads evaluate its source (src/engine/cpu_threads.ts).
 */
export function philox4x32(
  c0: number, c1: number, c2: number, c3: number, k0: number, k1: number,
  out: Uint32Array = new Uint32Array(4),
): Uint32Array {
  /**
   * High 32 bits of a 32×32-bit product, from 16-bit halves exactly as the WGSL does it. Values are
   * kept as int32 (| 0, Math.imul): uint32 values ≥ 2³¹ would be doubles in V8, twice as slow.
   */
  function mulhi(a: number, b: number): number {
    const aL = a & 0xffff, aH = a >>> 16, bL = b & 0xffff, bH = b >>> 16;
    const ll = Math.imul(aL, bL), lh = Math.imul(aL, bH), hl = Math.imul(aH, bL), hh = Math.imul(aH, bH);
    const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
    return (hh + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) | 0;
  }
  const M0 = 0xd2511f53, M1 = 0xcd9e8d57, W0 = 0x9e3779b9, W1 = 0xbb67ae85;
  let x0 = c0 | 0, x1 = c1 | 0, x2 = c2 | 0, x3 = c3 | 0;
  let y0 = k0 | 0, y1 = k1 | 0;
  for (let r = 0; r < 10; r++) {
    if (r > 0) { y0 = (y0 + W0) | 0; y1 = (y1 + W1) | 0; }
    const hi0 = mulhi(M0, x0), lo0 = Math.imul(M0, x0);
    const hi1 = mulhi(M1, x2), lo1 = Math.imul(M1, x2);
    x0 = hi1 ^ x1 ^ y0;
    x1 = lo1;
    x2 = hi0 ^ x3 ^ y1;
    x3 = lo0;
  }
  out[0] = x0; out[1] = x1; out[2] = x2; out[3] = x3;
  return out;
}

/** Exact uniform in [0, 1) from one word: (x >> 8) · 2⁻²⁴, identical on CPU and GPU. */
export function uniform01(x: number): number {
  return (x >>> 8) * 5.9604644775390625e-8;
}

/** Splits a non-negative integer seed (< 2⁵³) into the two key words. */
export function seedKey(seed: number): [number, number] {
  return [seed >>> 0, Math.floor(seed / 4294967296) >>> 0];
}

/**
 * Standard normal from the first two words (Box–Muller, cosine branch). The uniforms are the same
 * on CPU and GPU; log/cos are not bit-exact across them, so normals agree to a few f32 ULP.
 * Self-contained (uniform01 written out): CPU worker threads evaluate its source.
 */
export function normalFromWords(x0: number, x1: number): number {
  const u1 = ((x0 >>> 8) + 1) * 5.9604644775390625e-8; // (0, 1]: log never sees 0
  const u2 = (x1 >>> 8) * 5.9604644775390625e-8; // uniform01(x1)
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** A keyed stream of draws for one purpose: draw(a, b) depends only on (seed, purpose, a, b). */
export class PhiloxStream {
  private readonly k0: number;
  private readonly k1: number;
  private readonly buf = new Uint32Array(4);
  constructor(seed: number, private readonly purpose: number) {
    [this.k0, this.k1] = seedKey(seed);
  }
  words(a: number, b: number): Uint32Array {
    return philox4x32(a, b, this.purpose, 0, this.k0, this.k1, this.buf);
  }
  uniform(a: number, b: number, word = 0): number {
    return uniform01(this.words(a, b)[word]!);
  }
  normal(a: number, b: number): number {
    const w = this.words(a, b);
    return normalFromWords(w[0]!, w[1]!);
  }
}
