// Features that used to live in different engines, combined in one network description and run
// by the one engine (CPU backend; the GPU backend joins them when it lands). Each asserts what
// the combination means, step by step where it can.
import { describe, expect, test } from 'vitest';
import { Simulation } from '../src/run/simulation';
import { createSimulation } from '../src/run/create';
import type { Network } from '../src/spec/network';
import { cobahh } from '../src/spec/presets/sparse';
import { adex } from '../src/models/adex';
import { hhPulsesAndGaps, izhikevichDenseDelayed, izhikevichWithLif } from './combination_networks';

async function run(net: Network, steps: number) {
  const sim = await createSimulation(net);
  await sim.run({ steps });
  return sim;
}

test("Neun's HH with sparse fixed-probability pulses and electrical synapses: I is the input plus g·(V_partner − V) from the step's voltages", async () => {
  const g = 0.0015, net = hhPulsesAndGaps(g);
  const sim = await run(net, 5000);
  expect(sim.spikes().step.length).toBeGreaterThan(20);
  const v0 = sim.trace({ population: 'hh', variable: 'v', neuron: 0 }), v10 = sim.trace({ population: 'hh', variable: 'v', neuron: 10 });
  const i0 = sim.trace({ population: 'hh', variable: 'I', neuron: 0 }), i10 = sim.trace({ population: 'hh', variable: 'I', neuron: 10 });
  // v traces hold pending pulse jumps; the gap current reads v as the step starts, which they are.
  for (let k = 1; k < v0.length; k++) {
    expect(i0[k]).toBeCloseTo(0.1 + g * (v10[k - 1]! - v0[k - 1]!), 12);
    expect(i10[k]).toBeCloseTo(0.1 + g * (v0[k - 1]! - v10[k - 1]!), 12);
  }
});

test('Izhikevich with a dense S and a delay of 5 steps: a spike at step s reaches I at step s + 6 exactly', async () => {
  const net = izhikevichDenseDelayed();
  const sim = await run(net, 300);
  const s = sim.spikes(), from0 = Array.from(s.step).filter((_, k) => s.neuron[k] === 0);
  expect(from0.length).toBeGreaterThan(3);
  const I1 = sim.trace(0);
  for (let t = 0; t < 300; t++) expect(I1[t], `step ${t}`).toBe(from0.includes(t - 6) ? 3.5 : 0);
});

describe('a batch of 8 copies equals 8 separate runs', () => {
  test('sparse COBAHH (400 neurons, p = 0.05) with 8 excitatory weights: every copy spike for spike its own run', async () => {
    const weights = [0, 2, 4, 6, 8, 10, 12, 14];
    const base = cobahh({ n: 400, p: 0.05, seed: 3 });
    const batch = await run({ ...base, batch: { copies: 8, vary: ['exc_exc', 'exc_inh'].map((p) => ({ path: `projections.${p}.weight`, values: weights })) } }, 500);
    const b = batch.spikes();
    for (let c = 0; c < 8; c++) {
      const single = await run({ ...base, projections: base.projections!.map((p) => (p.source === 'exc' ? { ...p, weight: weights[c]! } : p)) }, 500);
      const s = single.spikes(), mine = [...b.copy.keys()].filter((k) => b.copy[k] === c);
      expect(mine.length, `copy ${c}`).toBe(s.step.length);
      expect(mine.map((k) => b.step[k])).toEqual(Array.from(s.step));
      expect(mine.map((k) => b.neuron[k])).toEqual(Array.from(s.neuron));
    }
  }, 60_000);
});

test('Izhikevich excitatory and LIF inhibitory neurons in one network: both fire, and LIF holds v at v_reset while refractory', async () => {
  const net = izhikevichWithLif();
  const sim = await run(net, 5000);
  const rates = sim.summary().meanRateHz;
  expect(rates.exc).toBeGreaterThan(2);
  expect(rates.inh).toBeGreaterThan(2);
  const s = sim.spikes();
  let checked = 0;
  for (let q = 0; q < 4; q++) {
    const neuron = 80 + q, v = sim.trace({ population: 'inh', variable: 'v', neuron: q });
    const steps = Array.from(s.step).filter((_, k) => s.neuron[k] === neuron);
    for (const t of steps) {
      // t_ref = 2 ms = 20 steps: v is v_reset after the spike step and for the 19 steps after it.
      for (let k = t; k < Math.min(t + 20, v.length); k++) expect(v[k], `neuron ${neuron}, spike at ${t}, step ${k}`).toBe(-65);
      checked++;
    }
    for (let k = 1; k < steps.length; k++) expect(steps[k]! - steps[k - 1]!).toBeGreaterThanOrEqual(20);
  }
  expect(checked).toBeGreaterThan(5);
  expect(sim.rates('inh').reduce((a, b) => a + b, 0)).toBe(Array.from(s.neuron).filter((i) => i >= 80).length);
});

test('a model declared by the user from strings (AdEx), driven by Poisson input: the events have the rate asked for, and it fires', async () => {
  const mine = { ...adex, name: 'my_adex', equations: 'dv/dt = (gl*(el - v) + gl*delta_t*exp((v - vt)/delta_t) - w + I)/cm\ndw/dt = (a*(v - el) - w)/tau_w' };
  const rate = 20_000, weight = 40; // Hz; ×10 = pA for the one step an event lasts: 800 pA on average
  const net: Network = {
    dt: 0.1, seed: 9,
    populations: [{ name: 'cells', size: 50, model: JSON.parse(JSON.stringify(mine)) }],
    inputs: [{ kind: 'poisson', target: 'cells', rate, weight: weight * 10 }],
    record: { spikes: true, probes: [{ population: 'cells', variable: 'I', neurons: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] }] },
  };
  const sim = await run(net, 10_000);
  let events = 0, samples = 0;
  for (let q = 0; q < 10; q++) for (const x of sim.trace({ population: 'cells', variable: 'I', neuron: q })) { events += x / (weight * 10); samples++; }
  const expected = (rate * 0.1) / 1000; // events per step
  expect(Math.abs(events / samples / expected - 1)).toBeLessThan(0.02); // 200,000 events expected: 0.22 % standard error
  expect(sim.summary().meanRateHz.cells).toBeGreaterThan(1);
});
