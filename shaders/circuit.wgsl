// Circuits of mixed differential models (Hodgkin–Huxley, Hindmarsh–Rose, Izhikevich) coupled by
// Neun's electrical and diffusion synapses, in B independent copies (docs/conventions.md#order-of-a-step). Composed
// after philox, model_params and the generated model steps (`model_step`, `release_step`, from
// src/circuit/models.ts); mirrors src/circuit/cpu.ts.
//
// Each workgroup owns whole copies, so one dispatch can loop over many steps with only workgroup
// barriers: every step runs all synapses, then each neuron sums its synaptic currents (in the
// circuit's synapse order) and its stimuli, integrates, and detects spikes; then probes record.
// Copies never interact, which is what makes a parameter scan one dispatch.

override WG: u32 = 64u;

const SYN_ELECTRICAL: u32 = 0u;
const STIM_PULSES: u32 = 0u;
const STIM_WAVEFORM: u32 = 1u;

const PROBE_STATE: u32 = 0u;
const PROBE_INPUT: u32 = 1u;
const PROBE_SYN_CURRENT: u32 = 2u;

struct Params {
  copies: u32,          // B
  n: u32,               // neurons per copy
  m: u32,               // synapses per copy
  per_group: u32,       // copies per workgroup
  base_step: u32,       // first step of this chunk
  steps: u32,           // steps in this chunk
  dispatch_steps: u32,  // steps one dispatch loops over
  every: u32,           // probes record after steps s with (s + 1) % every == 0
  sample0: u32,         // global index of the chunk's first sample
  probes: u32,
  record_input: u32,
  spike_capacity: u32,  // 0: spikes are not recorded
  freeze: u32,          // 1: a copy whose state turns non-finite is frozen and reported, the rest go on
  seed: vec2u,
  dt: f32,
  // word offsets of the tables in `tab`
  neuron_off: u32, in_off: u32, syn_off: u32, ncopy_off: u32, scopy_off: u32,
  pset_off: u32, spset_off: u32, slist_off: u32, stim_off: u32, wave_off: u32, probe_off: u32,
  trace_off: u32,       // word offset of the trace samples in `rec` (spikes come first)
}

struct StepOffset { s: u32 }

struct Status {
  bad_count: atomic<u32>,
  bad_step: u32,
  bad_neuron: u32,
  done: atomic<u32>,
  spike_count: atomic<u32>,
  pad0: u32,
  pad1: u32,
  pad2: u32,
  // per copy: 0xFFFFFFFF − first non-finite step (0: none), and a neuron that turned non-finite
  copy_fail: array<atomic<u32>>,
}

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<uniform> D: StepOffset;
@group(0) @binding(2) var<storage, read> tab: array<u32>;            // static tables (u32 and f32 bits)
@group(0) @binding(3) var<storage, read_write> state: array<vec4f>;  // [copy * n + i]
@group(0) @binding(4) var<storage, read_write> syn: array<vec4f>;    // [2 (copy * m + j)]: (r, t, releasing, last V_pre), (i1, i2, 0, 0)
@group(0) @binding(5) var<storage, read_write> inp: array<f32>;      // total input of the last step
@group(0) @binding(6) var<storage, read_write> rec: array<u32>;      // spikes (step, neuron) then trace samples
@group(0) @binding(7) var<storage, read_write> status: Status;

fn tabf(k: u32) -> f32 {
  return bitcast<f32>(tab[k]);
}

fn params_at(k: u32) -> ModelParams {
  return ModelParams(tabf(k), tabf(k + 1u), tabf(k + 2u), tabf(k + 3u), tabf(k + 4u), tabf(k + 5u),
    tabf(k + 6u), tabf(k + 7u), tabf(k + 8u), tabf(k + 9u), tabf(k + 10u), tabf(k + 11u));
}

fn step_synapse(copy: u32, j: u32) {
  let info = P.syn_off + 4u * j;
  let gs = copy * P.m + j;
  let sp = P.spset_off + 8u * tab[P.scopy_off + gs];
  let va = state[copy * P.n + tab[info + 1u]].x;
  let vb = state[copy * P.n + tab[info + 2u]].x;
  if (tab[info] == SYN_ELECTRICAL) {
    // Neun: i1 = g1 (V2 − V1) into n1, i2 = g2 (V1 − V2) into n2.
    syn[2u * gs + 1u] = vec4f(tabf(sp) * (vb - va), tabf(sp + 1u) * (va - vb), 0.0, 0.0);
    return;
  }
  // Diffusion: alpha, beta, threshold, esyn, gsyn, T, max_release_time, steps.
  let threshold = tabf(sp + 2u);
  let max_release = tabf(sp + 6u);
  let sub = u32(tabf(sp + 7u));
  let h = P.dt / f32(sub);
  let rp = ModelParams(tabf(sp), tabf(sp + 1u), tabf(sp + 5u), 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
  var s = syn[2u * gs];
  for (var q = 0u; q < sub; q++) {
    if (s.w < threshold && va >= threshold) {
      s.z = 1.0;
      s.y = 0.0;
    }
    if (s.z > 0.5) {
      s.y = s.y + h;
      if (s.y > max_release) { s.z = 0.0; }
    }
    s.x = release_step(vec4f(s.x, 0.0, 0.0, 0.0), rp, s.z, h).x.x;
    s.w = va;
  }
  syn[2u * gs] = s;
  syn[2u * gs + 1u] = vec4f(tabf(sp + 4u) * s.x * (vb - tabf(sp + 3u)), 0.0, 0.0, 0.0);
}

fn stimulus(list: u32, step: u32, neuron: u32) -> f32 {
  let first = tab[P.slist_off + 2u * list];
  let count = tab[P.slist_off + 2u * list + 1u];
  var total = 0.0;
  for (var q = 0u; q < count; q++) {
    let r = P.stim_off + 12u * (first + q);
    let start = tab[r + 1u];
    if (step < start || step >= tab[r + 2u]) { continue; }
    let k = step - start;
    let amp = tabf(r + 5u);
    switch tab[r] {
      case STIM_PULSES: {
        if (k % tab[r + 3u] < tab[r + 4u]) { total += amp; }
      }
      case STIM_WAVEFORM: {
        let every = tab[r + 8u];
        let idx = k / every;
        let w = P.wave_off + tab[r + 6u] + idx;
        var x = tabf(w);
        if (tab[r + 9u] == 1u && idx + 1u < tab[r + 7u]) {
          x = x + (tabf(w + 1u) - x) * (f32(k % every) / f32(every));
        }
        total += amp * x;
      }
      default: {
        total += amp * philox_normal(philox4x32(vec4u(step, neuron, PURPOSE_CIRCUIT_NOISE, tab[r + 10u]), P.seed));
      }
    }
  }
  return total;
}

fn step_neuron(copy: u32, i: u32, step: u32) {
  let gi = copy * P.n + i;
  let info = P.neuron_off + 4u * i;
  let model = tab[info];
  // Synaptic currents in the circuit's synapse order, then the stimuli (Neun's order).
  var input = 0.0;
  let sbase = copy * P.m;
  for (var q = 0u; q < tab[info + 2u]; q++) {
    let slot = tab[P.in_off + tab[info + 1u] + q];
    input += syn[2u * (sbase + slot / 2u) + 1u][slot % 2u];
  }
  let ids = P.ncopy_off + 2u * gi;
  input += stimulus(tab[ids + 1u], step, gi);
  let p = params_at(P.pset_off + 12u * tab[ids]);
  let next = model_step(model, state[gi], p, input, P.dt);
  let y = next.x;
  let spiked = next.spiked;
  if (!(is_finite(y.x) && is_finite(y.y) && is_finite(y.z) && is_finite(y.w))) {
    if (P.freeze != 0u) {
      atomicMax(&status.copy_fail[2u * copy], 0xFFFFFFFFu - step);
      atomicStore(&status.copy_fail[2u * copy + 1u], i);
      return;  // the copy keeps its last finite state and stops from the next step
    }
    if (atomicAdd(&status.bad_count, 1u) == 0u) {
      status.bad_step = step;
      status.bad_neuron = gi;
    }
  }
  state[gi] = y;
  if (P.record_input != 0u) { inp[gi] = input; }
  if (spiked && P.spike_capacity > 0u) {
    let k = atomicAdd(&status.spike_count, 1u);
    if (k < P.spike_capacity) {
      rec[2u * k] = step;
      rec[2u * k + 1u] = gi;
    }
  }
}

fn frozen(copy: u32) -> bool {
  return P.freeze != 0u && atomicLoad(&status.copy_fail[2u * copy]) != 0u;
}

fn probe_value(kind: u32, copy: u32, index: u32, v: u32) -> f32 {
  switch kind {
    case PROBE_STATE: { return state[copy * P.n + index][v]; }
    case PROBE_INPUT: { return inp[copy * P.n + index]; }
    case PROBE_SYN_CURRENT: { return syn[2u * (copy * P.m + index) + 1u][v]; }
    default: { return syn[2u * (copy * P.m + index)][v]; }
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) l: u32) {
  let first_copy = (wid.x + wid.y * groups.x) * P.per_group;
  if (first_copy >= P.copies) { return; }
  let copies = min(P.per_group, P.copies - first_copy);
  let first = D.s;
  let last = min(first + P.dispatch_steps, P.steps);
  for (var s = first; s < last; s++) {
    let step = P.base_step + s;
    for (var k = l; k < copies * P.m; k += WG) {
      if (!frozen(first_copy + k / P.m)) { step_synapse(first_copy + k / P.m, k % P.m); }
    }
    storageBarrier();
    for (var k = l; k < copies * P.n; k += WG) {
      if (!frozen(first_copy + k / P.n)) { step_neuron(first_copy + k / P.n, k % P.n, step); }
    }
    storageBarrier();
    if ((step + 1u) % P.every == 0u) {
      let sample = (step + 1u) / P.every - 1u - P.sample0;
      for (var q = l; q < P.probes; q += WG) {
        let pr = P.probe_off + 4u * q;
        let copy = tab[pr];
        if (copy >= first_copy && copy < first_copy + copies) {
          rec[P.trace_off + sample * P.probes + q] = bitcast<u32>(probe_value(tab[pr + 1u], copy, tab[pr + 2u], tab[pr + 3u]));
        }
      }
      storageBarrier();
    }
  }
  if (l == 0u) { atomicAdd(&status.done, last - first); }
}
