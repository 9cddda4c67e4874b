// Sparse connectivity built on the GPU from Philox, draw for draw the same as
// src/compile/csr.ts (see there for the rules, the counters and why CSR by pre).
// Composed after philox.wgsl and connectivity_draws.wgsl. Rows longer than a binding are never
// split: the host packs whole rows into synapse stores and runs the fill kernels once per piece,
// rows [row0, row1), synapse index s at store word s − seg_base (mod 2³²). With `store` 0 the
// fill kernels only count in-degrees (procedural projections: nothing is stored).

const LANES: u32 = 64u;

struct BuildParams {
  n_pre: u32,
  n_post: u32,
  k: u32,              // in- or out-degree
  stream: u32,         // counter word 3 = stream << 16 | sub
  seed: vec2u,
  no_self: u32,
  random_weights: u32,
  row0: u32,           // this segment's rows and first synapse
  row1: u32,
  seg_base: u32,
  store: u32,          // 0: count in-degrees only
  groups_x: u32,       // workgroups per row of the 2-D dispatch grid
}

@group(0) @binding(0) var<uniform> B: BuildParams;
@group(0) @binding(1) var<storage, read> cdf: array<u32, 64>;          // full blocks, then the tail block
@group(0) @binding(2) var<storage, read_write> rows: array<atomic<u32>>;  // row lengths (count), row starts (fill)
@group(0) @binding(3) var<storage, read_write> cursor: array<atomic<u32>>; // fixed in-degree fill positions
@group(0) @binding(4) var<storage, read_write> targets: array<u32>;
@group(0) @binding(5) var<storage, read_write> words: array<u32>;
@group(0) @binding(6) var<storage, read_write> indeg: array<atomic<u32>>;  // [0]: max in-degree, then one per post

var<workgroup> lane_counts: array<u32, LANES>;
var<workgroup> row_total: atomic<u32>;

fn note_in_degree(post: u32) {
  let d = atomicAdd(&indeg[1u + post], 1u) + 1u;
  atomicMax(&indeg[0], d);
}

// The chosen slots of block b of row `pre` (u: its count's uniform word) as a bit mask.
fn probability_block(pre: u32, b: u32, u: u32) -> u32 {
  let m = min(BLOCK, B.n_post - b * BLOCK);
  let t = select(32u, 0u, m == BLOCK);
  var c = 0u;
  while (c < m && u >= cdf[t + c]) { c++; }
  return probability_block_slots(pre, b, c, m, B.no_self != 0u, B.stream, B.seed);
}

// Lane `lane`'s blocks of a row, and the chosen-slot masks one after the other through `visit`.
fn lane_blocks(lane: u32) -> vec2u {
  let blocks = (B.n_post + BLOCK - 1u) / BLOCK;
  let per = (blocks + LANES - 1u) / LANES;
  return vec2u(min(lane * per, blocks), min((lane + 1u) * per, blocks));
}

fn row_of(wid: vec3u) -> u32 { return wid.y * B.groups_x + wid.x; }

// Fixed probability, pass 1: the length of each row (one workgroup per row).
@compute @workgroup_size(LANES)
fn probability_count(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lane: u32) {
  let pre = row_of(wid);
  if (lane == 0u) { atomicStore(&row_total, 0u); }
  workgroupBarrier();
  if (pre < B.n_pre) {
    let span = lane_blocks(lane);
    var n = 0u;
    var u = vec4u(0u);
    for (var b = span.x; b < span.y; b++) {
      if ((b & 3u) == 0u || b == span.x) { u = probability_count_words(pre, b >> 2u, B.stream, B.seed); }
      n += countOneBits(probability_block(pre, b, u[b & 3u]));
    }
    atomicAdd(&row_total, n);
  }
  workgroupBarrier();
  if (lane == 0u && pre < B.n_pre) { atomicStore(&rows[pre], atomicLoad(&row_total)); }
}

// Fixed probability, pass 2: each row's synapses in ascending post order (one workgroup per row).
@compute @workgroup_size(LANES)
fn probability_fill(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lane: u32) {
  let pre = B.row0 + row_of(wid);
  let live = pre < B.row1;
  let span = lane_blocks(lane);
  let store = B.store != 0u;
  var n = 0u;
  var u = vec4u(0u);
  if (live && store) {
    for (var b = span.x; b < span.y; b++) {
      if ((b & 3u) == 0u || b == span.x) { u = probability_count_words(pre, b >> 2u, B.stream, B.seed); }
      n += countOneBits(probability_block(pre, b, u[b & 3u]));
    }
  }
  lane_counts[lane] = n;
  workgroupBarrier();
  if (!live) { return; }
  var at = 0u;
  if (store) {
    at = atomicLoad(&rows[pre]) - B.seg_base;
    for (var l = 0u; l < lane; l++) { at += lane_counts[l]; }
  }
  for (var b = span.x; b < span.y; b++) {
    if ((b & 3u) == 0u || b == span.x) { u = probability_count_words(pre, b >> 2u, B.stream, B.seed); }
    var chosen = probability_block(pre, b, u[b & 3u]);
    loop {
      if (chosen == 0u) { break; }
      let post = b * BLOCK + countTrailingZeros(chosen);
      chosen &= chosen - 1u;
      if (store) {
        targets[at] = post;
        if (B.random_weights != 0u) { words[at] = probability_weight_word(pre, post, B.stream, B.seed); }
      }
      note_in_degree(post);
      at++;
    }
  }
}

// One thread per synapse slot of the 2-D grid: (row · k + slot) over `count` rows from `first`.
fn slot_of(gid: vec3u, nwg: vec3u) -> u32 { return gid.y * nwg.x * 256u + gid.x; }

// Fixed out-degree: row lengths are k; fill each row of this segment in slot order.
@compute @workgroup_size(256)
fn out_degree_fill(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let g = slot_of(gid, nwg);
  let rows_here = B.row1 - B.row0;
  if (g >= rows_here * B.k) { return; }
  let pre = B.row0 + g / B.k;
  let j = g % B.k;
  let w = degree_synapse(pre, j, B.n_post, B.no_self != 0u, B.stream, B.seed);
  let post = w.x;
  if (B.store != 0u) {
    let at = pre * B.k + j - B.seg_base;
    targets[at] = post;
    if (B.random_weights != 0u) { words[at] = w.y; }
  }
  note_in_degree(post);
}

// Fixed in-degree synapse g (post g / k, slot g mod k): (pre, post, weight word).
fn in_degree_synapse(g: u32) -> vec3u {
  let post = g / B.k;
  let w = degree_synapse(post, g % B.k, B.n_pre, B.no_self != 0u, B.stream, B.seed);
  return vec3u(w.x, post, w.y);
}

// Fixed in-degree, pass 1: row lengths by counting each drawn pre (thread per post slot).
@compute @workgroup_size(256)
fn in_degree_count(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let g = slot_of(gid, nwg);
  if (g >= B.n_post * B.k) { return; }
  atomicAdd(&rows[in_degree_synapse(g).x], 1u);
}

// Fixed in-degree, pass 2: each synapse whose pre lies in this segment takes the next free
// place of its row (atomics: the order inside a row varies, the set of synapses does not).
@compute @workgroup_size(256)
fn in_degree_fill(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let g = slot_of(gid, nwg);
  if (g >= B.n_post * B.k) { return; }
  let syn = in_degree_synapse(g);
  let pre = syn.x;
  if (pre < B.row0 || pre >= B.row1) { return; }
  let at = atomicLoad(&rows[pre]) + atomicAdd(&cursor[pre], 1u) - B.seg_base;
  targets[at] = syn.y;
  if (B.random_weights != 0u) { words[at] = syn.z; }
}
