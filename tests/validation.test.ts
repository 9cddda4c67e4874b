// Bad input fails before any GPU allocation with an error naming the field (NetworkSpecError,
// src/spec/validate.ts); a non-finite state stops the run and names the neuron and the step.
// tests/network_spec.test.ts covers the schema's own cases; these are the seed network's.
import { describe, expect, it } from 'vitest';
import { NonFiniteStateError } from '../src/run/guard';
import { createSimulation } from '../src/run/create';
import type { Network } from '../src/spec/network';
import { seedNetwork } from '../src/spec/presets/seed_network';
import { NetworkSpecError, validateNetwork } from '../src/spec/validate';
import { MAX_STEP } from '../src/spec/values';
import { fakeDevice, runBoth, testGpu } from './helpers';

/** The seed network's shape in small: 4 RS and 2 FS neurons, S as four dense blocks, noise, a probe. */
function base(): Network {
  const dense = (source: string, target: string, n: number) => ({
    name: `${source}_${target}`, source, target, connectivity: { rule: 'dense' as const, weights: new Array(n).fill(0.1) }, synapse: { kind: 'pulse' as const, target: 'I' },
  });
  return {
    dt: 1, seed: 1,
    populations: [
      { name: 'e', size: 4, model: 'izhikevich', preset: 'RS', integrator: 'izhikevich2003' },
      { name: 'i', size: 2, model: 'izhikevich', preset: 'FS', integrator: 'izhikevich2003' },
    ],
    projections: [dense('e', 'e', 16), dense('e', 'i', 8), dense('i', 'e', 8), dense('i', 'i', 4)],
    inputs: [{ kind: 'noise', target: 'e', sigma: 5 }],
    record: { spikes: true, probes: [{ population: 'e', variable: 'v', neurons: [0] }] },
  };
}

type Mutate = (d: Network) => void;
const weights = (d: Network) => (d.projections![0]!.connectivity as { weights: number[] }).weights;
// Each case of the old description's table, on the field that now holds it: S is four dense
// projections (e→e is 4×4), integrators are per population, probes name a population's neurons;
// 'lif' is now a built-in model, so the unknown model is another name.
const BAD: [string, string, Mutate, RegExp][] = [
  ['zero size', 'populations[0].size', (d) => { d.populations[0]!.size = 0; }, /must be at least 1/],
  ['negative size', 'populations[1].size', (d) => { d.populations[1]!.size = -3; }, /must be at least 1/],
  ['fractional size', 'populations[0].size', (d) => { d.populations[0]!.size = 2.5; }, /whole number/],
  ['NaN parameter', 'populations[0].parameters.a', (d) => { d.populations[0]!.parameters = { a: NaN }; }, /must be a number/],
  ['infinite parameter', 'populations[1].parameters.d', (d) => { d.populations[1]!.parameters = { d: Infinity }; }, /f32/],
  ['parameter beyond f32', 'populations[1].parameters.c', (d) => { d.populations[1]!.parameters = { c: 1e39 }; }, /f32/],
  ['beyond f32 in a typed array', 'populations[0].init.v[1]', (d) => { d.populations[0]!.init = { v: new Float64Array([-65, 1e39, -65, -65]) }; }, /must fit an f32 .*got 1e\+39/],
  ['NaN in a per-neuron array', 'populations[0].init.v[2]', (d) => { d.populations[0]!.init = { v: [-65, -65, NaN, -65] }; }, /must be a number, got NaN/],
  ['per-neuron array of the wrong length', 'populations[0].parameters.b', (d) => { d.populations[0]!.parameters = { b: [0.2, 0.2] }; }, /has 2 values; the population has 4 neurons/],
  ['unknown neuron type', 'populations[0].preset', (d) => { d.populations[0]!.preset = 'XX'; }, /izhikevich has no preset 'XX'; it has RS, IB, CH, FS, TC, LTS, RZ/],
  ['unknown model', 'populations[0].model', (d) => { d.populations[0]!.model = 'quadratic'; }, /unknown model 'quadratic'/],
  ['S of the wrong shape', 'projections[0].connectivity.weights', (d) => { weights(d).length = 30; weights(d).fill(0); }, /needs 4 × 4 = 16 weights, got 30/],
  ['NaN in S', 'projections[0].connectivity.weights[13]', (d) => { weights(d)[13] = NaN; }, /must be a number, got NaN/],
  ['S from an unknown population', 'projections[0].source', (d) => { d.projections![0]!.source = 'x'; }, /no population 'x'/],
  ['zero dt', 'dt', (d) => { d.dt = 0; }, /must be > 0/],
  ['unknown integrator', 'populations[0].integrator', (d) => { d.populations[0]!.integrator = 'rk9'; }, /izhikevich integrates with .*izhikevich2003.*, not 'rk9'/],
  ['negative seed', 'seed', (d) => { d.seed = -1; }, /must be at least 0/],
  ['duplicate population name', 'populations[1].name', (d) => { d.populations[1]!.name = 'e'; }, /'e' names two populations/],
  ['input to an unknown population', 'inputs[0].target', (d) => { d.inputs = [{ kind: 'noise', target: 'x', sigma: 1 }]; }, /no population 'x'/],
  ['negative noise', 'inputs[0].sigma', (d) => { d.inputs = [{ kind: 'noise', target: 'e', sigma: -1 }]; }, /must be in \[0, inf\], got -1/],
  ['neuron index out of range', 'inputs[0].neurons[0]', (d) => { d.inputs = [{ kind: 'constant', target: 'i', neurons: [2], amplitude: 1 }]; }, /must be below 2/],
  ['stop before start', 'inputs[0].stop', (d) => { d.inputs = [{ kind: 'constant', target: 'e', amplitude: 1, start: 10, stop: 5 }]; }, /must be after start \(10\)/],
  ['probability above 1', 'projections[0].connectivity.p', (d) => { d.projections![0]!.connectivity = { rule: 'fixed-probability', p: 1.5 }; }, /must be at most 1, got 1\.5/],
  ['NaN time step', 'dt', (d) => { d.dt = NaN; }, /must be a number, got NaN/],
  ['a bad delay in a per-synapse list', 'projections[0].delay[1]', (d) => { d.projections![0]!.connectivity = { rule: 'one-to-one' }; d.projections![0]!.delay = [1, 2.5, 3, 4]; }, /must be whole steps in \[0, 4096\], got 2\.5/],
  // Normals redrawn into bounds (docs/network.md#normal-weights-and-delays-redrawn-into-bounds): bounds that keep too little would redraw for ever.
  ['a normal weight with min above max', 'projections[0].weight', (d) => { d.projections![0]!.weight = { normal: [1, 1], min: 2, max: 1 }; }, /^needs min ≤ max, got \[2, 1\]$/],
  ['weight bounds keeping under 1 %', 'projections[0].weight', (d) => { d.projections![0]!.weight = { normal: [0, 1], min: 2.5 }; }, /^keeps 0\.62 % of N\(0, 1\) within \[2\.5, inf\]; at least 1 % must lie within/],
  ['a normal weight of sd 0 outside its bounds', 'projections[0].weight', (d) => { d.projections![0]!.weight = { normal: [1, 0], max: 0 }; }, /^has sd 0 and its mean 1 outside \[-inf, 0\]: no draw is ever kept/],
  ["a normal g2's bounds", 'projections[0].synapse.g2', (d) => { d.projections![0]!.synapse = { kind: 'electrical', g2: { normal: [0, 1], max: -3 } }; }, /^keeps 0\.13 % of N\(0, 1\) within \[-inf, -3\]/],
  ['bounds on a uniform weight', 'projections[0].weight', (d) => { d.projections![0]!.weight = { uniform: [0, 1], min: 0 } as never; }, /or \{normal: \[mean, sd\], min\?, max\?\}$/],
  ['a normal delay with min above max', 'projections[0].delay', (d) => { d.projections![0]!.delay = { normal: [5, 1], min: 10, max: 8 }; }, /^needs min ≤ max, got \[10, 8\]$/],
  ['a normal delay whose default bounds keep under 1 %', 'projections[0].delay', (d) => { d.projections![0]!.delay = { normal: [-3, 1] }; }, /^keeps 0\.62 % of N\(-3, 1\) within \[-0\.5, 4096\] \(bounds left out are \[-0\.5, 4096\]\)/],
  ['a normal delay with min below -0.5', 'projections[0].delay.min', (d) => { d.projections![0]!.delay = { normal: [5, 1], min: -1 }; }, /^must be at least -0\.5$/],
  ['a normal delay with max past the longest delay', 'projections[0].delay.max', (d) => { d.projections![0]!.delay = { normal: [5, 1], max: 5000 }; }, /^must be at most 4096$/],
  ['procedural rows with a normal delay', 'projections[0].delay', (d) => {
    Object.assign(d.projections![0]!, { connectivity: { rule: 'fixed-probability', p: 0.5 }, storage: 'procedural', delay: { normal: [5, 1] } });
  }, /^procedural rows are drawn again at each spike: give one delay for all synapses$/],
  ['probed neuron out of range', 'record.probes[0].neurons[0]', (d) => { d.record = { probes: [{ population: 'i', variable: 'v', neurons: [2] }] }; }, /must be below 2/],
];

describe('bad network descriptions', () => {
  it('the base description is valid', () => {
    expect(validateNetwork(base()).issues).toEqual([]);
  });

  it.each(BAD)('%s → error at %s', async (_, path, mutate, message) => {
    const d = base();
    mutate(d);
    const { issues } = validateNetwork(d);
    expect(issues[0]?.path).toBe(path);
    expect(issues[0]?.message).toMatch(message);
    for (const backend of ['cpu', 'gpu'] as const) {
      const err = await createSimulation(d, { backend, device: fakeDevice() }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NetworkSpecError);
      expect((err as NetworkSpecError).issues[0]?.path).toBe(path);
      expect((err as Error).message).toContain(path);
    }
  });

  it('overlapping constant inputs with different windows on one neuron both act (the old engine refused them)', async () => {
    const d: Network = {
      ...base(), projections: [],
      inputs: [{ kind: 'constant', target: 'e', amplitude: 1, start: 0, stop: 10 }, { kind: 'constant', target: 'e', amplitude: 2, start: 5 }],
      record: { probes: [{ population: 'e', variable: 'I', neurons: [0, 3] }] },
    };
    const want = Array.from({ length: 20 }, (_, s) => (s < 10 ? 1 : 0) + (s >= 5 ? 2 : 0));
    await runBoth(d, { steps: 20 }, ({ cpu, gpu }) => {
      for (const sim of [cpu, gpu]) for (const neuron of [0, 3]) expect([...sim.trace({ population: 'e', variable: 'I', neuron })]).toEqual(want);
    });
  });
});

describe('a network too large for the device', () => {
  it('is refused with the estimate and the limit, before any allocation', async () => {
    // S of 8000 neurons: 4 · 8000² bytes in f32 (the old engine's 244.1 MiB), in the tables with the
    // per-neuron parameters (c, d or a, b) and noise σ: 4 · (8000² + 3 · 8000) bytes.
    const err = await createSimulation(seedNetwork({ neurons: 8000 }), { backend: 'gpu', device: fakeDevice() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkSpecError);
    expect((err as NetworkSpecError).issues[0]?.path).toBe('projections');
    expect((err as Error).message).toMatch(/needs about 244\.2 MiB \(256096000 bytes\) in one GPU buffer; this device allows 128\.0 MiB \(134217728 bytes; maxStorageBufferBindingSize/);
  });

  it('is refused on the real adapter too (llvmpipe allows 128 MiB per binding)', async () => {
    const { device } = await testGpu();
    const n = Math.ceil(Math.sqrt(device.limits.maxStorageBufferBindingSize / 4)) + 200;
    const err = await createSimulation(seedNetwork({ neurons: n }), { backend: 'gpu', device }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkSpecError);
    expect((err as NetworkSpecError).issues[0]?.path).toBe('projections');
  });

  it('is refused by the CPU reference too, before its S is built', async () => {
    // 32000 excitatory neurons: the first block of S alone is 32000² synapses.
    const err = await createSimulation(seedNetwork({ neurons: 40000 }), { backend: 'cpu' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkSpecError);
    expect((err as NetworkSpecError).issues[0]?.path).toBe('projections[0].connectivity');
    expect((err as Error).message).toMatch(/would build up to 1024000000 synapses on the host; at most 134217728/);
  });

  it('a device short of a limit the network needs gets GpuLimitError naming it', async () => {
    // The one engine binds 6 storage buffers (the old pulse-network kernel 7).
    const err = await createSimulation(seedNetwork({ neurons: 100 }), { backend: 'gpu', device: fakeDevice({ maxStorageBuffersPerShaderStage: 4 }) }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('GpuLimitError');
    expect((err as Error).message).toMatch(/maxStorageBuffersPerShaderStage is 4, this network needs 6/);
  });
});

describe('bad simulation options', () => {
  // workgroupSize is no option of the one engine (it sizes workgroups itself); spikeCapacity is its other count.
  it.each([['stepsPerSubmit', 0], ['stepsPerSubmit', 100001], ['stepsPerDispatch', 0], ['stepsPerDispatch', 2.5], ['spikeCapacity', -64], ['maxStoreSynapses', 0]] as const)('%s = %d is refused before anything is allocated', async (name, value) => {
    const err = await createSimulation(seedNetwork({ neurons: 50 }), { backend: 'gpu', device: fakeDevice(), [name]: value }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RangeError);
    expect((err as Error).message).toMatch(new RegExp(`${name} must be an integer in \\[1, ${{ stepsPerSubmit: 100000, maxStoreSynapses: 1073741824 }[name as string] ?? 67108864}\\], got ${value}`));
  });
});

describe('the backend options', () => {
  it.each([['backend', 'GPU'], ['precision', 'f16'], ['launch', 'perstep'], ['adapter', 'Software']] as const)('%s = %s is refused by name', async (name, value) => {
    const err = await createSimulation(seedNetwork({ neurons: 50 }), { [name]: value } as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RangeError);
    expect((err as Error).message).toMatch(new RegExp(`^${name} must be .* got "${value}"`));
  });
  it('a bad count or memoryLimit is named, not taken for a network too large for its memory', async () => {
    const refusal = (o: object) => createSimulation(seedNetwork({ neurons: 50 }), { backend: 'gpu', device: fakeDevice(), ...o }).then(() => 'built', (e: Error) => e.message);
    expect(await refusal({ memoryLimit: 1e9, stepsPerSubmit: 1e7 })).toMatch(/^stepsPerSubmit must be an integer in \[1, 100000\], got 10000000/);
    expect(await refusal({ spikeCapacity: 1e12 })).toMatch(/^spikeCapacity must be an integer in \[1, 67108864\]/);
    expect(await refusal({ memoryLimit: '1e9' })).toMatch(/^memoryLimit must be a number of bytes > 0, got "1e9"/);
  });
  it('a device given without a backend runs on the GPU', async () => {
    const sim = await createSimulation(seedNetwork({ neurons: 50 }), { device: (await testGpu()).device });
    expect(sim.device).not.toBeNull();
    sim.destroy();
  });
});

describe('a non-finite state', () => {
  // 1e30 is a valid f32 current, but v² overflows: f32 at once, f64 a few steps later.
  const blowUp = (): Network => ({
    dt: 1, seed: 0,
    populations: [{ name: 'n', size: 40, model: 'izhikevich', integrator: 'izhikevich2003' }],
    inputs: [{ kind: 'constant', target: 'n', neurons: [37], amplitude: 1e30, start: 5 }],
  });

  it.each(['cpu', 'gpu'] as const)('stops the run and names the neuron and the step (%s)', async (backend) => {
    const sim = await createSimulation(blowUp(), { backend, device: backend === 'gpu' ? (await testGpu()).device : undefined });
    const err = await sim.run({ steps: 200 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonFiniteStateError);
    const e = err as NonFiniteStateError;
    expect(e.neuron).toBe(37);
    expect(e.step).toBeGreaterThanOrEqual(5);
    expect(e.message).toMatch(new RegExp(`neuron 37 at step ${e.step}`));
    if (backend === 'gpu') expect(e.step).toBe(5); // f32 overflows in the first step of the input
    await expect(sim.run({ steps: 1 })).rejects.toBeInstanceOf(NonFiniteStateError);
    sim.destroy();
  });
});

describe('time windows', () => {
  const window = (stop: number): Network => ({
    dt: 0.1, seed: 0,
    populations: [{ name: 'n', size: 1, model: 'izhikevich', integrator: 'euler' }],
    inputs: [{ kind: 'constant', target: 'n', amplitude: 5, start: 1, stop }],
    record: { probes: [{ population: 'n', variable: 'I', neurons: [0] }] },
  });

  it('a stop time beyond the 32-bit step counter is refused by field, not wrapped', () => {
    expect(validateNetwork(window(1e12)).issues).toEqual([{ path: 'inputs[0].stop', message: `must be at most ${MAX_STEP} steps (the GPU counts steps in 32 bits)` }]);
  });

  it('the latest stop there is stays open to the end, on both backends', async () => {
    await runBoth(window(MAX_STEP), { steps: 20 }, ({ cpu, gpu }) => {
      const want = Array.from({ length: 20 }, (_, s) => (s >= 1 ? 5 : 0));
      expect([...cpu.trace(0)]).toEqual(want);
      expect([...gpu.trace(0)]).toEqual(want);
    });
  });

  it('a run past the 32-bit step counter is refused before it starts', async () => {
    const sim = await createSimulation(window(MAX_STEP));
    await expect(sim.run({ steps: 2 ** 32 })).rejects.toThrow(/pass 4294967294, the most a run may count/);
    expect(sim.step).toBe(0);
  });
});
