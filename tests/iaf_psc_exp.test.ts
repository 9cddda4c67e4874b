// iaf_psc_exp (src/models/iaf_psc_exp.ts) run by the engine on the CPU in f64 against the exact
// solution of the membrane equation: a constant input below threshold, and one synaptic event
// into each current (tau_syn below tau_m, above it, and equal to it); NEST's refractory count
// (v held for t_ref rounded up to whole steps after the step of the spike); the GPU (f32) against the CPU.
import { describe, expect, test } from 'vitest';
import { createSimulation } from '../src/run/create';
import type { Spikes } from '../src/run/recorder';
import type { Network } from '../src/spec/network';
import { maxAbsDiff, runBoth } from './helpers';

const C = 250, TAU_M = 10, EL = -65, DT = 0.1;
const model = 'iaf_psc_exp';

/** Each variable's trace of neuron 0 of `population`, and the spikes, after `steps` on the CPU (f64). */
async function traces(net: Network, steps: number, vars: string[], population: string): Promise<{ trace: Record<string, Float64Array>; spikes: Spikes }> {
  const sim = await createSimulation(net);
  try {
    await sim.run({ steps });
    return { trace: Object.fromEntries(vars.map((v) => [v, sim.trace({ population, variable: v, neuron: 0 })])), spikes: sim.spikes() };
  } finally {
    sim.destroy();
  }
}

describe('against the exact solution, CPU f64', () => {
  test('constant input below threshold (i_e and an input current): v∞ + (v0 − v∞)·e^(−t/τm) within 1e-9 mV at every step', async () => {
    const net: Network = {
      dt: DT, seed: 1, populations: [{ name: 'n', size: 1, model, parameters: { i_e: 200 } }],
      inputs: [{ kind: 'constant', target: 'n', amplitude: 100 }],
      record: { spikes: false, probes: [{ population: 'n', variable: 'v', neurons: [0] }] },
    };
    const v = (await traces(net, 500, ['v'], 'n')).trace.v!;
    const vinf = EL + (TAU_M * 300) / C; // −53 mV
    let worst = 0;
    v.forEach((x, k) => { worst = Math.max(worst, Math.abs(x - (vinf + (EL - vinf) * Math.exp(-((k + 1) * DT) / TAU_M)))); });
    expect(worst).toBeLessThan(1e-9);
    expect(v[499]).toBeGreaterThan(-53.1);
  });

  // One spike of 'src' at step 0 (at 0.1 ms, as NEST stamps it) lands delay steps later, at the end of
  // step `delay`, as in NEST; the step after it moves v. From then on
  // i(t) = w·e^(−t/τs), v(t) = EL + w·τs·τm/(C(τm − τs))·(e^(−t/τm) − e^(−t/τs)) (t·e^(−t/τ)·w/C when equal).
  test.each([
    ['i_ex', 87.8, 0.5], ['i_in', -351.2, 2], ['i_ex', 87.8, 10],
  ])('one event into %s (w = %s pA, tau_syn = %s ms): i and v within 1e-9 at every step, nothing before it arrives', async (current, w, tauS) => {
    const delay = 7, tauName = current === 'i_ex' ? 'tau_syn_ex' : 'tau_syn_in';
    const net: Network = {
      dt: DT, seed: 1,
      populations: [
        { name: 'src', size: 1, model, init: { v: -49 } },
        { name: 'dst', size: 1, model, parameters: { [tauName]: tauS } },
      ],
      projections: [{ source: 'src', target: 'dst', connectivity: { rule: 'all-to-all' }, synapse: { kind: 'pulse', target: current }, weight: w, delay }],
      record: { spikes: true, probes: [{ population: 'dst', variable: 'v', neurons: [0] }, { population: 'dst', variable: current, neurons: [0] }] },
    };
    const { trace, spikes } = await traces(net, 300, ['v', current], 'dst');
    expect(Array.from(spikes.step)).toEqual([0]);
    const arrival = delay; // the sample that first holds the current
    let dv = 0, di = 0;
    for (let k = 0; k < 300; k++) {
      const t = (k - arrival) * DT; // time since the jump, at the end of sample k
      const i = k < arrival ? 0 : w * Math.exp(-t / tauS);
      const v = k < arrival ? EL : EL + (tauS === TAU_M ? (w * t / C) * Math.exp(-t / TAU_M) : (w * tauS * TAU_M / (C * (TAU_M - tauS))) * (Math.exp(-t / TAU_M) - Math.exp(-t / tauS)));
      dv = Math.max(dv, Math.abs(trace.v![k]! - v));
      di = Math.max(di, Math.abs(trace[current]![k]! - i));
    }
    expect(dv).toBeLessThan(1e-9);
    expect(di).toBeLessThan(1e-9);
    expect(trace.v![arrival]).toBe(EL);
    expect(Math.abs(trace.v![arrival + 1]! - EL)).toBeGreaterThan(1e-3); // it did move v
  });
});

test.each([[2, 20], [2.04, 21], [0.1, 1], [0, 0]])("refractory as NEST counts it: t_ref = %s ms holds v at v_reset for %s steps after the spike's step (whole µs, rounded up to steps), then v evolves", async (tRef, held) => {
  const net: Network = {
    dt: DT, seed: 1, populations: [{ name: 'n', size: 1, model, parameters: { i_e: 600, t_ref: tRef } }],
    record: { spikes: true, probes: [{ population: 'n', variable: 'v', neurons: [0] }] },
  };
  const { trace: { v }, spikes } = await traces(net, 400, ['v'], 'n');
  const steps = Array.from(spikes.step);
  expect(steps.length).toBeGreaterThan(2);
  for (const s of steps.slice(0, -1)) {
    for (let k = s; k <= s + held; k++) expect(v![k], `step ${k} after a spike at ${s}`).toBe(-65);
    expect(v![s + held + 1]).toBeGreaterThan(-65);
  }
});

test('the GPU (f32) against the CPU (f64): spikes at the same steps, v within 1e-3 mV', async () => {
  const net: Network = {
    dt: DT, seed: 3,
    populations: [{ name: 'n', size: 20, model, parameters: { i_e: { uniform: [400, 700] } }, init: { v: { uniform: [-65, -55] } } }],
    projections: [
      { source: 'n', target: 'n', connectivity: { rule: 'fixed-in-degree', k: 4 }, synapse: { kind: 'pulse', target: 'i_ex' }, weight: 40, delay: 3 },
      { source: 'n', target: 'n', connectivity: { rule: 'fixed-in-degree', k: 2 }, synapse: { kind: 'pulse', target: 'i_in' }, weight: -60, delay: 1 },
    ],
    record: { spikes: true, probes: [{ population: 'n', variable: 'v', neurons: [0, 7] }] },
  };
  await runBoth(net, { steps: 600 }, ({ cpu, gpu }) => {
    expect(cpu.spikes().step.length).toBeGreaterThan(20);
    expect(Array.from(gpu.spikes().step)).toEqual(Array.from(cpu.spikes().step));
    expect(Array.from(gpu.spikes().neuron)).toEqual(Array.from(cpu.spikes().neuron));
    for (const neuron of [0, 7]) {
      expect(maxAbsDiff(gpu.trace({ population: 'n', variable: 'v', neuron }), cpu.trace({ population: 'n', variable: 'v', neuron }))).toBeLessThan(1e-3);
    }
  });
});
