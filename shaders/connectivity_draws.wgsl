// The draws that define a projection's synapses (src/compile/csr.ts, draw for draw),
// shared by the build kernels (connectivity.wgsl) and by procedural propagation (the kernels
// src/engine/gpu_synapses.ts generates), which regenerates a spiking neuron's row instead of reading it.
// Counter word 3 is stream << 16 | sub. Composed after philox.wgsl.

const BLOCK: u32 = 32u;

fn conn_word3(stream: u32, sub: u32) -> u32 { return (stream << 16u) | sub; }

fn nth_set_bit(mask: u32, r: u32) -> u32 {
  var m = mask;
  for (var q = 0u; q < r; q++) { m &= m - 1u; }
  return countTrailingZeros(m);
}

// Uniform over [0, n), or over [0, n) without self_index when no_self (values ≥ self shift up).
fn draw_index(word: u32, n: u32, self_index: u32, no_self: bool) -> u32 {
  if (!no_self) { return philox_mulhi(word, n); }
  let x = philox_mulhi(word, n - 1u);
  return select(x, x + 1u, x >= self_index);
}

// Fixed probability: the uniform words that set the counts of blocks 4·quad … 4·quad + 3.
fn probability_count_words(pre: u32, quad: u32, stream: u32, seed: vec2u) -> vec4u {
  return philox4x32(vec4u(pre, quad, PURPOSE_CONNECT, conn_word3(stream, 0u)), seed);
}

// Fixed probability: which c of block b's m slots row `pre` connects to, as a bit mask, minus
// the self slot when no_self.
fn probability_block_slots(pre: u32, b: u32, c: u32, m: u32, no_self: bool, stream: u32, seed: vec2u) -> u32 {
  var free = select((1u << m) - 1u, 0xFFFFFFFFu, m == BLOCK);
  var chosen = 0u;
  var pick = vec4u(0u);
  for (var r = 0u; r < c; r++) {
    if ((r & 3u) == 0u) { pick = philox4x32(vec4u(pre, b, PURPOSE_CONNECT, conn_word3(stream, 1u + (r >> 2u))), seed); }
    let slot = nth_set_bit(free, philox_mulhi(pick[r & 3u], m - r));
    free &= ~(1u << slot);
    chosen |= 1u << slot;
  }
  if (no_self && pre / BLOCK == b) { chosen &= ~(1u << (pre % BLOCK)); }
  return chosen;
}

// Fixed probability: the raw weight word of synapse (pre, post), whatever order it is made in.
fn probability_weight_word(pre: u32, post: u32, stream: u32, seed: vec2u) -> u32 {
  return philox4x32(vec4u(pre, post, PURPOSE_WEIGHT, conn_word3(stream, 0u)), seed).x;
}

// Fixed out- or in-degree: slot j of neuron `owner` draws (the other end among n, raw weight word).
fn degree_synapse(owner: u32, j: u32, n: u32, no_self: bool, stream: u32, seed: vec2u) -> vec2u {
  let w = philox4x32(vec4u(owner, j, PURPOSE_CONNECT, conn_word3(stream, 0u)), seed);
  return vec2u(draw_index(w.x, n, owner, no_self), w.y);
}

// Fixed total: slot j of row `pre` draws its target (src/compile/connectivity.ts, DRAW.totalPost = 5).
fn total_target(pre: u32, j: u32, n: u32, no_self: bool, stream: u32, seed: vec2u) -> u32 {
  return draw_index(philox4x32(vec4u(pre, j, PURPOSE_CONNECT, conn_word3(stream, 5u)), seed).x, n, pre, no_self);
}

// Synapse (pre, slot j)'s uniform weight word (DRAW.weight = 1).
fn slot_weight_word(pre: u32, j: u32, stream: u32, seed: vec2u) -> u32 {
  return philox4x32(vec4u(pre, j, PURPOSE_WEIGHT, conn_word3(stream, 1u)), seed).x;
}

// Synapse (pre, slot j)'s N(mean, sd), drawn again while outside [lo, hi] as the host's redraw
// (attempt a in the bits above `what`: 1 weight, 2 delay). The host refuses bounds keeping under
// 1 %, so the last line is never reached in practice.
fn redrawn_normal(pre: u32, j: u32, stream: u32, what: u32, mean: f32, sd: f32, lo: f32, hi: f32, seed: vec2u) -> f32 {
  for (var a = 0u; a < 4096u; a++) {
    let x = mean + sd * philox_normal(philox4x32(vec4u(pre, j, PURPOSE_WEIGHT, conn_word3(stream, what | (a << 3u))), seed));
    if (x >= lo && x <= hi) { return x; }
  }
  return clamp(mean, lo, hi);
}

// x rounded to the nearest integer, halves up, as the host's Math.round (floor(x + 0.5) would
// round x + 0.5 itself in f32 for |x| ≥ 2²³).
fn round_half_up(x: f32) -> i32 {
  let f = floor(x);
  return i32(f) + select(0, 1, x - f >= 0.5);
}
