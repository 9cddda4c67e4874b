// COBAHH (docs/models.md#cobahh) on the GPU (f32) against the CPU reference (f64): the original example,
// 4000 neurons, p = 0.02, 100 ms at dt = 0.1 ms. Both start from the same f32 initial state and
// build the same synapses; synaptic sums are exact integers on both. What differs is f32 against
// f64 arithmetic, which moves a spike by one step now and then, and a chaotic network amplifies
// that. Measured on llvmpipe and on SwiftShader's Vulkan driver for seeds 1–5: the spike lists
// agree exactly up to 4.6–48 ms, each spike within one step of its twin up to 8.6 ms to past 60 ms, and
// the mean rates within 8 %. The test asserts about half the shortest of each. Below, both against
// Brian2 running the same network: the CPU reference reproduces it spike for spike.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cobahh } from '../src/sparse/description';
import { GpuSparseBackend } from '../src/sparse/gpu';
import { SparseSimulation } from '../src/sparse/simulation';
import { COBAHH_PARAMS } from '../src/models/cobahh';
import { compileSparse } from '../src/sparse/plan';
import { cobahhJs } from '../src/sparse/models';
import { testGpu } from './helpers';

/** Steps over which the two spike lists must agree exactly (2 ms). */
const IDENTICAL_STEPS = 20;
/** Steps over which every spike must have a twin (same neuron, same rank) at most one step away (4 ms). */
const WITHIN_ONE_STEP = 40;
/** Mean rate of each population: GPU within 15 % of the CPU reference. */
const RATE_TOLERANCE = 0.15;

type Spikes = { steps: Int32Array; neurons: Int32Array };

/** The first step before `until` where neuron k's j-th spike is missing from one list or more than one step from its twin; -1 if none. */
function firstMismatch(a: Spikes, b: Spikes, until: number): number {
  const byNeuron = (x: Spikes) => {
    const m = new Map<number, number[]>();
    x.steps.forEach((s, k) => { const list = m.get(x.neurons[k]!) ?? []; list.push(s); m.set(x.neurons[k]!, list); });
    return m;
  };
  const A = byNeuron(a), B = byNeuron(b);
  let worst = -1;
  for (const n of new Set([...A.keys(), ...B.keys()])) {
    const x = A.get(n) ?? [], y = B.get(n) ?? [];
    for (let j = 0; j < Math.max(x.length, y.length); j++) {
      const s = Math.min(x[j] ?? Infinity, y[j] ?? Infinity);
      if (s >= until) break;
      if (x[j] === undefined || y[j] === undefined || Math.abs(x[j]! - y[j]!) > 1) { if (worst < 0 || s < worst) worst = s; break; }
    }
  }
  return worst;
}

describe('COBAHH, 4000 neurons, GPU against CPU', () => {
  it('the same spikes for the first 2 ms, each within one step for 4 ms, mean rates within 15 % over 100 ms', async () => {
    const { device } = await testGpu();
    const desc = cobahh({ n: 4000, seed: 1 });
    const runs: Record<string, { steps: Int32Array; neurons: Int32Array; rates: Record<string, number>; counts: Uint32Array; indeg: readonly number[] }> = {};
    let readback = { chunks: 0, bytes: 0, extraReads: 0 };
    for (const backend of ['cpu', 'gpu'] as const) {
      const sim = await SparseSimulation.create(desc, { backend, device });
      try {
        await sim.run({ duration: 100 });
        runs[backend] = { ...sim.spikes(), rates: sim.meanRates(), counts: sim.rateCounts(), indeg: sim.backend.maxInDegree };
        if (sim.backend instanceof GpuSparseBackend) readback = { ...sim.backend.readbackStats };
      } finally {
        sim.destroy();
      }
    }
    const cpu = runs.cpu!, gpu = runs.gpu!;
    expect(gpu.indeg).toEqual(cpu.indeg); // the same connectivity
    const early = (r: typeof cpu) => Array.from(r.steps).flatMap((s, k) => (s < IDENTICAL_STEPS ? [`${s}:${r.neurons[k]}`] : []));
    expect(early(cpu).length).toBeGreaterThan(100);
    expect(early(gpu)).toEqual(early(cpu));
    expect(firstMismatch(cpu, gpu, WITHIN_ONE_STEP)).toBe(-1);
    for (const pop of ['exc', 'inh']) {
      expect(cpu.rates[pop]).toBeGreaterThan(5);
      expect(Math.abs(gpu.rates[pop]! - cpu.rates[pop]!) / cpu.rates[pop]!).toBeLessThan(RATE_TOLERANCE);
    }
    // The GPU's rate counts agree with its recorded spikes, step by step.
    const fromSpikes = new Uint32Array(gpu.counts.length);
    for (let k = 0; k < gpu.steps.length; k++) fromSpikes[2 * gpu.steps[k]! + (gpu.neurons[k]! < 3200 ? 0 : 1)]!++;
    expect(Array.from(gpu.counts)).toEqual(Array.from(fromSpikes));
    // The first chunk's burst outgrew the copied part and was completed from its records buffer;
    // far fewer bytes came back than full records buffers (4 chunks × 8 MB).
    expect(readback.chunks).toBe(4);
    expect(readback.extraReads).toBeGreaterThan(0);
    expect(readback.bytes).toBeLessThan(2e6);
  }, 120_000);
});

describe('COBAHH neuron', () => {
  it('a large ge makes a neuron at EL fire; the refractory period is 30 steps at dt = 0.1 ms', () => {
    const p = COBAHH_PARAMS, dt = 0.1, step = cobahhJs(p);
    expect(compileSparse(cobahh({ n: 50, seed: 1 })).refractorySteps).toBe(30);
    const x = new Float64Array([p.el, 0, 0, 0, 0, 0]);
    x[4] = 200; // nS of excitation
    let peak = -Infinity;
    for (let s = 0; s < 50; s++) { step(x, dt); peak = Math.max(peak, x[0]!); }
    expect(peak).toBeGreaterThan(0);
  });

  it('exponential Euler decays the conductances exactly: ge·exp(−dt/τe), gi·exp(−dt/τi)', () => {
    const p = COBAHH_PARAMS, dt = 0.1, step = cobahhJs(p);
    const x = new Float64Array([p.el, 0.05, 0.6, 0.3, 40, 300]);
    step(x, dt);
    expect(x[4]).toBeCloseTo(40 * Math.exp(-dt / p.taue), 13);
    expect(x[5]).toBeCloseTo(300 * Math.exp(-dt / p.taui), 12);
  });
});

/**
 * Brian2 2.5.1 (numpy target, float64, exponential Euler) ran its own COBAHH example on networks
 * spikegpu builds — the same initial state, synapses and delays (tests/fixtures/brian2_cobahh.mjs
 * regenerates the fixtures). Its StateMonitor samples at the start of each step: sample k is what
 * our trace holds after step k − 1.
 */
describe('COBAHH against Brian2 on the same network', () => {
  interface Fixture {
    brian2: string; dt: number; duration: number; traced: number[]; spikeSteps: number[]; spikeNeurons: number[];
    delaySteps: number[]; v: number[][]; ge: number[][]; gi: number[][];
  }
  const load = (file: string) => JSON.parse(readFileSync(join(__dirname, 'fixtures', file), 'utf8')) as Fixture;
  const original = { fixture: load('brian2-cobahh.json'), desc: cobahh({ n: 4000, seed: 1 }) };
  const plain = cobahh({ n: 1000, p: 0.08, seed: 2 });
  const delays = { ge: 15, gi: 5 } as Record<string, number>;
  const delayed = { fixture: load('brian2-cobahh-delays.json'), desc: { ...plain, projections: plain.projections.map((p) => ({ ...p, delay: delays[p.target] })) } };

  async function run(net: typeof original, backend: 'cpu' | 'gpu') {
    const { device } = await testGpu();
    const { fixture } = net;
    const sim = await SparseSimulation.create({ ...net.desc, record: { traces: fixture.traced } }, { backend, device, stepsPerSubmit: 500 });
    try {
      await sim.run({ steps: Math.round(fixture.duration / fixture.dt) });
      const traces = Object.fromEntries((['v', 'ge', 'gi'] as const).map((x) => [x, fixture.traced.map((i) => sim.trace(i, x))]));
      return { spikes: sim.spikes(), traces, state0: sim.plan.state0, n: sim.plan.n };
    } finally { sim.destroy(); }
  }

  /** Largest |ours − Brian2| / max(1, |Brian2|) of a variable over samples 1 … last (ours: value k − 1; Brian2 has samples 0 … steps − 1). */
  function worst(ours: Float64Array[], theirs: number[][], last: number): number {
    let w = 0;
    ours.forEach((tr, q) => { for (let k = 1; k <= last; k++) w = Math.max(w, Math.abs(tr[k - 1]! - theirs[q]![k]!) / Math.max(1, Math.abs(theirs[q]![k]!))); });
    return w;
  }

  it.each([
    ['4000 neurons, p = 0.02, 200 ms', original, 30000],
    ['1000 neurons, p = 0.08, delays of 15 (exc) and 5 (inh) steps, 100 ms', delayed, 3000],
  ] as const)('the CPU reference (f64), %s: every spike, and v, ge, gi of the traced neurons at every step to 1e-9', async (_name, net, spikes) => {
    const { fixture } = net;
    expect(fixture.brian2).toBe('2.5.1');
    const r = await run(net, 'cpu');
    expect(fixture.delaySteps).toEqual(net === delayed ? [delays.ge, delays.gi] : [0, 0]);  // exc, inh
    expect(fixture.spikeSteps.length).toBeGreaterThan(spikes);  // about 40 Hz: the networks are busy throughout
    expect(Array.from(r.spikes.steps)).toEqual(fixture.spikeSteps);
    expect(Array.from(r.spikes.neurons)).toEqual(fixture.spikeNeurons);
    // Sample 0 is the initial state both started from.
    fixture.traced.forEach((i, q) => {
      expect(fixture.v[q]![0]).toBeCloseTo(r.state0[i]!, 9);
      expect(fixture.gi[q]![0]).toBeCloseTo(r.state0[5 * r.n + i]!, 9);
    });
    // Measured (4000 neurons): v 7.9e-11 mV, ge 5.0e-10 nS, gi 4.9e-9 nS at most; the fixtures keep 12 significant digits.
    for (const x of ['v', 'ge', 'gi'] as const) expect(worst(r.traces[x]!, fixture[x], fixture.v[0]!.length - 1), x).toBeLessThan(1e-9);
  });

  it('the GPU (f32): the same spikes for 2 ms, each within a step for 4 ms, v, ge, gi within f32 error for 2 ms, rates within 10 % over 200 ms', async () => {
    const { fixture } = original;
    const r = await run(original, 'gpu');
    // Measured on llvmpipe: the first spike that differs is at 4.6 ms (f32 moves a threshold crossing
    // by a step); asserted as the GPU-against-CPU test above does, for any adapter.
    const early = (steps: ArrayLike<number>) => Array.from(steps).filter((s) => s < IDENTICAL_STEPS).length;
    const k = early(fixture.spikeSteps);
    expect(k).toBeGreaterThan(100);
    expect(Array.from(r.spikes.steps.subarray(0, k))).toEqual(fixture.spikeSteps.slice(0, k));
    expect(Array.from(r.spikes.neurons.subarray(0, k))).toEqual(fixture.spikeNeurons.slice(0, k));
    expect(early(r.spikes.steps)).toBe(k);
    const brian = { steps: Int32Array.from(fixture.spikeSteps), neurons: Int32Array.from(fixture.spikeNeurons) };
    expect(firstMismatch(r.spikes, brian, WITHIN_ONE_STEP)).toBe(-1);
    // Measured over the first 2 ms: v 9.2e-6 mV, ge 4.9e-6 nS, gi 6.2e-5 nS (relative 3e-7).
    expect(worst(r.traces.v!, fixture.v, 20)).toBeLessThan(1e-4);
    expect(worst(r.traces.ge!, fixture.ge, 20)).toBeLessThan(1e-5);
    expect(worst(r.traces.gi!, fixture.gi, 20)).toBeLessThan(1e-5);
    // Then the network's chaos takes over: measured 31,027 spikes against Brian2's 33,262 (−6.7 %).
    expect(Math.abs(r.spikes.steps.length / fixture.spikeSteps.length - 1)).toBeLessThan(0.1);
  });
});
