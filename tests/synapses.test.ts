// Neun's synapses in shaders/circuit.wgsl and src/circuit/cpu.ts (docs/conventions.md#neuns-synapses): hand-computed
// currents, the diffusion synapse's release on upward crossings only, and GPU against CPU.
import { describe, expect, test } from 'vitest';
import type { CircuitDescription, DiffusionSynapse } from '../src/circuit/description';
import { createCircuit } from '../src/circuit/simulation';
import { maxAbsDiff, runCircuitBoth } from './helpers';

describe('electrical synapse', () => {
  test("currents are g1 (V2 − V1) into n1 and g2 (V1 − V2) into n2, from the voltages before the step (Neun's sign)", async () => {
    const desc: CircuitDescription = {
      dt: 0.01, integrator: 'euler',
      neurons: [
        { model: 'hodgkin_huxley', init: { v: -75 } },
        { model: 'hindmarsh_rose', init: { x: 1.25 } },
      ],
      synapses: [{ kind: 'electrical', a: 0, b: 1, g1: -0.002, g2: 0.5 }],
      record: { traces: [{ synapse: 0, variable: 'i1' }, { synapse: 0, variable: 'i2' }, { neuron: 0, variable: 'I' }, { neuron: 1, variable: 'I' }] },
    };
    for (const backend of ['cpu', 'gpu'] as const) {
      const sim = await createCircuit(desc, { backend });
      await sim.run({ steps: 1 });
      const i1 = sim.trace({ synapse: 0, variable: 'i1' })[0]!, i2 = sim.trace({ synapse: 0, variable: 'i2' })[0]!;
      const tol = backend === 'cpu' ? 1e-12 : 1e-5;
      expect(Math.abs(i1 - -0.002 * (1.25 - -75))).toBeLessThan(tol);   // +0.1525: drives V1 away from V2
      expect(Math.abs(i2 - 0.5 * (-75 - 1.25))).toBeLessThan(tol * 100);
      expect(sim.trace({ neuron: 0, variable: 'I' })[0]).toBe(i1);
      expect(sim.trace({ neuron: 1, variable: 'I' })[0]).toBe(i2);
      sim.destroy();
    }
  });
});

describe('diffusion synapse', () => {
  const syn: DiffusionSynapse = {
    kind: 'diffusion', pre: 'pre', post: 'post', gsyn: 0.001, esyn: 20, threshold: -20,
    alpha: 2, beta: 0.5, T: 1, maxReleaseTime: 1, steps: 4,
  };
  // The presynaptic HH neuron fires once, driven by a 1 ms pulse at 2 ms; the postsynaptic one is
  // held at rest by its own dynamics. dt = 0.01 ms, RK4.
  const desc = (s: DiffusionSynapse, preInit?: number): CircuitDescription => ({
    dt: 0.01, integrator: 'rk4',
    neurons: [
      { name: 'pre', model: 'hodgkin_huxley', ...(preInit === undefined ? {} : { init: { v: preInit } }), stimuli: [{ kind: 'pulses', pulses: [{ start: 2, duration: 1, amplitude: 0.1 }] }] },
      { name: 'post', model: 'hodgkin_huxley' },
    ],
    synapses: [s],
    record: { traces: [{ synapse: 0, variable: 'r' }, { synapse: 0, variable: 'i' }, { neuron: 'pre', variable: 'v' }, { neuron: 'post', variable: 'v' }] },
  });

  test('r stays 0 until V_pre crosses the threshold upwards, follows Destexhe release for max_release_time, then decays', async () => {
    const sim = await createCircuit(desc(syn), { backend: 'cpu' });
    await sim.run({ duration: 10 });
    const r = sim.trace({ synapse: 0, variable: 'r' }), vpre = sim.trace({ neuron: 'pre', variable: 'v' });
    const cross = vpre.findIndex((v, k) => k > 0 && vpre[k - 1]! < -20 && v >= -20);
    expect(cross).toBeGreaterThan(200);
    expect(sim.spikeTimes('pre').length).toBe(1);
    for (let k = 0; k <= cross; k++) expect(r[k]).toBe(0);
    // Release starts in the step after the crossing is seen and lasts 1 ms (100 steps, 400 sub-steps):
    // r(t) = r∞ (1 − e^{−(αT + β) t}), r∞ = αT / (αT + β); then r decays as e^{−β t}.
    const k0 = cross + 1;
    const rInf = 2 / 2.5;
    const released = (t: number) => rInf * (1 - Math.exp(-2.5 * t));
    for (const q of [10, 50, 99]) expect(Math.abs(r[k0 + q]! - released((q + 1) * 0.01))).toBeLessThan(1e-8);
    const peak = released(1);
    for (const q of [150, 300, 600]) {
      expect(Math.abs(r[k0 + q]! - peak * Math.exp(-0.5 * ((q + 1) * 0.01 - 1)))).toBeLessThan(2e-3);
      expect(r[k0 + q]!).toBeLessThan(r[k0 + q - 1]!);
    }
    // i = gsyn · r · (V_post − esyn), with V_post before the step (the previous sample)
    const i = sim.trace({ synapse: 0, variable: 'i' }), vpost = sim.trace({ neuron: 'post', variable: 'v' });
    for (const q of [k0 + 20, k0 + 200]) expect(Math.abs(i[q]! - 0.001 * r[q]! * (vpost[q - 1]! - 20))).toBeLessThan(1e-12);
  });

  test('a presynaptic neuron that starts above threshold does not release (no upward crossing)', async () => {
    const quiet: CircuitDescription = { ...desc(syn, 0), neurons: [{ name: 'pre', model: 'hodgkin_huxley', init: { v: 0 } }, { name: 'post', model: 'hodgkin_huxley' }] };
    const sim = await createCircuit(quiet, { backend: 'cpu' });
    await sim.run({ steps: 5 });
    expect(Array.from(sim.trace({ synapse: 0, variable: 'r' }))).toEqual([0, 0, 0, 0, 0]);
  });

  test('GPU (f32) and CPU (f64) agree on r, i and both voltages', async () => {
    await runCircuitBoth(desc(syn), 10, async ({ cpu, gpu }) => {
      expect(maxAbsDiff(cpu.trace({ synapse: 0, variable: 'r' }), gpu.trace({ synapse: 0, variable: 'r' }))).toBeLessThan(1e-6);
      expect(maxAbsDiff(cpu.trace({ synapse: 0, variable: 'i' }), gpu.trace({ synapse: 0, variable: 'i' }))).toBeLessThan(1e-6);
      expect(maxAbsDiff(cpu.trace({ neuron: 'post', variable: 'v' }), gpu.trace({ neuron: 'post', variable: 'v' }))).toBeLessThan(1e-3);
    });
  });
});
