// Event-driven synaptic propagation (src/sparse/connectivity.ts says why CSR by pre): for each
// neuron that spiked this step, every synapse of its row adds its weight in fixed point to the
// target's accumulator slot `delay + 1` steps ahead. Integer atomics make the sums exact and
// independent of the order the GPU runs them in. One dispatch covers every projection piece of
// one synapse store (src/sparse/build_gpu.ts packs them). Composed after sparse_network.wgsl,
// whose parameters, spike lists and accumulators it uses.

const LANES: u32 = 64u;     // lanes of a team: one team walks one spiking neuron's rows
const MAX_JOBS: u32 = 128u;

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
}

struct Jobs { count: u32, job: array<Job, MAX_JOBS> }

@group(2) @binding(0) var<uniform> J: Jobs;
@group(2) @binding(1) var<storage, read> row_start: array<u32>;  // every projection's row starts, at row_base
@group(2) @binding(2) var<storage, read> targets: array<u32>;    // the store's synapses: local post index
@group(2) @binding(3) var<storage, read> words: array<u32>;      // and their weight words

fn weight_of(job: Job, s: u32) -> i32 {
  if (job.mode == 0u) { return job.constant; }
  if (job.mode == 1u) { return job.low + i32(philox_mulhi(words[s], job.span)); }
  return bitcast<i32>(words[s]);
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
