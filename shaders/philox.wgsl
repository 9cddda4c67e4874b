// Philox4x32-10 counter-based RNG, bit-identical to src/rng/philox.ts (MODELS.md §7).
// WGSL has no 64-bit integers: the high word of a 32×32 product is built from 16-bit halves.

const PHILOX_M0: u32 = 0xD2511F53u;
const PHILOX_M1: u32 = 0xCD9E8D57u;
const PHILOX_W0: u32 = 0x9E3779B9u;
const PHILOX_W1: u32 = 0xBB67AE85u;

// Stream purposes, same values as Purpose in philox.ts.
const PURPOSE_NOISE: u32 = 1u;
const PURPOSE_CIRCUIT_NOISE: u32 = 5u;
const PURPOSE_CONNECT: u32 = 6u;
const PURPOSE_WEIGHT: u32 = 7u;

fn philox_mulhi(a: u32, b: u32) -> u32 {
  let aL = a & 0xFFFFu; let aH = a >> 16u;
  let bL = b & 0xFFFFu; let bH = b >> 16u;
  let ll = aL * bL; let lh = aL * bH; let hl = aH * bL; let hh = aH * bH;
  let mid = (ll >> 16u) + (lh & 0xFFFFu) + (hl & 0xFFFFu);
  return hh + (lh >> 16u) + (hl >> 16u) + (mid >> 16u);
}

fn philox4x32(ctr: vec4u, key: vec2u) -> vec4u {
  var x = ctr;
  var k = key;
  for (var r = 0u; r < 10u; r++) {
    if (r > 0u) { k = k + vec2u(PHILOX_W0, PHILOX_W1); }
    let hi0 = philox_mulhi(PHILOX_M0, x.x); let lo0 = PHILOX_M0 * x.x;
    let hi1 = philox_mulhi(PHILOX_M1, x.z); let lo1 = PHILOX_M1 * x.z;
    x = vec4u(hi1 ^ x.y ^ k.x, lo1, hi0 ^ x.w ^ k.y, lo0);
  }
  return x;
}

fn philox_uniform01(x: u32) -> f32 {
  return f32(x >> 8u) * 5.9604644775390625e-8;
}

// Standard normal, Box–Muller cosine branch on words 0 and 1 (same recipe as normalFromWords).
fn philox_normal(w: vec4u) -> f32 {
  let u1 = f32((w.x >> 8u) + 1u) * 5.9604644775390625e-8;
  let u2 = philox_uniform01(w.y);
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}
