// The GPU memory estimate made from the description alone (src/compile/memory.ts gpuFootprint)
// against what the GPU engine really allocates, buffer by buffer: never less (refusals, memoryLimit
// and the device limits requested rest on it), and not far above.
import { describe, expect, test } from 'vitest';
import { gpuFootprint } from '../src/compile/memory';
import { BUFFER_KINDS } from '../src/compile/gpu_sizes';
import { GpuEngine } from '../src/engine/gpu';
import { generatedSource } from '../src/run/create';
import type { Network } from '../src/spec/network';
import { cobahh, hhDoubleImpulse, neunChain, neunCoupledPair, neunCouplingScan, seedNetwork, sparseIzhikevich } from '../src/spec/presets';
import { assertNetwork } from '../src/spec/validate';
import { hhPulsesAndGaps, izhikevichDenseDelayed, izhikevichWithLif } from './combination_networks';
import { testGpu } from './helpers';

/** Per-synapse delays drawn from a range, from a bounded normal and given per synapse, a batch varying a weight, per-neuron LIF parameters, a masked input, a waveform, probes of I. */
const delayDistributions = (): Network => ({
  dt: 0.1, seed: 3,
  populations: [
    { name: 'a', size: 60, model: 'izhikevich', preset: 'RS' },
    { name: 'b', size: 30, model: 'lif', parameters: { tau_m: { uniform: [10, 20] } } },
  ],
  projections: [
    { name: 'ab', source: 'a', target: 'b', connectivity: { rule: 'fixed-probability', p: 0.2 }, synapse: { kind: 'pulse', target: 'v' }, weight: 2, delay: { uniform: [2, 9] } },
    { name: 'ba', source: 'b', target: 'a', connectivity: { rule: 'list', pre: [0, 1, 2, 3], post: [5, 6, 7, 8] }, synapse: { kind: 'exponential', target: 'I', tau: 3 }, weight: [1, 2, 3, 4], delay: [1, 4, 12, 2] },
    { name: 'aa', source: 'a', target: 'a', connectivity: { rule: 'fixed-in-degree', k: 6 }, synapse: { kind: 'pulse', target: 'I' }, weight: { uniform: [0, 1] } },
    { name: 'bb', source: 'b', target: 'b', connectivity: { rule: 'fixed-out-degree', k: 4 }, synapse: { kind: 'pulse', target: 'v' }, storage: 'procedural', weight: -1 },
    { name: 'ab2', source: 'a', target: 'b', connectivity: { rule: 'fixed-total', n: 300 }, synapse: { kind: 'pulse', target: 'v' }, weight: { normal: [1, 0.5], min: 0 }, delay: { normal: [5, 1.5], min: 0.5, max: 10.4 } },
  ],
  inputs: [
    { kind: 'constant', target: 'a', neurons: [0, 1, 2], amplitude: 10 },
    { kind: 'waveform', target: 'b', samples: [1, 3, 7, 2], every: 2 },
    { kind: 'poisson', target: 'a', rate: 20, weight: 1 },
  ],
  record: { spikes: true, rates: true, probes: [{ population: 'a', variable: 'I', neurons: [0, 5] }, { population: 'b', variable: 'v', neurons: [1], every: 3 }] },
  batch: { copies: 3, vary: [{ path: 'projections.ab.weight', values: [1, 2, 3] }] },
});

/** Diffusion synapses (four words of state per synapse and copy) with electrical ones, their currents probed. */
const diffusion = (): Network => ({
  dt: 0.01, seed: 0,
  populations: [{ name: 'hh', size: 6, model: 'hodgkin_huxley' }, { name: 'hr', size: 4, model: 'hindmarsh_rose' }],
  projections: [
    { name: 'chem', source: 'hh', target: 'hr', connectivity: { rule: 'all-to-all' }, synapse: { kind: 'diffusion', esyn: 2, threshold: -20 }, weight: { uniform: [-0.05, 0] } },
    { name: 'gap', source: 'hr', target: 'hh', connectivity: { rule: 'fixed-in-degree', k: 2 }, synapse: { kind: 'electrical', g2: { uniform: [0, 0.01] } }, weight: 0.001 },
    { name: 'gap2', source: 'hh', target: 'hh', connectivity: { rule: 'fixed-probability', p: 0.5 }, synapse: { kind: 'electrical' }, weight: { normal: [0.001, 0.0002] }, delay: 2 },
  ],
  inputs: [{ kind: 'constant', target: 'hh', amplitude: 0.1 }],
  record: { synapseProbes: [{ projection: 'chem', variable: 'r', synapses: [0, 3] }, { projection: 'chem', variable: 'i', synapses: [1] }, { projection: 'gap', variable: 'i_source', synapses: [0] }] },
  batch: { copies: 2 },
});

/** Drawn rows with a constant and with a uniform weight, small enough for one workgroup: its single store carries weight words for both. */
const mixedWeights = (): Network => ({
  dt: 0.1, seed: 5,
  populations: [{ name: 'e', size: 160, model: 'lif' }, { name: 'i', size: 40, model: 'lif' }],
  projections: [
    { source: 'e', target: 'i', connectivity: { rule: 'fixed-probability', p: 0.3 }, synapse: { kind: 'pulse', target: 'v' }, weight: 0.5 },
    { source: 'i', target: 'e', connectivity: { rule: 'fixed-probability', p: 0.3 }, synapse: { kind: 'pulse', target: 'v' }, weight: { uniform: [-1, 0] } },
  ],
});

const networks: [string, () => Network][] = [
  ['seed network (dense S)', () => seedNetwork({ neurons: 100 })],
  ['seed network stored as rows', () => { const n = seedNetwork({ neurons: 100, seed: 2 }); return { ...n, projections: n.projections!.map((p) => ({ ...p, storage: 'csr' as const })) }; }],
  ["seed 001's HH", () => hhDoubleImpulse()],
  ["seed 003's pair", () => neunCoupledPair()],
  ["seed 003's chain", () => neunChain()],
  ["seed 003's coupling scan (a batch)", () => neunCouplingScan()],
  ['COBAHH', () => cobahh({ n: 400 })],
  ['COBAHH scaled, procedural', () => { const n = cobahh({ n: 400, scaled: true }); return { ...n, projections: n.projections!.map((p) => ({ ...p, storage: 'procedural' as const })) }; }],
  ['sparse Izhikevich with a delay', () => sparseIzhikevich({ n: 200, k: 20, delay: 3 })],
  ['HH with pulses and gap junctions', () => hhPulsesAndGaps()],
  ['Izhikevich, dense S with a delay', () => izhikevichDenseDelayed()],
  ['Izhikevich with LIF', () => izhikevichWithLif()],
  ['delay distributions', delayDistributions],
  ['diffusion synapses', diffusion],
  ['a constant and a uniform weight drawn into one store', mixedWeights],
];

describe('the GPU memory estimate bounds what the engine allocates', () => {
  test.each(networks)('%s: every buffer at least, and at most 1.5× + 1 KiB', async (_name, make) => {
    const { device } = await testGpu();
    const net = assertNetwork(make());
    for (const stepsPerSubmit of [1, 100]) {
      const options = { device, stepsPerSubmit };
      const estimate = gpuFootprint(net, options);
      const engine = await GpuEngine.create(generatedSource(net, options), options);
      const real = engine.allocated;
      engine.destroy();
      for (const kind of BUFFER_KINDS) {
        expect.soft(estimate.buffers[kind], `${kind} (${stepsPerSubmit} steps per submit)`).toBeGreaterThanOrEqual(real[kind]);
        expect.soft(estimate.buffers[kind], `${kind} (${stepsPerSubmit} steps per submit)`).toBeLessThanOrEqual(1.5 * real[kind] + 1024);
      }
      expect(estimate.total).toBe(Object.values(estimate.buffers).reduce((a, b) => a + b, 0));
      expect(Object.values(estimate.parts).reduce((a, b) => a + b, 0)).toBe(estimate.total);
    }
  });

  test('arrival rings are as deep as the largest delay a distribution may draw', () => {
    const net = assertNetwork(delayDistributions()), deeper = structuredClone(net);
    deeper.projections![0]!.delay = { uniform: [2, 40] };
    // Two slots (b.v fed by ab, a.I by aa) and ba's own current: 60 + 30 + 60 elements a copy, one more ring slot per step of delay.
    expect(gpuFootprint(deeper).buffers.arrivals - gpuFootprint(net).buffers.arrivals).toBe(4 * (40 - 12) * 3 * (30 + 60 + 60));
  });
});
