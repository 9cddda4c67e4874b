// What the page reads of a simulation besides its recordings: the synapses each projection holds
// (the same on both backends; none stored for procedural rows) and the GPU device it runs on.
import { describe, expect, it } from 'vitest';
import { createSimulation } from '../src/run/create';
import { cobahh, sparseIzhikevich } from '../src/spec/presets/sparse';
import { testGpu } from './helpers';

describe('Simulation.synapseCounts', () => {
  it('counts every projection the same on the CPU and the GPU, and nothing stored for procedural rows', async () => {
    const { device } = await testGpu();
    for (const net of [cobahh({ n: 200, seed: 3 }), sparseIzhikevich({ n: 150, k: 20, seed: 2 })]) {
      const cpu = await createSimulation(net, { backend: 'cpu' });
      const gpu = await createSimulation(net, { backend: 'gpu', device });
      try {
        const counts = cpu.synapseCounts();
        expect(counts).toHaveLength(4);
        expect(gpu.synapseCounts()).toEqual(counts);
        // The most synapses onto one neuron: the GPU's drawn rows count it on the GPU, the CPU from its synapses.
        expect(gpu.maxInDegrees()).toEqual(cpu.maxInDegrees());
        expect(cpu.device).toBeNull();
        expect(gpu.device).toBe(device);
        if (net.populations[0]!.model === 'izhikevich') {
          // Fixed in-degree: k·0.8 from exc, k·0.2 from inh onto every neuron.
          expect(counts).toEqual([16 * 120, 16 * 30, 4 * 120, 4 * 30]);
          expect(cpu.maxInDegrees()).toEqual([16, 16, 4, 4]);
        } else {
          // p = 0.02 of 160·160, 160·40, 40·160, 40·40 pairs (within 6σ).
          [160 * 160, 160 * 40, 40 * 160, 40 * 40].forEach((pairs, k) => expect(Math.abs(counts[k]! - 0.02 * pairs)).toBeLessThan(6 * Math.sqrt(0.02 * pairs) + 1));
        }
      } finally {
        cpu.destroy();
        gpu.destroy();
      }
    }
    const drawn = cobahh({ n: 200, seed: 3 });
    drawn.projections = drawn.projections!.map((pr) => ({ ...pr, storage: 'procedural' as const }));
    const gpu = await createSimulation(drawn, { backend: 'gpu', device });
    expect(gpu.synapseCounts()).toEqual([null, null, null, null]);
    expect(gpu.maxInDegrees()).toEqual([null, null, null, null]);
    gpu.destroy();
  });
});
