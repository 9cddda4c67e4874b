// Neun's electrical synapse in the one engine (src/engine/cpu.ts, gpu_synapses.ts; docs/conventions.md#neuns-synapses):
// hand-computed currents read through synapse probes (record.synapseProbes), whose own checks are
// here too. The diffusion synapse's release (src/models/diffusion_release.ts) has its own test file.
import { describe, expect, test } from 'vitest';
import type { Network } from '../src/spec/network';
import { createSimulation } from '../src/run/create';
import { validateNetwork } from '../src/spec/validate';
import { maxAbsDiff, runBoth, testGpu } from './helpers';

describe('electrical synapse', () => {
  test("currents are g1 (V2 − V1) into n1 and g2 (V1 − V2) into n2, from the voltages before the step (Neun's sign)", async () => {
    const { device } = await testGpu();
    const net: Network = {
      dt: 0.01, seed: 0,
      populations: [
        { name: 'hh', size: 1, model: 'hodgkin_huxley', integrator: 'euler', init: { v: -75 } },
        { name: 'hr', size: 1, model: 'hindmarsh_rose', integrator: 'euler', init: { x: 1.25 } },
      ],
      // g1 is the weight (the current into the source), g2 the current into the target.
      projections: [{ name: 'gap', source: 'hh', target: 'hr', connectivity: { rule: 'one-to-one' }, synapse: { kind: 'electrical', g2: 0.5 }, weight: -0.002 }],
      record: {
        probes: [{ population: 'hh', variable: 'I', neurons: [0] }, { population: 'hr', variable: 'I', neurons: [0] }],
        synapseProbes: [{ projection: 'gap', variable: 'i_source', synapses: [0] }, { projection: 'gap', variable: 'i', synapses: [0] }],
      },
    };
    for (const backend of ['cpu', 'gpu'] as const) {
      const sim = await createSimulation(net, { backend, device });
      await sim.run({ steps: 1 });
      const i1 = sim.trace({ projection: 'gap', variable: 'i_source', synapse: 0 })[0]!, i2 = sim.trace({ projection: 'gap', variable: 'i', synapse: 0 })[0]!;
      const tol = backend === 'cpu' ? 1e-12 : 1e-5;
      expect(Math.abs(i1 - -0.002 * (1.25 - -75))).toBeLessThan(tol);   // +0.1525: drives V1 away from V2
      expect(Math.abs(i2 - 0.5 * (-75 - 1.25))).toBeLessThan(tol * 100);
      expect(sim.trace({ population: 'hh', variable: 'I', neuron: 0 })[0]).toBe(i1);
      expect(sim.trace({ population: 'hr', variable: 'I', neuron: 0 })[0]).toBe(i2);
      // Synapse probes are numbered after the population probes.
      expect(sim.trace(2)[0]).toBe(i1);
      sim.destroy();
    }
  });
});

describe('synapse probes', () => {
  test('a bad synapse probe is refused naming its field', () => {
    const base: Network = {
      dt: 0.1, seed: 0,
      populations: [{ name: 'a', size: 3, model: 'hodgkin_huxley' }, { name: 'b', size: 3, model: 'hodgkin_huxley' }],
      projections: [
        { name: 'gap', source: 'a', target: 'b', connectivity: { rule: 'one-to-one' }, synapse: { kind: 'electrical' } },
        { name: 'chem', source: 'a', target: 'b', connectivity: { rule: 'all-to-all' }, synapse: { kind: 'diffusion', esyn: 0, threshold: -20 } },
        { name: 'pulse', source: 'a', target: 'b', connectivity: { rule: 'one-to-one' }, synapse: { kind: 'pulse', target: 'v' } },
        { name: 'random', source: 'a', target: 'b', connectivity: { rule: 'fixed-probability', p: 0.5 }, synapse: { kind: 'electrical' } },
      ],
    };
    const issues = (probe: object) => validateNetwork({ ...base, record: { synapseProbes: [probe] } }).issues.map((i) => i.path);
    expect(issues({ projection: 'gap', variable: 'i', synapses: [2] })).toEqual([]);
    expect(issues({ projection: 'chem', variable: 'r', synapses: [8] })).toEqual([]);   // 3 × 3 synapses
    expect(issues({ projection: 'nobody', variable: 'i', synapses: [0] })).toEqual(['record.synapseProbes[0].projection']);
    expect(issues({ projection: 'pulse', variable: 'i', synapses: [0] })).toEqual(['record.synapseProbes[0].projection']);
    expect(issues({ projection: 'gap', variable: 'r', synapses: [0] })).toEqual(['record.synapseProbes[0].variable']);
    expect(issues({ projection: 'chem', variable: 'i_source', synapses: [0] })).toEqual(['record.synapseProbes[0].variable']);
    expect(issues({ projection: 'gap', variable: 'v', synapses: [0] })).toEqual(['record.synapseProbes[0].variable']);
    expect(issues({ projection: 'gap', variable: 'i', synapses: [3] })).toEqual(['record.synapseProbes[0].synapses[0]']);
    expect(issues({ projection: 'gap', variable: 'i', synapses: [1, 1] })).toEqual(['record.synapseProbes[0].synapses']);
    expect(issues({ projection: 'random', variable: 'i', synapses: [0] })).toEqual(['record.synapseProbes[0].synapses']);
    expect(issues({ projection: 'gap', variable: 'i', synapses: [0], neurons: [0] })).toEqual(['record.synapseProbes[0].neurons']);
  });

  test('a batch records every copy of every probed synapse, every k steps, alike on both backends', async () => {
    // Three HH pairs coupled one to one; copy c scales the coupling, so every (copy, synapse) differs.
    const net: Network = {
      dt: 0.01, seed: 0,
      populations: [{ name: 'a', size: 3, model: 'hodgkin_huxley', init: { v: [-70, -65, -60] } }, { name: 'b', size: 3, model: 'hodgkin_huxley' }],
      projections: [{ name: 'gap', source: 'a', target: 'b', connectivity: { rule: 'one-to-one' }, synapse: { kind: 'electrical', g2: 0.001 }, weight: 0.002 }],
      inputs: [{ kind: 'constant', target: 'a', amplitude: 0.1 }],
      batch: { copies: 2, vary: [{ path: 'projections.gap.weight', values: [0.002, 0.004] }] },
      record: { synapseProbes: [{ projection: 'gap', variable: 'i_source', synapses: [2, 0], every: 3 }], probes: [{ population: 'a', variable: 'I', neurons: [0, 2], every: 3 }] },
    };
    await runBoth(net, { steps: 30 }, async ({ cpu, gpu }) => {
      for (const sim of [cpu, gpu]) {
        expect(Array.from(sim.times(1), (t) => +t.toFixed(2))).toEqual([0.03, 0.06, 0.09, 0.12, 0.15, 0.18, 0.21, 0.24, 0.27, 0.3]);
        for (const copy of [0, 1]) {
          for (const [synapse, neuron] of [[0, 0], [2, 2]] as const) {
            // Each source neuron has one synapse: its I is the constant input plus that synapse's current.
            const i = sim.trace({ projection: 'gap', variable: 'i_source', synapse, copy }), I = sim.trace({ population: 'a', variable: 'I', neuron, copy });
            expect(i.length).toBe(10);
            i.forEach((x, k) => expect(Math.abs(I[k]! - 0.1 - x)).toBeLessThan(1e-6));
          }
        }
        const c0 = sim.trace({ projection: 'gap', variable: 'i_source', synapse: 0, copy: 0 })[0]!, c1 = sim.trace({ projection: 'gap', variable: 'i_source', synapse: 0, copy: 1 })[0]!;
        expect(c1 / c0).toBeCloseTo(2, 1);   // twice the weight (the voltages it reads part by about 0.5 % in 3 steps)
      }
      const last = { projection: 'gap', variable: 'i_source', synapse: 2, copy: 1 };
      expect(maxAbsDiff(cpu.trace(last), gpu.trace(last))).toBeLessThan(1e-6);
      // The other launch shape (one dispatch per phase) records the same numbers.
      expect(gpu.launch).toBe('one-workgroup');
      const perStep = await createSimulation(net, { backend: 'gpu', device: (await testGpu()).device, launch: 'per-step' });
      await perStep.run({ steps: 30 });
      expect(Array.from(perStep.trace(last))).toEqual(Array.from(gpu.trace(last)));
      perStep.destroy();
    });
  });
});
