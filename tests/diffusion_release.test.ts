// Neun's diffusion synapse (src/models/diffusion_release.ts; docs/conventions.md#neuns-synapses): r
// released on upward crossings only, Destexhe's release and decay against their closed forms, the
// current it makes, and the GPU against the CPU, read through synapse probes.
import { describe, expect, test } from 'vitest';
import type { Network, Synapse } from '../src/spec/network';
import { createSimulation } from '../src/run/create';
import { maxAbsDiff, runBoth } from './helpers';

describe('diffusion synapse', () => {
  const syn: Synapse = { kind: 'diffusion', esyn: 20, threshold: -20, alpha: 2, beta: 0.5, T: 1, maxRelease: 100, substeps: 4 };
  // The presynaptic HH neuron fires once, driven by a 1 ms pulse at 2 ms; the postsynaptic one is
  // held at rest by its own dynamics. dt = 0.01 ms, RK4; gsyn (the weight) = 0.001.
  const net = (s: Synapse, preInit?: number, pulse = true): Network => ({
    dt: 0.01, seed: 0,
    populations: [
      { name: 'pre', size: 1, model: 'hodgkin_huxley', integrator: 'rk4', ...(preInit === undefined ? {} : { init: { v: preInit } }) },
      { name: 'post', size: 1, model: 'hodgkin_huxley', integrator: 'rk4' },
    ],
    projections: [{ name: 'chem', source: 'pre', target: 'post', connectivity: { rule: 'one-to-one' }, synapse: s, weight: 0.001 }],
    inputs: pulse ? [{ kind: 'pulses', target: 'pre', pulses: [{ start: 200, duration: 100, amplitude: 0.1 }] }] : [],
    record: {
      probes: [{ population: 'pre', variable: 'v', neurons: [0] }, { population: 'post', variable: 'v', neurons: [0] }],
      synapseProbes: [{ projection: 'chem', variable: 'r', synapses: [0] }, { projection: 'chem', variable: 'i', synapses: [0] }],
    },
  });
  const R = { projection: 'chem', variable: 'r', synapse: 0 }, I = { projection: 'chem', variable: 'i', synapse: 0 };

  test('r stays 0 until V_pre crosses the threshold upwards, follows Destexhe release for maxRelease steps, then decays', async () => {
    const sim = await createSimulation(net(syn));
    await sim.run({ duration: 10 });
    const r = sim.trace(R), vpre = sim.trace({ population: 'pre', variable: 'v', neuron: 0 });
    const cross = vpre.findIndex((v, k) => k > 0 && vpre[k - 1]! < -20 && v >= -20);
    expect(cross).toBeGreaterThan(200);
    expect(sim.spikeTimes(0).length).toBe(1);
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
    const i = sim.trace(I), vpost = sim.trace({ population: 'post', variable: 'v', neuron: 0 });
    for (const q of [k0 + 20, k0 + 200]) expect(Math.abs(i[q]! - 0.001 * r[q]! * (vpost[q - 1]! - 20))).toBeLessThan(1e-12);
    sim.destroy();
  });

  test('a presynaptic neuron that starts above threshold does not release (no upward crossing)', async () => {
    const sim = await createSimulation(net(syn, 0, false));
    await sim.run({ steps: 5 });
    expect(Array.from(sim.trace(R))).toEqual([0, 0, 0, 0, 0]);
    sim.destroy();
  });

  test('GPU (f32) and CPU (f64) agree on r, i and both voltages', async () => {
    await runBoth(net(syn), { duration: 10 }, ({ cpu, gpu }) => {
      expect(maxAbsDiff(cpu.trace(R), gpu.trace(R))).toBeLessThan(1e-6);
      expect(maxAbsDiff(cpu.trace(I), gpu.trace(I))).toBeLessThan(1e-6);
      const post = { population: 'post', variable: 'v', neuron: 0 };
      expect(maxAbsDiff(cpu.trace(post), gpu.trace(post))).toBeLessThan(1e-3);
    });
  });
});
