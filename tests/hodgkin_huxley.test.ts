// Hodgkin–Huxley (src/models/hodgkin_huxley.ts) in the one engine: GPU (f32) against the CPU
// (f64) under every integrator, the two conventions, the guarded singularities, and seed 001's
// double impulse (src/spec/presets/neun.ts), also against Brian2.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CIRCUIT_INTEGRATORS } from '../src/equations/integrators';
import { hhDoubleImpulse } from '../src/spec/presets/neun';
import { createSimulation } from '../src/run/create';
import type { Network } from '../src/spec/network';
import { NEUN_AREA } from '../src/models/hodgkin_huxley';
import { MODELS } from '../src/models/registry';
import { initialState, parameterValues, subexpressionValues } from '../src/equations/compile';
import { arrayStepJs } from '../src/equations/functions';

const HH = MODELS.hodgkin_huxley!;
const HH1952 = parameterValues(HH, 'hh1952');
/** The declared rate functions at depolarisation u (1952 convention). */
const hhRates = (u: number) => subexpressionValues(HH, { ...HH1952, v: u, h: 0, m: 0, n: 0, I: 0 });
import { expectSpikesWithin, maxAbsDiff, runBoth, testGpu } from './helpers';
import { detectSpikes } from '../src/analysis/continuous';

describe('rate functions', () => {
  test('αn and αm take their limits 0.1 and 1.0 at the removable singularities (u = 10, 25 mV)', () => {
    expect(hhRates(10).an).toBe(0.1);
    expect(hhRates(25).am).toBe(1);
    for (const u of [10, 25]) for (const e of [1e-7, 1e-4, 0.0999, 0.1001]) {
      const r0 = hhRates(u), r1 = hhRates(u + e), r2 = hhRates(u - e);
      expect(Math.abs(r1.an - r0.an) + Math.abs(r1.am - r0.am)).toBeLessThan(0.06 * e + 1e-12);
      expect(Math.abs(r2.an - r0.an) + Math.abs(r2.am - r0.am)).toBeLessThan(0.06 * e + 1e-12);
    }
  });

  test('αn and αm equal the closed forms 0.01 (10 − u)/(exp((10 − u)/10) − 1) and 0.1 (25 − u)/(…) away from the singularities', () => {
    for (const u of [-30, -5, 0, 9, 11, 24, 26, 60]) {
      const r = hhRates(u);
      expect(Math.abs(r.an! - (0.01 * (10 - u)) / (Math.exp((10 - u) / 10) - 1))).toBeLessThan(1e-15);
      expect(Math.abs(r.am! - (0.1 * (25 - u)) / (Math.exp((25 - u) / 10) - 1))).toBeLessThan(1e-14);
    }
  });

  test('steady state at rest matches the 1952 values (n, m, h = 0.3177, 0.0529, 0.5961) with the correct βh', () => {
    const init = initialState(HH, HH1952);
    expect(init.n).toBeCloseTo(0.3177, 4);
    expect(init.m).toBeCloseTo(0.0529, 4);
    expect(init.h).toBeCloseTo(0.5961, 4);
    // The gates are each rate pair's steady state at rest …
    const r = hhRates(0);
    expect(init.h).toBeCloseTo(r.ah! / (r.ah! + r.bh!), 15);
    expect(init.m).toBeCloseTo(r.am! / (r.am! + r.bm!), 15);
    expect(init.n).toBeCloseTo(r.an! / (r.an! + r.bn!), 15);
    // … and the 1952 model is (to the precision of its published EL) at equilibrium: one Euler step barely moves v.
    const x = Float64Array.from(HH.variables.map((v) => init[v]!));
    arrayStepJs(HH, 'euler')(x, Float64Array.from(HH.parameters.map((k) => HH1952[k]!)), 0, 1);
    expect(Math.abs(x[0]!)).toBeLessThan(1e-2);
  });
});

describe('the two conventions', () => {
  test("Neun's −65 mV convention is the 1952 trajectory shifted by −65 mV with currents scaled by the area", async () => {
    // A step of current from 1 ms (step 100) on.
    const neuron = (preset: string, amplitude: number): Network => ({
      dt: 0.01, seed: 0,
      populations: [{ name: 'hh', size: 1, model: 'hodgkin_huxley', preset, integrator: 'rk4' }],
      inputs: [{ kind: 'constant', target: 'hh', start: 100, amplitude }],
      record: { probes: ['v', 'h', 'm', 'n'].map((variable) => ({ population: 'hh', variable, neurons: [0] })) },
    });
    const a = await createSimulation(neuron('hh1952', 10));
    const b = await createSimulation(neuron('neun', 10 * NEUN_AREA));
    await a.run({ duration: 30 });
    await b.run({ duration: 30 });
    const at = (variable: string) => ({ population: 'hh', variable, neuron: 0 });
    const va = a.trace(at('v')), vb = b.trace(at('v'));
    expect(a.spikeTimes(0).length).toBeGreaterThanOrEqual(2);
    expect(maxAbsDiff(va, vb.map((v) => v + 65))).toBeLessThan(1e-9);
    for (const g of ['h', 'm', 'n']) {
      expect(maxAbsDiff(a.trace(at(g)), b.trace(at(g)))).toBeLessThan(1e-11);
    }
    expect(Array.from(b.spikeTimes(0))).toEqual(Array.from(a.spikeTimes(0)));
  });
});

describe('GPU (f32) against the CPU reference (f64)', () => {
  // Seed 001's double impulse over 0–50 ms at dt = 0.01 ms: two spikes. Measured on llvmpipe:
  // |Δv| ≤ 2.3e-4 mV, |Δgate| ≤ 2.2e-6, identical spike steps. Tolerances: v within 5e-3 mV and
  // gates within 5e-5 at every sample, spike times within one step (0.01 ms).
  for (const integrator of CIRCUIT_INTEGRATORS) {
    test(`${integrator}: traces and spike times agree`, async () => {
      await runBoth(hhDoubleImpulse({ integrator, dt: 0.01 }), { duration: 50 }, ({ cpu, gpu }) => {
        const at = (variable: string) => ({ population: 'hh', variable, neuron: 0 });
        const dv = maxAbsDiff(cpu.trace(at('v')), gpu.trace(at('v')));
        expect(dv).toBeLessThan(5e-3);
        for (const g of ['h', 'm', 'n']) {
          expect(maxAbsDiff(cpu.trace(at(g)), gpu.trace(at(g)))).toBeLessThan(5e-5);
        }
        const tc = cpu.spikeTimes(0), tg = gpu.spikeTimes(0);
        expect(tc.length).toBe(2);
        expectSpikesWithin(tg, tc, 0.01);
      });
    });
  }
});

describe("seed 001's double impulse", () => {
  test('two spikes: one after the 150 µA/cm² pulse at 0–1 ms, one after the 50 µA/cm² pulse at 10–11 ms', async () => {
    const sim = await createSimulation(hhDoubleImpulse());
    await sim.run({ duration: 50 });
    const t = sim.spikeTimes(0);
    expect(t.length).toBe(2);
    expect(t[0]).toBeGreaterThan(0);
    expect(t[0]).toBeLessThan(2);
    expect(t[1]).toBeGreaterThan(10);
    expect(t[1]).toBeLessThan(13);
    const v = sim.trace({ population: 'hh', variable: 'v', neuron: 0 });
    expect(Math.max(...v)).toBeGreaterThan(90);        // the 1952 spike peaks near +100 mV from rest
    expect(Math.abs(v[v.length - 1]!)).toBeLessThan(1); // and returns to rest by 50 ms
    // Spike detection on the recorded trace (samples at (k + 1) dt) agrees with the engine's within a step
    // (the engine's time is the start of the step that crosses, s·dt: docs/conventions.md#spike-times).
    const detected = detectSpikes(v, 45, 0.01, 0.01);
    expect(detected.length).toBe(2);
    detected.forEach((x, k) => expect(Math.abs(x - t[k]!)).toBeLessThanOrEqual(0.01));
    // The input trace is the stimulus as applied: 150 for steps 0..99, 50 for steps 1000..1099.
    const I = sim.trace({ population: 'hh', variable: 'I', neuron: 0 });
    expect([I[0], I[99], I[100], I[999], I[1000], I[1099], I[1100]]).toEqual([150, 150, 0, 0, 50, 50, 0]);
  });

  test('without the second pulse there is one spike: the second spike is the second pulse', async () => {
    const net = hhDoubleImpulse();
    const s = net.inputs![0]!;
    if (s.kind !== 'pulses') throw new Error('preset changed');
    s.pulses = s.pulses.slice(0, 1);
    const sim = await createSimulation(net);
    await sim.run({ duration: 50 });
    expect(sim.spikeTimes(0).length).toBe(1);
  });
});

/**
 * Brian2 2.5.1 (numpy target, float64, its rk4) ran seed 001's neuron with the double impulse,
 * the input held over each step and the gates at rest (tests/fixtures/brian2_hh1952.py). Its
 * StateMonitor samples at the start of each step: sample k is our trace's value k − 1.
 */
describe('seed 001 against Brian2', () => {
  const fixture = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'brian2-hh1952.json'), 'utf8')) as {
    brian2: string; dt: number; duration: number; v: number[]; gatesEvery: number; m: number[]; h: number[]; n: number[];
  };

  async function worst(backend: 'cpu' | 'gpu') {
    const { device } = await testGpu();
    const sim = await createSimulation(hhDoubleImpulse(), { backend, device });
    try {
      await sim.run({ duration: fixture.duration });
      const v = sim.trace({ population: 'hh', variable: 'v', neuron: 0 });
      let dv = 0, dg = 0;
      for (let k = 1; k < fixture.v.length; k++) dv = Math.max(dv, Math.abs(v[k - 1]! - fixture.v[k]!));
      for (const g of ['m', 'h', 'n'] as const) {
        const tr = sim.trace({ population: 'hh', variable: g, neuron: 0 });
        for (let j = 1; j < fixture[g].length; j++) dg = Math.max(dg, Math.abs(tr[j * fixture.gatesEvery - 1]! - fixture[g][j]!));
      }
      return { dv, dg, spikes: Array.from(sim.spikeTimes(0), (t) => +t.toFixed(2)), samples: v.length };
    } finally { sim.destroy(); }
  }

  test('the CPU reference (f64, RK4) follows Brian2 to its last digits: V within 1e-8 mV, gates within 1e-11, every 0.01 ms for 50 ms', async () => {
    expect(fixture.brian2).toBe('2.5.1');
    expect(Math.max(...fixture.v)).toBeGreaterThan(100);  // both spikes are in it
    const r = await worst('cpu');
    expect(r.samples).toBe(fixture.v.length);
    // Measured: 5.0e-10 mV and 5.0e-13, the fixture's 12 significant digits.
    expect(r.dv).toBeLessThan(1e-8);
    expect(r.dg).toBeLessThan(1e-11);
    // The circuits said 0.31 and 10.89 ms, the ends of the crossing steps; the one engine gives their starts (s·dt).
    expect(r.spikes).toEqual([0.30, 10.88]);
  });

  test('the GPU (f32) within the tolerances it has against the CPU: V 5e-3 mV, gates 5e-5', async () => {
    const r = await worst('gpu');
    expect(r.dv).toBeLessThan(5e-3);
    expect(r.dg).toBeLessThan(5e-5);
    expect(r.spikes.length).toBe(2);
  });
});
