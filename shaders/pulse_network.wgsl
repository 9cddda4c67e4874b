// One or more steps of a pulse-coupled network (docs/conventions.md#order-of-a-step): input = noise + constant +
// Σ S[i][j] over the neurons j that fired in the previous step, then the neuron update, threshold,
// reset, spike bitmask and traces. Composed after philox.wgsl, model_params.wgsl and the generated
// izh_integrate / izh_reset (src/backends/izhikevich_code.ts, under the plan's scheme).
//
// Two launch shapes run this same code: many workgroups with one step per dispatch, or one
// workgroup looping over `dispatch_steps` steps with barriers (the network fits one workgroup).

override WG: u32 = 64u;
override MAX_WORDS: u32 = 32u;   // spike-mask words, ceil(n / 32)

struct Params {
  n: u32,
  words: u32,
  base_step: u32,
  steps: u32,          // steps in this chunk
  dispatch_steps: u32, // steps one dispatch loops over (1 for one dispatch per step)
  ring: u32,           // step slots in the raster and trace rings
  traced: u32,
  seed: vec2u,
  dt: f32,
  coupled: u32,        // 0: no connectivity, weights is a placeholder
}

struct StepOffset { s: u32 }  // first step of this dispatch within the chunk

struct NeuronInput {
  sigma: f32,
  amp: f32,
  on: u32,             // constant input applies for on ≤ t < off
  off: u32,
  threshold: f32,
  trace_slot: u32,     // 0xFFFFFFFF: not traced
  pad0: u32,
  pad1: u32,
}

struct Status {
  bad_count: atomic<u32>,  // non-finite states seen
  bad_step: u32,
  bad_neuron: u32,
  done: atomic<u32>,       // steps completed × workgroups: the host checks nothing was cut short
}

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<uniform> step_offset: StepOffset;
@group(0) @binding(2) var<storage, read> coef: array<vec4f>;         // a, b, c, d
@group(0) @binding(3) var<storage, read> inputs: array<NeuronInput>;
@group(0) @binding(4) var<storage, read> weights: array<f32>;        // [pre * n + post]
@group(0) @binding(5) var<storage, read_write> state: array<vec2f>;  // v, u
@group(0) @binding(6) var<storage, read_write> raster: array<atomic<u32>>;  // [slot * words + w]
@group(0) @binding(7) var<storage, read_write> traces: array<f32>;   // [(slot * traced + k) * 3 + (v, u, I)]
@group(0) @binding(8) var<storage, read_write> status: Status;

var<workgroup> prev_mask: array<u32, MAX_WORDS>;
var<workgroup> next_mask: array<atomic<u32>, MAX_WORDS>;


// Σ S[i][j] over the set bits j of the previous step's mask, in ascending j (the CPU's order).
fn synaptic_input(i: u32) -> f32 {
  var acc = 0.0;
  for (var w = 0u; w < P.words; w++) {
    var bits = prev_mask[w];
    loop {
      if (bits == 0u) { break; }
      let j = w * 32u + countTrailingZeros(bits);
      acc += weights[j * P.n + i];
      bits &= bits - 1u;
    }
  }
  return acc;
}

fn step_neuron(i: u32, t: u32, slot: u32) {
  let inp = inputs[i];
  var current = 0.0;
  if (inp.sigma != 0.0) {
    current = inp.sigma * philox_normal(philox4x32(vec4u(t, i, PURPOSE_NOISE, 0u), P.seed));
  }
  if (t >= inp.on && t < inp.off) { current += inp.amp; }
  var syn = 0.0;
  if (P.coupled != 0u) { syn = synaptic_input(i); }
  let total = current + syn;

  let p = coef[i];
  var s = izh_integrate(p, state[i], total, P.dt);

  if (!is_finite(s.x) || !is_finite(s.y)) {
    if (atomicAdd(&status.bad_count, 1u) == 0u) { status.bad_step = t; status.bad_neuron = i; }
  }
  if (s.x >= inp.threshold) {
    atomicOr(&next_mask[i >> 5u], 1u << (i & 31u));
    s = izh_reset(p, s);
  }
  state[i] = s;
  if (inp.trace_slot != 0xFFFFFFFFu) {
    let k = (slot * P.traced + inp.trace_slot) * 3u;
    traces[k] = s.x;
    traces[k + 1u] = s.y;
    traces[k + 2u] = total;
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32,
        @builtin(workgroup_id) wid: vec3u,
        @builtin(num_workgroups) nwg: vec3u) {
  let stride = WG * nwg.x;
  for (var k = 0u; k < P.dispatch_steps; k++) {
    let local = step_offset.s + k;
    if (local >= P.steps) { break; }
    let t = P.base_step + local;
    let slot = t % P.ring;
    let prev = select(slot - 1u, P.ring - 1u, slot == 0u);  // no u32 overflow near t = 2^32
    for (var w = lid; w < P.words; w += WG) {
      prev_mask[w] = select(0u, atomicLoad(&raster[prev * P.words + w]), t > 0u);
      atomicStore(&next_mask[w], 0u);
    }
    workgroupBarrier();
    for (var i = wid.x * WG + lid; i < P.n; i += stride) {
      step_neuron(i, t, slot);
    }
    workgroupBarrier();
    for (var w = lid; w < P.words; w += WG) {
      let bits = atomicLoad(&next_mask[w]);
      if (bits != 0u) { atomicOr(&raster[slot * P.words + w], bits); }
    }
    storageBarrier();  // the next iteration (one-workgroup shape) reads this step's mask
    if (lid == 0u) { atomicAdd(&status.done, 1u); }
  }
}
