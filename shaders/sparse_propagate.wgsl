// Event-driven synaptic propagation of one projection segment (src/sparse/connectivity.ts says
// why CSR by pre): for each neuron that spiked this step, every synapse of its row adds its weight
// in fixed point to the target's accumulator slot `delay + 1` steps ahead. Integer atomics make
// the sums exact and independent of the order the GPU runs them in. Composed after philox.wgsl.

const LANES: u32 = 64u;

struct Job {
  n: u32,            // neurons in the network
  ring: u32,
  targets: u32,
  target_var: u32,  // which synaptic target: 0 ge or I, 1 gi
  pre_start: u32,    // first global index of the pre and post populations
  post_start: u32,
  row0: u32,         // this segment's rows (local pre indices) and first synapse
  row1: u32,
  seg_base: u32,
  delay: u32,
  mode: u32,         // weights: 0 one value, 1 uniform from the synapse's raw word, 2 per-synapse fixed point
  constant: i32,
  low: i32,
  span: u32,
  groups: u32,       // workgroups of the dispatch: each takes every groups-th spike
}

struct Step { t: u32, tc: u32 }

@group(0) @binding(0) var<uniform> J: Job;
@group(0) @binding(1) var<storage, read> row_start: array<u32>;
@group(0) @binding(2) var<storage, read> targets: array<u32>;
@group(0) @binding(3) var<storage, read> words: array<u32>;
@group(0) @binding(4) var<storage, read> spikes: array<u32>;
@group(0) @binding(5) var<storage, read_write> acc: array<atomic<i32>>;
@group(1) @binding(0) var<uniform> S: Step;

fn weight_of(s: u32) -> i32 {
  if (J.mode == 0u) { return J.constant; }
  if (J.mode == 1u) { return J.low + i32(philox_mulhi(words[s], J.span)); }
  return bitcast<i32>(words[s]);
}

@compute @workgroup_size(LANES)
fn propagate(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lane: u32) {
  let parity = S.t & 1u;
  let count = spikes[parity];
  let base = (((S.t + 1u + J.delay) % J.ring) * J.targets + J.target_var) * J.n + J.post_start;
  for (var k = wid.x; k < count; k += J.groups) {
    let pre = spikes[2u + parity * J.n + k] - J.pre_start;  // wraps past row1 for neurons before the population
    if (pre < J.row0 || pre >= J.row1) { continue; }
    let end = row_start[pre + 1u] - J.seg_base;
    for (var s = row_start[pre] - J.seg_base + lane; s < end; s += LANES) {
      atomicAdd(&acc[base + targets[s]], weight_of(s));
    }
  }
}
