// One step of every neuron of a sparse network (src/sparse/): take this step's synaptic input
// from the accumulator ring (fixed point, filled by sparse_propagate.wgsl), advance the model,
// detect spikes, append them to this step's spike list, record them and count population rates;
// sample the traced neurons once the step and its propagation are done (in run_steps, or in a
// `sample` dispatch).
// Two launch shapes: `update` + `propagate` dispatches per step (any size), or `run_steps`, one
// workgroup looping over many steps (small networks: no dispatch cost per step).
// Composed after philox.wgsl, model_params.wgsl and the generated model code (cobahh_integrate,
// izh_integrate, izh_reset: src/sparse/models.ts), and before sparse_propagate.wgsl.

override MODEL: u32 = 0u;   // 0: COBAHH, 1: Izhikevich (the seed's half-step scheme)
override WG: u32 = 256u;
const RECORD_HEADER: u32 = 5u;  // spike records, bad count, bad step, bad neuron, steps run
const MAX_TRACED: u32 = 1024u;  // src/sparse/description.ts MAX_TRACED_NEURONS
const IZH_INPUT_ROW: u32 = 7u;  // Izhikevich state rows: v u a b c d σ, then I when traced

struct NetParams {
  n: u32,
  ring: u32,
  targets: u32,
  pops: u32,
  seed: vec2u,
  dt: f32,
  record_spikes: u32,
  record_rates: u32,
  capacity: u32,           // spike records one chunk holds
  pairs_base: u32,         // word of the first (step, neuron) pair: after the header, the chunk's rates and traces
  traces_base: u32,        // word of the chunk's first trace value: [tc][traced neuron][variable]
  traced: u32,             // neurons traced (0: none)
  trace_vars: u32,         // values per traced neuron
  refractory_steps: u32,
  threshold: f32,
  inv_scale: vec4f,        // 1 / fixed-point scale per target
  pop_start: array<vec4u, 8>,
  traced_list: array<vec4u, MAX_TRACED / 4u>,  // the traced neurons' indices
}

struct Step { t: u32, tc: u32, count: u32 }  // global step, step within the chunk, steps (run_steps)

@group(0) @binding(0) var<uniform> P: NetParams;
@group(0) @binding(1) var<storage, read_write> state: array<f32>;           // [var · n + i], then Izhikevich a b c d σ
@group(0) @binding(2) var<storage, read_write> refractory: array<u32>;      // COBAHH steps left
@group(0) @binding(3) var<storage, read_write> acc: array<atomic<i32>>;     // [(slot · targets + target) · n + i]
@group(0) @binding(4) var<storage, read_write> spikes: array<atomic<u32>>;  // counts of parity 0, 1; lists [2 + parity · n + k]
@group(0) @binding(5) var<storage, read_write> records: array<atomic<u32>>; // header, rates [tc · pops + pop], (step, neuron) pairs
@group(1) @binding(0) var<uniform> S: Step;

fn population_of(i: u32) -> u32 {
  var p = 0u;
  for (var q = 1u; q < P.pops; q++) { if (i >= P.pop_start[q / 4u][q % 4u]) { p = q; } }
  return p;
}

fn cobahh_neuron(i: u32, syn: vec2f, t: u32) -> bool {
  let n = P.n;
  let x = vec4f(state[i], state[n + i], state[2u * n + i], state[3u * n + i]);
  let g = vec2f(state[4u * n + i], state[5u * n + i]) + syn;
  let next = cobahh_integrate(x, g, P.dt);
  let y = next.x;
  state[i] = y.x; state[n + i] = y.y; state[2u * n + i] = y.z; state[3u * n + i] = y.w;
  state[4u * n + i] = next.g.x;
  state[5u * n + i] = next.g.y;
  var left = refractory[i];
  if (left > 0u) { left -= 1u; }
  let fired = y.x > P.threshold && left == 0u;
  if (fired) { left = P.refractory_steps; }
  refractory[i] = left;
  if (!(is_finite(y.x) && is_finite(y.y) && is_finite(y.z) && is_finite(y.w))) { report_bad(i, t); }
  return fired;
}

fn izhikevich_neuron(i: u32, syn: vec2f, t: u32) -> bool {
  let n = P.n;
  let p = vec4f(state[2u * n + i], state[3u * n + i], state[4u * n + i], state[5u * n + i]);
  let sigma = state[6u * n + i];
  var current = syn.x;
  if (sigma != 0.0) { current += sigma * philox_normal(philox4x32(vec4u(t, i, PURPOSE_NOISE, 0u), P.seed)); }
  var s = izh_integrate(p, vec2f(state[i], state[n + i]), current, P.dt);
  let fired = s.x >= P.threshold;
  if (fired) { s = izh_reset(p, s); }
  state[i] = s.x; state[n + i] = s.y;
  if (P.traced != 0u) { state[IZH_INPUT_ROW * n + i] = current; }
  if (!(is_finite(s.x) && is_finite(s.y))) { report_bad(i, t); }
  return fired;
}

fn report_bad(i: u32, t: u32) {
  if (atomicAdd(&records[1], 1u) == 0u) {
    atomicStore(&records[2], t);
    atomicStore(&records[3], i);
  }
}

// Step t (step tc of the chunk) of neuron i.
fn step_neuron(i: u32, t: u32, tc: u32) {
  let slot = t % P.ring;
  var syn = vec2f(0.0);
  for (var k = 0u; k < P.targets; k++) {
    let a = (slot * P.targets + k) * P.n + i;
    syn[k] = f32(atomicExchange(&acc[a], 0)) * P.inv_scale[k];
  }
  var fired: bool;
  if (MODEL == 0u) { fired = cobahh_neuron(i, syn, t); } else { fired = izhikevich_neuron(i, syn, t); }
  if (!fired) { return; }
  let parity = t & 1u;
  let k = atomicAdd(&spikes[parity], 1u);
  atomicStore(&spikes[2u + parity * P.n + k], i);
  if (P.record_rates != 0u) { atomicAdd(&records[RECORD_HEADER + tc * P.pops + population_of(i)], 1u); }
  if (P.record_spikes != 0u) {
    let r = atomicAdd(&records[0], 1u);
    if (r < P.capacity) {
      atomicStore(&records[P.pairs_base + 2u * r], t);
      atomicStore(&records[P.pairs_base + 2u * r + 1u], i);
    }
  }
}

// The traced neurons' values after step t (step tc of the chunk), once the step and its
// propagation are done and before the next step starts: v, m, h, n (or v, u) as the step left
// them, COBAHH's ge and gi with the arrivals the next step adds (Brian2's value at the start of
// the next step), Izhikevich's input current of the step. Invocation `lane` of `lanes` takes
// every lanes-th value.
fn sample_traces(t: u32, tc: u32, lane: u32, lanes: u32) {
  let per_step = P.traced * P.trace_vars;
  let next = (t + 1u) % P.ring;
  for (var j = lane; j < per_step; j += lanes) {
    let k = j / P.trace_vars;
    let v = j % P.trace_vars;
    let i = P.traced_list[k / 4u][k % 4u];
    let row = select(v, IZH_INPUT_ROW, MODEL == 1u && v == 2u);  // Izhikevich's third value is I
    var x = state[row * P.n + i];
    if (MODEL == 0u && v >= 4u) {  // ge, gi: target v − 4
      x += f32(atomicLoad(&acc[(next * P.targets + v - 4u) * P.n + i])) * P.inv_scale[v - 4u];
    }
    atomicStore(&records[P.traces_base + tc * per_step + j], bitcast<u32>(x));
  }
}

// Step t begins: the other parity's list was read by the previous step's propagation, so it is
// emptied for the next step; the step is counted (the host checks that every step ran).
fn begin_step(t: u32) {
  atomicStore(&spikes[(t + 1u) & 1u], 0u);
  atomicAdd(&records[4], 1u);
}

@compute @workgroup_size(WG)
fn update(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.y * nwg.x * WG + gid.x;
  if (i == 0u) { begin_step(S.t); }
  if (i < P.n) { step_neuron(i, S.t, S.tc); }
}

// One workgroup (WG a multiple of LANES) runs S.count steps: every neuron, a barrier, the
// propagation of that step's spikes through the one synapse store, a barrier.
@compute @workgroup_size(WG)
fn run_steps(@builtin(local_invocation_index) lid: u32) {
  for (var k = 0u; k < S.count; k++) {
    let t = S.t + k;
    if (lid == 0u) { begin_step(t); }
    for (var i = lid; i < P.n; i += WG) { step_neuron(i, t, S.tc + k); }
    storageBarrier();
    propagate_spikes(t, lid / LANES, WG / LANES, lid % LANES);
    storageBarrier();
    if (P.traced != 0u) {  // uniform: every invocation takes the same branch
      sample_traces(t, S.tc + k, lid, WG);
      storageBarrier();    // the next step's update changes what was sampled
    }
  }
}

// Many steps' shape, when neurons are traced: after the step's propagation dispatches.
@compute @workgroup_size(64)
fn sample(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  sample_traces(S.t, S.tc, gid.x, nwg.x * 64u);
}
