// A spike raster drawn on the GPU from a simulation's recorded spikes: `history` holds the last
// `window` steps as bitmasks (slot = step % window, `words` u32 per step, bit b of word w = neuron
// 32w + b). `scatter` (compute, group 1) sets the bits of one chunk's (step, neuron) pairs, read
// in place from the simulation's records buffer. Pixel column c covers window steps
// [c·window / width, …), pixel row r (from the bottom) neurons [r·n / height, …); a pixel is dark
// when an excitatory neuron (< split) of its bin fired, red when only inhibitory ones did, white
// otherwise. `rasterClasses` in src/render/spike_raster.ts is the CPU reference of this binning.

struct RasterParams {
  n: u32,
  words: u32,
  window: u32,     // steps shown (and slots in `history`)
  head: u32,       // steps simulated so far: the newest shown step is head − 1
  width: u32,      // pixels
  height: u32,
  split: u32,      // neurons below this index are excitatory
  pad: u32,
}

@group(0) @binding(0) var<uniform> R: RasterParams;
@group(0) @binding(1) var<storage, read> history: array<u32>;

@vertex
fn vs(@builtin(vertex_index) k: u32) -> @builtin(position) vec4f {
  // One triangle that covers the viewport.
  let xy = vec2f(f32((k << 1u) & 2u), f32(k & 2u));
  return vec4f(xy * 2.0 - 1.0, 0.0, 1.0);
}

/** First index of bin `b` when `total` items are spread over `bins` bins (at least one item). */
fn bin_start(b: u32, total: u32, bins: u32) -> u32 {
  return (b * total) / bins;
}

fn bin_end(b: u32, total: u32, bins: u32) -> u32 {
  return max((b + 1u) * total / bins, bin_start(b, total, bins) + 1u);
}

/** Bits of word w that fall in neurons [i0, i1). */
fn range_mask(w: u32, i0: u32, i1: u32) -> u32 {
  if (i0 >= i1 || i1 <= w * 32u || i0 >= w * 32u + 32u) { return 0u; }
  let lo = max(i0, w * 32u) - w * 32u;
  let hi = min(i1, w * 32u + 32u) - w * 32u;
  let upper = select((1u << hi) - 1u, 0xffffffffu, hi == 32u);
  return upper & ~((1u << lo) - 1u);
}

/** 0: no spike, 1: an excitatory neuron fired, 2: only inhibitory ones fired. */
fn pixel_class(c: u32, r: u32) -> u32 {
  let i0 = bin_start(r, R.n, R.height);
  let i1 = min(bin_end(r, R.n, R.height), R.n);
  let s0 = bin_start(c, R.window, R.width);
  let s1 = min(bin_end(c, R.window, R.width), R.window);
  let e1 = min(i1, R.split);   // excitatory part [i0, e1)
  var inhibitory = false;
  for (var s = s0; s < s1; s++) {
    // Window position s is step head − window + s; steps before 0 are empty.
    if (s + R.head < R.window) { continue; }
    let base = ((s + R.head - R.window) % R.window) * R.words;
    for (var w = i0 / 32u; w <= (i1 - 1u) / 32u; w++) {
      let bits = history[base + w];
      if (bits == 0u) { continue; }
      if ((bits & range_mask(w, i0, e1)) != 0u) { return 1u; }
      if ((bits & range_mask(w, max(i0, e1), i1)) != 0u) { inhibitory = true; }
    }
  }
  return select(0u, 2u, inhibitory);
}

@fragment
fn fs(@builtin(position) pos: vec4f) -> @location(0) vec4f {
  let c = u32(pos.x);
  let r = R.height - 1u - u32(pos.y);
  switch pixel_class(c, r) {
    case 1u: { return vec4f(0.08, 0.08, 0.12, 1.0); }
    case 2u: { return vec4f(0.85, 0.1, 0.1, 1.0); }
    default: { return vec4f(1.0, 1.0, 1.0, 1.0); }
  }
}

struct ScatterParams {
  count_word: u32, // records[count_word]: pairs the chunk recorded
  pairs_word: u32, // pair r is (step, neuron) at records[pairs_word + 2r], [… + 2r + 1]
  capacity: u32,   // pairs the records hold at most
  first: u32,      // the oldest step kept (a chunk longer than the window keeps its last steps)
  n: u32,
  words: u32,
  window: u32,
  pad: u32,
}

@group(1) @binding(0) var<uniform> C: ScatterParams;
@group(1) @binding(1) var<storage, read> records: array<u32>;
@group(1) @binding(2) var<storage, read_write> ring: array<atomic<u32>>;

// One chunk's pairs into the ring (its slots cleared before); atomicOr, since neurons share words.
@compute @workgroup_size(64)
fn scatter(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let count = min(records[C.count_word], C.capacity);
  for (var r = id.x; r < count; r += groups.x * 64u) {
    let t = records[C.pairs_word + 2u * r];
    let i = records[C.pairs_word + 2u * r + 1u];
    if (t < C.first || i >= C.n) { continue; }
    atomicOr(&ring[(t % C.window) * C.words + i / 32u], 1u << (i % 32u));
  }
}
