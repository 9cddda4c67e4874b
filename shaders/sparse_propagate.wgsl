// Event-driven synaptic propagation (src/compile/csr.ts says why CSR by pre): for each
// neuron that spiked this step, every synapse of its row adds its weight in fixed point to the
// target's accumulator slot `delay + 1` steps ahead. Integer atomics make the sums exact and
// independent of the order the GPU runs them in. A row is read from a synapse store (one
// dispatch covers every projection piece of one store; src/engine/gpu_build.ts packs them) or,
// for procedural projections, drawn again from Philox exactly as the build draws it, so nothing
// is stored. Composed after sparse_network.wgsl (whose parameters, spike lists and accumulators
// it uses) and connectivity_draws.wgsl.

const LANES: u32 = 64u;     // lanes of a team: one team walks one spiking neuron's rows
const MAX_JOBS: u32 = 128u;
const MAX_CDF_TABLES: u32 = 32u;   // procedural fixed-probability projections
const SOURCE_STORED: u32 = 0u;
const SOURCE_PROBABILITY: u32 = 1u;  // regenerated: fixed probability
const SOURCE_OUT_DEGREE: u32 = 2u;   // regenerated: fixed out-degree

// Rows [row0, row1) of one projection, all in this dispatch's store.
struct Job {
  target_var: u32,   // which synaptic target: 0 ge or I, 1 gi (`target` is a reserved word)
  pre_start: u32,    // first global index of the pre and post populations
  post_start: u32,
  row0: u32,         // the piece's rows (local pre indices)
  row1: u32,
  row_base: u32,     // the projection's first word in row_start
  syn_offset: u32,   // store word − synapse index (mod 2³²)
  delay: u32,
  mode: u32,         // weights: 0 one value, 1 uniform from the synapse's raw word, 2 per-synapse fixed point
  constant: i32,
  low: i32,
  span: u32,
  source: u32,       // SOURCE_*: where the rows come from
  n_post: u32,       // regenerated rows: the draws' parameters (the seed is P.seed)
  k: u32,
  no_self: u32,
  stream: u32,
  cdf_at: u32,       // first word of the projection's count thresholds in cdf (full block, then tail)
  pad0: u32,
  pad1: u32,
}

struct Jobs { count: u32, job: array<Job, MAX_JOBS> }

@group(2) @binding(0) var<uniform> J: Jobs;
@group(2) @binding(1) var<storage, read> row_start: array<u32>;  // every projection's row starts, at row_base
@group(2) @binding(2) var<storage, read> targets: array<u32>;    // the store's synapses: local post index
@group(2) @binding(3) var<storage, read> words: array<u32>;      // and their weight words
@group(2) @binding(4) var<uniform> cdf: array<vec4u, 16u * MAX_CDF_TABLES>;  // binomial count thresholds, 64 words a table

fn weight_of(job: Job, s: u32) -> i32 {
  if (job.mode == 0u) { return job.constant; }
  if (job.mode == 1u) { return uniform_weight(job, words[s]); }
  return bitcast<i32>(words[s]);
}

fn uniform_weight(job: Job, word: u32) -> i32 { return job.low + i32(philox_mulhi(word, job.span)); }

fn cdf_word(k: u32) -> u32 { return cdf[k / 4u][k % 4u]; }

// Row `pre` of a procedural projection, drawn again; the lanes share its synapses.
fn propagate_regenerated(job: Job, pre: u32, base: u32, lane: u32) {
  let no_self = job.no_self != 0u;
  if (job.source == SOURCE_OUT_DEGREE) {
    for (var j = lane; j < job.k; j += LANES) {
      let syn = degree_synapse(pre, j, job.n_post, no_self, job.stream, P.seed);
      atomicAdd(&acc[base + syn.x], select(job.constant, uniform_weight(job, syn.y), job.mode == 1u));
    }
    return;
  }
  let blocks = (job.n_post + BLOCK - 1u) / BLOCK;
  for (var quad = lane; quad * 4u < blocks; quad += LANES) {
    let u = probability_count_words(pre, quad, job.stream, P.seed);
    for (var b = 4u * quad; b < min(4u * quad + 4u, blocks); b++) {
      let m = min(BLOCK, job.n_post - b * BLOCK);
      let t = job.cdf_at + select(32u, 0u, m == BLOCK);
      var c = 0u;
      while (c < m && u[b & 3u] >= cdf_word(t + c)) { c++; }
      if (c == 0u) { continue; }
      var chosen = probability_block_slots(pre, b, c, m, no_self, job.stream, P.seed);
      loop {
        if (chosen == 0u) { break; }
        let post = b * BLOCK + countTrailingZeros(chosen);
        chosen &= chosen - 1u;
        var w = job.constant;
        if (job.mode == 1u) { w = uniform_weight(job, probability_weight_word(pre, post, job.stream, P.seed)); }
        atomicAdd(&acc[base + post], w);
      }
    }
  }
}

// Step t's spikes through every job; team `team` of `teams` takes every teams-th spike.
fn propagate_spikes(t: u32, team: u32, teams: u32, lane: u32) {
  let parity = t & 1u;
  let count = atomicLoad(&spikes[parity]);
  for (var k = team; k < count; k += teams) {
    let i = atomicLoad(&spikes[2u + parity * P.n + k]);
    for (var q = 0u; q < J.count; q++) {
      let job = J.job[q];
      let pre = i - job.pre_start;  // wraps past row1 for neurons before the population
      if (pre < job.row0 || pre >= job.row1) { continue; }
      let base = (((t + 1u + job.delay) % P.ring) * P.targets + job.target_var) * P.n + job.post_start;
      if (job.source != SOURCE_STORED) {
        propagate_regenerated(job, pre, base, lane);
        continue;
      }
      let end = row_start[job.row_base + pre + 1u] + job.syn_offset;
      for (var s = row_start[job.row_base + pre] + job.syn_offset + lane; s < end; s += LANES) {
        atomicAdd(&acc[base + targets[s]], weight_of(job, s));
      }
    }
  }
}

// Many steps' shape: one dispatch per store and step, a team per workgroup.
@compute @workgroup_size(LANES)
fn propagate(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lane: u32) {
  propagate_spikes(S.t, wid.x, nwg.x, lane);
}
