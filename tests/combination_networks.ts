// The networks of issue 14's combinations, shared by the CPU tests (tests/combinations.test.ts)
// and the GPU-against-CPU tests (tests/engine_gpu.test.ts).
import type { Network } from '../src/spec/network';

/** Neun's HH, sparse fixed-probability pulses into v (delay 10) and three gap junctions 0–10, 1–11, 2–12. */
export const hhPulsesAndGaps = (g = 0.0015): Network => ({
  dt: 0.01, seed: 4,
  populations: [{ name: 'hh', size: 20, model: 'hodgkin_huxley', preset: 'neun', init: { v: { uniform: [-70, -60] } } }],
  projections: [
    { name: 'chem', source: 'hh', target: 'hh', connectivity: { rule: 'fixed-probability', p: 0.2 }, synapse: { kind: 'pulse', target: 'v' }, weight: 2, delay: 10 },
    { name: 'gap', source: 'hh', target: 'hh', connectivity: { rule: 'list', pre: [0, 1, 2], post: [10, 11, 12] }, synapse: { kind: 'electrical' }, weight: g },
  ],
  inputs: [{ kind: 'constant', target: 'hh', amplitude: 0.1 }],
  record: { spikes: true, probes: [{ population: 'hh', variable: 'v', neurons: [0, 10] }, { population: 'hh', variable: 'I', neurons: [0, 10] }] },
});

/** Two Izhikevich neurons, neuron 0 driven, S[1][0] = 3.5 into I with a delay of 5 steps; I of neuron 1 probed. */
export const izhikevichDenseDelayed = (): Network => ({
  dt: 1, seed: 0,
  populations: [{ name: 'izh', size: 2, model: 'izhikevich', preset: 'RS' }],
  projections: [{ source: 'izh', target: 'izh', connectivity: { rule: 'dense', weights: [0, 0, 3.5, 0] }, synapse: { kind: 'pulse', target: 'I' }, delay: 5 }],
  inputs: [{ kind: 'constant', target: 'izh', neurons: [0], amplitude: 10 }],
  record: { spikes: true, probes: [{ population: 'izh', variable: 'I', neurons: [1] }] },
});

/** 80 Izhikevich (excitatory, noisy) and 20 LIF (inhibitory) neurons; v of LIF neurons 0–3 probed. */
export const izhikevichWithLif = (): Network => ({
  dt: 0.1, seed: 5,
  populations: [
    { name: 'exc', size: 80, model: 'izhikevich', preset: 'RS', integrator: 'euler' },
    { name: 'inh', size: 20, model: 'lif' },
  ],
  projections: [
    { source: 'exc', target: 'inh', connectivity: { rule: 'fixed-in-degree', k: 10 }, synapse: { kind: 'exponential', target: 'I', tau: 2 }, weight: 400 },
    { source: 'inh', target: 'exc', connectivity: { rule: 'fixed-in-degree', k: 5 }, synapse: { kind: 'pulse', target: 'v' }, weight: -1 },
  ],
  inputs: [{ kind: 'noise', target: 'exc', sigma: 30 }, { kind: 'constant', target: 'exc', amplitude: 8 }],
  record: { spikes: true, rates: true, probes: [{ population: 'inh', variable: 'v', neurons: [0, 1, 2, 3] }] },
});
