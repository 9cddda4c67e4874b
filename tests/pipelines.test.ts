// Compute pipelines are cached per device by what defines them (src/gpu/pipelines.ts): a second
// simulation of the same network compiles nothing and computes the same; another network compiles
// its own; a cache is per device.
import { describe, expect, it, vi } from 'vitest';
import { acquireGpu } from '../src/gpu/device';
import { createSimulation } from '../src/run/create';
import { seedNetwork } from '../src/spec/presets/seed_network';
import { sparseIzhikevich } from '../src/spec/presets/sparse';
import { testLimits } from './helpers';

describe('the pipeline cache', () => {
  it('a second simulation of a network compiles no pipeline and gives the same spikes; another network compiles its own', async () => {
    const mine = await acquireGpu(testLimits);
    const compile = vi.spyOn(mine.device, 'createComputePipelineAsync');
    const run = async (net: ReturnType<typeof seedNetwork>, options = {}) => {
      const sim = await createSimulation(net, { backend: 'gpu', device: mine.device, ...options });
      await sim.run({ steps: 30 });
      const s = sim.spikes();
      sim.destroy();
      return [Array.from(s.step), Array.from(s.neuron)];
    };
    const first = await run(seedNetwork({ neurons: 100, seed: 1 }));
    const compiled = compile.mock.calls.length;
    expect(compiled).toBeGreaterThan(0);
    expect(await run(seedNetwork({ neurons: 100, seed: 1 }))).toEqual(first);
    expect(compile.mock.calls.length).toBe(compiled);
    // Rows in two synapse stores: their propagation pipelines too.
    const sparse = sparseIzhikevich({ n: 120, k: 12, seed: 2 });
    await run(sparse, { maxStoreSynapses: 1000, launch: 'per-step' });
    const withStores = compile.mock.calls.length;
    expect(withStores).toBeGreaterThan(compiled);
    await run(sparse, { maxStoreSynapses: 1000, launch: 'per-step' });
    expect(compile.mock.calls.length).toBe(withStores);
    mine.destroy();
  });

  it('is per device: another device compiles for itself', async () => {
    const a = await acquireGpu(testLimits), b = await acquireGpu(testLimits);
    const spyB = vi.spyOn(b.device, 'createComputePipelineAsync');
    for (const gpu of [a, b]) {
      const sim = await createSimulation(seedNetwork({ neurons: 60, seed: 3 }), { backend: 'gpu', device: gpu.device });
      await sim.run({ steps: 5 });
      sim.destroy();
    }
    expect(spyB.mock.calls.length).toBeGreaterThan(0);
    a.destroy();
    b.destroy();
  });
});
