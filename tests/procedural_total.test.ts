// Fixed-total connectivity drawn by source neuron (src/compile/connectivity.ts): uniform sources
// and targets, exactly n synapses; its rows drawn again at each spike on the GPU (storage
// 'procedural', shaders/connectivity_draws.wgsl) with normal weights and delays redrawn into their
// bounds, against the same rows stored and against the CPU; and the full-scale microcircuit,
// which fits Chrome's 2 GiB binding limit only so.
import { describe, expect, test } from 'vitest';
import { buildSynapses, fixedTotalRowLengths } from '../src/compile/connectivity';
import { checkGpuMemory, gpuFootprint } from '../src/compile/memory';
import { microcircuit } from '../src/spec/presets/microcircuit';
import type { Network, Projection } from '../src/spec/network';
import { validateNetwork } from '../src/spec/validate';
import { createSimulation } from '../src/run/create';
import { testGpu } from './helpers';

/** χ² of counts against equal expectation; its mean is the number of bins − 1. */
function chiSquare(counts: ArrayLike<number>): number {
  let total = 0;
  for (let k = 0; k < counts.length; k++) total += counts[k]!;
  const e = total / counts.length;
  let x = 0;
  for (let k = 0; k < counts.length; k++) x += (counts[k]! - e) ** 2 / e;
  return x;
}

describe('fixed total, by source neuron', () => {
  const pr = (autapses: boolean): Projection => ({ source: 'a', target: 'a', connectivity: { rule: 'fixed-total', n: 60_000, autapses }, synapse: { kind: 'pulse', target: 'v' } });
  test.each([true, false])('exactly n synapses; sources and targets uniform (χ² within 5 sd of its mean); autapses %s', (autapses) => {
    const s = buildSynapses(pr(autapses), 3, 7, { start: 0, size: 300 }, { start: 0, size: 300 });
    expect(s.post.length).toBe(60_000);
    const len = fixedTotalRowLengths(60_000, 300, 3, 7);
    for (let i = 0; i < 300; i++) expect(s.rowStart[i + 1]! - s.rowStart[i]!).toBe(len[i]);
    const targets = new Uint32Array(300);
    let self = 0;
    for (let i = 0; i < 300; i++) for (let q = s.rowStart[i]!; q < s.rowStart[i + 1]!; q++) { targets[s.post[q]!]!++; if (s.post[q] === i) self++; }
    // χ² with 299 degrees of freedom: mean 299, sd √598 ≈ 24.5.
    expect(Math.abs(chiSquare(len) - 299)).toBeLessThan(5 * 24.5);
    expect(Math.abs(chiSquare(targets) - 299)).toBeLessThan(5 * 24.5);
    if (autapses) expect(self).toBeGreaterThan(100);  // about 60000/300 = 200
    else expect(self).toBe(0);
  });
});

/** Sources that fire regularly into targets through fixed-total projections with normal weights and delays. */
function network(storage: 'auto' | 'procedural', weight: Projection['weight']): Network {
  // b → b without autapses: the GPU's draw of a target other than the source itself.
  const proj = (source: string, target: string, n: number, w: Projection['weight'], variable: string): Projection => ({
    name: `${source}_${target}`, source, target, connectivity: { rule: 'fixed-total', n, autapses: source !== target }, synapse: { kind: 'pulse', target: variable },
    weight: w, delay: { normal: [15, 7.5], min: 0.5 }, storage,
  });
  return {
    dt: 0.1, seed: 11,
    populations: [
      { name: 'a', size: 60, model: 'iaf_psc_exp', parameters: { i_e: { uniform: [380, 520] } }, init: { v: { uniform: [-65, -50] } } },
      { name: 'b', size: 40, model: 'iaf_psc_exp', parameters: { i_e: 300 } },
    ],
    projections: [proj('a', 'b', 3000, weight, 'i_ex'), proj('b', 'b', 400, { normal: [-60, 6], max: 0 }, 'i_in')],
    record: { spikes: true, probes: [{ population: 'b', variable: 'i_ex', neurons: [0, 13, 39] }] },
  };
}

describe('rows drawn again at each spike (GPU) against the same rows stored and the CPU', () => {
  test.each([
    ['normal weights', { normal: [20, 5], min: 0 }],
    ['uniform weights', { uniform: [10, 30] }],
  ] as const)('%s, normal delays: the same spikes; i_ex within the fixed point of a weight per arrival', async (_, weight) => {
    const { device } = await testGpu();
    const runs = [];
    for (const [storage, backend] of [['procedural', 'gpu'], ['auto', 'gpu'], ['auto', 'cpu']] as const) {
      const sim = await createSimulation(network(storage, weight as Projection['weight']), backend === 'gpu' ? { backend, device } : {});
      try {
        await sim.run({ steps: 400 });
        runs.push({ spikes: sim.spikes(), i: [0, 13, 39].map((neuron) => sim.trace({ population: 'b', variable: 'i_ex', neuron })) });
      } finally {
        sim.destroy();
      }
    }
    const [procedural, stored, cpu] = runs as [typeof runs[0], typeof runs[0], typeof runs[0]];
    expect(procedural.spikes.step.length).toBeGreaterThan(100);
    for (const other of [stored, cpu]) {
      expect(Array.from(procedural.spikes.step)).toEqual(Array.from(other.spikes.step));
      expect(Array.from(procedural.spikes.neuron)).toEqual(Array.from(other.spikes.neuron));
    }
    // A normal weight drawn in f32 on the GPU may round to the next fixed-point step (scale ≥ 2⁻¹¹ pA here).
    procedural.i.forEach((trace, k) => trace.forEach((x, t) => expect(Math.abs(x - stored.i[k]![t]!)).toBeLessThan(0.05)));
  }, 120_000);
});

describe('what may be drawn again', () => {
  const with_ = (over: Partial<Projection>) => validateNetwork({ ...network('procedural', 1), projections: [{ ...network('procedural', 1).projections![0]!, ...over }] }).issues;
  test('fixed total with normal weights and delays: accepted; other rules refused, naming fixed-total', () => {
    expect(with_({})).toEqual([]);
    expect(with_({ connectivity: { rule: 'fixed-in-degree', k: 3 } })).toEqual([
      { path: 'projections[0].storage', message: 'procedural rows are drawn again at each spike, which only fixed-probability, fixed-out-degree and fixed-total can do (not fixed-in-degree)' },
      { path: 'projections[0].delay', message: 'procedural rows are drawn again at each spike: give one delay for all synapses' },
    ]);
    expect(with_({ connectivity: { rule: 'fixed-out-degree', k: 3 } })).toEqual([
      { path: 'projections[0].delay', message: 'procedural rows are drawn again at each spike: give one delay for all synapses' },
    ]);
  });
});

describe('the full-scale microcircuit on the GPU', () => {
  const LIMITS = { maxStorageBufferBindingSize: 2 ** 31 - 4, maxBufferSize: 2 ** 31 - 4 };
  test("stored, its 3.6 GB synapse table passes Chrome's 2 GiB binding; procedural, nothing is stored and all of it is under 256 MiB", () => {
    const stored = gpuFootprint(microcircuit({ scale: 1 }));
    expect(stored.largest).toBeGreaterThan(2 ** 31);
    expect(() => checkGpuMemory(microcircuit({ scale: 1 }), LIMITS)).toThrow(/needs about 3\.3 GiB \(3589266404 bytes\) in one GPU buffer; this device allows 2\.0 GiB \(2147483644 bytes;/);
    const procedural = checkGpuMemory(microcircuit({ scale: 1, storage: 'procedural' }), LIMITS, { memoryLimit: 8e9 });
    expect(procedural.largest).toBeLessThan(2 ** 31);
    expect(procedural.parts.synapses).toBe(0);
    // Mostly the spike records (124 MB) and the arrival rings (43 MB: 69 slots of both currents).
    expect(procedural.total).toBeLessThan(256 * 2 ** 20);
  });
});
