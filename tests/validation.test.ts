// Bad input fails before any GPU allocation with an error naming the field; a non-finite state
// stops the run and names the neuron and the step.
import { describe, expect, it } from 'vitest';
import {
  createSimulation, izhikevich2003, validateNetwork, NetworkValidationError, NonFiniteStateError,
  type NetworkDescription,
} from '../src/index';
import { fakeDevice, testGpu } from './helpers';

function base(): NetworkDescription {
  return {
    dt: 1, integrator: 'izhikevich2003', seed: 1,
    populations: [{ name: 'e', size: 4, model: 'izhikevich', type: 'RS' }, { name: 'i', size: 2, model: 'izhikevich', type: 'FS' }],
    connectivity: { type: 'dense', weights: new Array(36).fill(0.1) },
    inputs: [{ type: 'noise', target: 'e', sigma: 5 }],
    record: { traces: [0] },
  };
}

type Mutate = (d: NetworkDescription) => void;
const BAD: [string, Mutate, string, RegExp][] = [
  ['zero size', (d) => { d.populations[0]!.size = 0; }, 'populations[0].size', /integer ≥ 1/],
  ['negative size', (d) => { d.populations[1]!.size = -3; }, 'populations[1].size', /integer ≥ 1/],
  ['fractional size', (d) => { d.populations[0]!.size = 2.5; }, 'populations[0].size', /integer/],
  ['NaN parameter', (d) => { d.populations[0]!.params = { a: NaN }; }, 'populations[0].params.a', /finite/],
  ['infinite parameter', (d) => { d.populations[1]!.params = { d: Infinity }; }, 'populations[1].params.d', /finite/],
  ['parameter beyond f32', (d) => { d.populations[1]!.params = { c: 1e39 }; }, 'populations[1].params.c', /f32/],
  ['NaN in a per-neuron array', (d) => { d.populations[0]!.init = { v: [-65, -65, NaN, -65] }; }, 'populations[0].init.v[2]', /finite/],
  ['per-neuron array of the wrong length', (d) => { d.populations[0]!.params = { b: [0.2, 0.2] }; }, 'populations[0].params.b', /one value per neuron \(4\)/],
  ['unknown neuron type', (d) => { (d.populations[0] as { type: string }).type = 'XX'; }, 'populations[0].type', /unknown neuron type "XX"; known: RS, IB, CH, FS, TC, LTS, RZ/],
  ['unknown model', (d) => { (d.populations[0] as { model: string }).model = 'lif'; }, 'populations[0].model', /unknown model/],
  ['S of the wrong shape', (d) => { d.connectivity = { type: 'dense', weights: new Array(30).fill(0) }; }, 'connectivity.weights', /6×6 = 36 numbers.*got 30/],
  ['NaN in S', (d) => { const w = new Array(36).fill(0); w[13] = NaN; d.connectivity = { type: 'dense', weights: w }; }, 'connectivity.weights[13]', /S\[2\]\[1\]/],
  ['scale for an unknown population', (d) => { d.connectivity = { type: 'uniform-random', scale: { x: 1 } }; }, 'connectivity.scale.x', /unknown population/],
  ['zero dt', (d) => { d.dt = 0; }, 'dt', /\(0, 100\]/],
  ['unknown integrator', (d) => { (d as { integrator: string }).integrator = 'rk9'; }, 'integrator', /izhikevich2003, euler/],
  ['negative seed', (d) => { d.seed = -1; }, 'seed', /integer/],
  ['duplicate population name', (d) => { d.populations[1]!.name = 'e'; }, 'populations[1].name', /duplicate/],
  ['input to an unknown population', (d) => { d.inputs = [{ type: 'noise', target: 'x', sigma: 1 }]; }, 'inputs[0].target', /unknown population "x"/],
  ['negative noise', (d) => { d.inputs = [{ type: 'noise', target: 'e', sigma: -1 }]; }, 'inputs[0].sigma', /≥ 0/],
  ['neuron index out of range', (d) => { d.inputs = [{ type: 'constant', target: { population: 'i', neurons: [2] }, amplitude: 1 }]; }, 'inputs[0].target.neurons[0]', /\[0, 2\)/],
  ['stop before start', (d) => { d.inputs = [{ type: 'constant', target: 'e', amplitude: 1, start: 10, stop: 5 }]; }, 'inputs[0].stop', /later than start/],
  ['traced neuron out of range', (d) => { d.record = { traces: [6] }; }, 'record.traces[0]', /\[0, 6\)/],
];

describe('bad network descriptions', () => {
  it('the base description is valid', () => {
    expect(validateNetwork(base())).toEqual([]);
  });

  it.each(BAD)('%s → error at %s', async (_, mutate, path, message) => {
    const d = base();
    mutate(d);
    const issues = validateNetwork(d);
    expect(issues[0]?.path).toBe(path);
    expect(issues[0]?.message).toMatch(message);
    for (const backend of ['cpu', 'gpu'] as const) {
      const err = await createSimulation(d, { backend, device: fakeDevice() }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NetworkValidationError);
      expect((err as NetworkValidationError).field).toBe(path);
      expect((err as Error).message).toContain(path);
    }
  });

  it('overlapping constant inputs with different windows on one neuron are refused', async () => {
    const d = base();
    d.inputs = [{ type: 'constant', target: 'e', amplitude: 1, start: 0, stop: 10 }, { type: 'constant', target: 'e', amplitude: 2, start: 5 }];
    const err = await createSimulation(d, { backend: 'cpu' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkValidationError);
    expect((err as NetworkValidationError).field).toBe('inputs[1]');
  });
});

describe('a network too large for the device', () => {
  it('is refused with the estimate and the limit, before any allocation', async () => {
    const err = await createSimulation(izhikevich2003({ neurons: 8000 }), { device: fakeDevice() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkValidationError);
    expect((err as NetworkValidationError).field).toBe('connectivity');
    expect((err as Error).message).toMatch(/8000×8000.*244\.1 MiB.*allows 128\.0 MiB \(maxStorageBufferBindingSize/);
  });

  it('is refused on the real adapter too (llvmpipe allows 128 MiB per binding)', async () => {
    const limit = (await testGpu()).device.limits.maxStorageBufferBindingSize;
    const n = Math.ceil(Math.sqrt(limit / 4)) + 200;
    const err = await createSimulation(izhikevich2003({ neurons: n })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkValidationError);
    expect((err as NetworkValidationError).field).toBe('connectivity');
  });

  it('is refused by the CPU reference too, before its S is built', async () => {
    const err = await createSimulation(izhikevich2003({ neurons: 40000 }), { backend: 'cpu' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkValidationError);
    expect((err as NetworkValidationError).field).toBe('connectivity');
    expect((err as Error).message).toMatch(/40000×40000 neurons needs 6\.0 GiB; the CPU reference holds at most 4 GiB/);
  });

  it('a device short of a limit the network needs gets GpuLimitError naming it', async () => {
    const err = await createSimulation(izhikevich2003({ neurons: 100 }), { device: fakeDevice({ maxStorageBuffersPerShaderStage: 4 }) }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('GpuLimitError');
    expect((err as Error).message).toMatch(/maxStorageBuffersPerShaderStage is 4, this network needs 7/);
  });
});

describe('bad simulation options', () => {
  it.each([['stepsPerSubmit', 0], ['stepsPerDispatch', 0], ['stepsPerDispatch', 2.5], ['workgroupSize', -64]] as const)('%s = %d is refused before anything is allocated', async (name, value) => {
    const err = await createSimulation(izhikevich2003({ neurons: 50 }), { device: fakeDevice(), [name]: value }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RangeError);
    expect((err as Error).message).toMatch(new RegExp(`${name} must be an integer in \\[1, 100000\\], got ${value}`));
  });
});

describe('a non-finite state', () => {
  // 1e30 is a valid f32 current, but v² overflows: f32 at once, f64 a few steps later.
  const blowUp = (): NetworkDescription => ({
    dt: 1, integrator: 'izhikevich2003', seed: 0,
    populations: [{ name: 'n', size: 40, model: 'izhikevich' }],
    inputs: [{ type: 'constant', target: { population: 'n', neurons: [37] }, amplitude: 1e30, start: 5 }],
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
  it('a stop time beyond the 32-bit step counter is open-ended, not wrapped', async () => {
    const { compilePlan } = await import('../src/network/plan');
    const plan = compilePlan({
      dt: 0.1, integrator: 'euler', seed: 0,
      populations: [{ name: 'n', size: 1, model: 'izhikevich' }],
      inputs: [{ type: 'constant', target: 'n', amplitude: 5, start: 1, stop: 1e12 }],
    });
    expect(plan.on[0]).toBe(10);
    expect(plan.off[0]).toBe(0xffffffff);
  });
});
