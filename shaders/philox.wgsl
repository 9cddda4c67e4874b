// Philox4x32-10 counter-based RNG, bit-identical to src/rng/philox.ts (docs/conventions.md#random-numbers).
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
const PURPOSE_POISSON: u32 = 8u;

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
// Its log and cos are ours, not the builtins: WGSL bounds the builtin cos only on [−π, π] and
// only to 2⁻¹¹ absolute, and log near 1 only to 2⁻²¹ absolute, which near u1 = 1 is a large
// error in sqrt(−2 ln u1). Software adapters use that freedom (the normals of one Vulkan
// driver were off by 6e-5), so these keep every GPU within a few f32 ulps of the CPU's f64.
fn philox_normal(w: vec4u) -> f32 {
  let u1 = f32((w.x >> 8u) + 1u) * 5.9604644775390625e-8;
  let u2 = philox_uniform01(w.y);
  return sqrt(-2.0 * philox_ln(u1)) * philox_cos_turns(u2);
}

// ln x for a positive normal x: x = m · 2^e with m in [√½, √2), ln m = 2 atanh((m − 1)/(m + 1))
// by its series to the 9th power (truncation below 1e-9), e · ln 2 in two parts (the high part
// has trailing zero bits, so e · LN2_HI is exact). A few ulps relative, also near x = 1.
fn philox_ln(x: f32) -> f32 {
  let bits = bitcast<u32>(x);
  var e = i32(bits >> 23u) - 127;
  var m = bitcast<f32>((bits & 0x007FFFFFu) | 0x3F800000u);  // [1, 2)
  if (m > 1.4142135623730951) { m = 0.5 * m; e = e + 1; }
  let t = (m - 1.0) / (m + 1.0);
  let t2 = t * t;
  let lnm = 2.0 * t * (1.0 + t2 * (0.3333333333333333 + t2 * (0.2 + t2 * (0.14285714285714285 + t2 * 0.1111111111111111))));
  return f32(e) * 0.693145751953125 + (f32(e) * 1.4286068203094172e-6 + lnm);
}

// cos(2π u): reduced exactly to the nearest quarter turn q and a remainder f in [−½, ½], then
// the series of sin(π/2 f) and cos(π/2 f) (to the 9th and 8th powers: truncation below 3e-8).
fn philox_cos_turns(u: f32) -> f32 {
  let v = 4.0 * fract(u);
  let q = round(v);
  let f = v - q;
  let f2 = f * f;
  let s = f * (1.5707963267948966 + f2 * (-0.6459640975062462 + f2 * (0.07969262624616703 + f2 * (-0.004681754135318687 + f2 * 0.00016044118478735975))));
  let c = 1.0 + f2 * (-1.2337005501361697 + f2 * (0.253669507901048 + f2 * (-0.020863480763352957 + f2 * 0.0009192602748394263)));
  let k = u32(q) & 3u;
  return select(select(c, -s, k == 1u), select(-c, s, k == 3u), k >= 2u);
}
