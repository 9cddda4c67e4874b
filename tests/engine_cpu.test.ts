// The one engine's CPU backend (src/engine/cpu.ts) over network descriptions: it reproduces what
// the three earlier engines computed (the seed network spike for spike in f32 and f64, seed 003's
// Neun circuits; tests/fixtures/earlier-engines.json, written by them before they were removed), and
// Brian2 2.5.1 on COBAHH and on seed 001's HH neuron, from the presets in src/spec/presets/.
// Non-finite states are reported with the neuron and the step, or freeze a copy.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { Simulation } from '../src/run/simulation';
import { createSimulation } from '../src/run/create';
import { seedNetwork } from '../src/spec/presets/seed_network';
import { hhDoubleImpulse, neunChain, neunCoupledPair } from '../src/spec/presets/neun';
import { cobahh } from '../src/spec/presets/sparse';
import type { Network } from '../src/spec/network';
import { locate, probesOf } from '../src/spec/probes';
import { maxAbsDiff } from './helpers';

async function runNew(net: Network, steps: number, precision: 'f64' | 'f32' = 'f64') {
  const sim = await createSimulation(net, { precision });
  await sim.run({ steps });
  return sim;
}

interface Spikes { step: number[]; neuron: number[] }
const earlier = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'earlier-engines.json'), 'utf8')) as {
  seedNetwork: Record<string, { f64: Spikes; f32: { first200: Spikes; spikes1000: number } }>;
  circuits: Record<'pair' | 'chain', { every: number; ms: number; v: number[][] }>;
};

describe('the seed network (seed 002) as the pulse-network engine ran it', () => {
  test('f64: the same spikes, step for step, over 300 ms (seeds 0 and 3)', async () => {
    for (const seed of [0, 3]) {
      const old = earlier.seedNetwork[seed]!.f64;
      const sim = await runNew(seedNetwork({ seed }), 300);
      const s = sim.spikes();
      expect(s.step.length).toBeGreaterThan(1500);
      expect(Array.from(s.step)).toEqual(old.step);
      expect(Array.from(s.neuron)).toEqual(old.neuron);
      sim.destroy();
    }
  });

  // In f32 the inhibitory neurons' u0 = b·v0 now comes from b as the GPU holds it (f32: random
  // values are f32 from the start) where the old engine multiplied the f64 b: one ulp, which the
  // network amplifies. Measured (seeds 0–4): identical for the first 255–337 steps, spike counts
  // over 1000 ms within 1 %.
  test('f32: the same spikes for the first 200 steps, spike counts within 3 % over 1000 ms (seeds 0 and 3)', async () => {
    for (const seed of [0, 3]) {
      const old = earlier.seedNetwork[seed]!.f32;
      const sim = await runNew(seedNetwork({ seed }), 1000, 'f32');
      const s = sim.spikes(), early = Array.from(s.step).filter((t) => t < 200).length;
      expect(early).toBeGreaterThan(1000);
      expect(Array.from(s.step.subarray(0, early))).toEqual(old.first200.step);
      expect(Array.from(s.neuron.subarray(0, early))).toEqual(old.first200.neuron);
      expect(Math.abs(s.step.length / old.spikes1000 - 1)).toBeLessThan(0.03);
      sim.destroy();
    }
  });
});

describe("seed 003's circuits as the circuit engine ran them", () => {
  // The chain diverges at 5.22 ms under Neun's sign (both engines report it), so 5 ms of it.
  // The fixture keeps every 10th step's v to 15 significant digits.
  test('the coupled pair (20 ms) and the chain (5 ms): v of every neuron within 1e-9 mV at every 10th step', async () => {
    for (const [net, old, names] of [[neunCoupledPair(), earlier.circuits.pair, ['h1', 'h2']], [neunChain(), earlier.circuits.chain, ['n1', 'n2', 'n3']]] as const) {
      const sim = await runNew(net, old.ms * 1000);
      names.forEach((_, q) => {
        const mine = sim.trace(q).filter((_, i) => i % old.every === old.every - 1);
        expect(mine.length).toBe(old.v[q]!.length);
        expect(maxAbsDiff(mine, old.v[q]!)).toBeLessThan(1e-9);
      });
      sim.destroy();
    }
  });
});

describe('against Brian2 2.5.1', () => {
  test("seed 001's HH double impulse: V within 1e-8 mV at every step, spikes at 0.31 and 10.89 ms (at step starts 0.30, 10.88)", async () => {
    const fixture = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'brian2-hh1952.json'), 'utf8')) as { v: number[]; duration: number; dt: number };
    const sim = await runNew(hhDoubleImpulse(), Math.round(fixture.duration / fixture.dt));
    const v = sim.trace({ population: 'hh', variable: 'v', neuron: 0 });
    let dv = 0;
    for (let k = 1; k < fixture.v.length; k++) dv = Math.max(dv, Math.abs(v[k - 1]! - fixture.v[k]!));
    expect(dv).toBeLessThan(1e-8);
    expect(Array.from(sim.spikeTimes(0), (t) => +t.toFixed(2))).toEqual([0.3, 10.88]);
  });

  interface Fixture { brian2: string; dt: number; duration: number; traced: number[]; spikeSteps: number[]; spikeNeurons: number[]; v: number[][]; ge: number[][]; gi: number[][] }
  const load = (file: string) => JSON.parse(readFileSync(join(__dirname, 'fixtures', file), 'utf8')) as Fixture;
  /** Probes of v, ge, gi for the traced neurons (global indices), population by population. */
  const probed = (net: Network, traced: number[]): Network => ({ ...net, record: { spikes: true, probes: probesOf(net, traced, ['v', 'ge', 'gi']) } });
  const delayed = (net: Network): Network => ({ ...net, projections: net.projections!.map((p) => ({ ...p, delay: p.source === 'exc' ? 15 : 5 })) });

  test.each([
    ['4000 neurons, p = 0.02, 200 ms', 'brian2-cobahh.json', cobahh({ n: 4000, seed: 1 })],
    ['1000 neurons, p = 0.08, delays 15 (exc) and 5 (inh) steps, 100 ms', 'brian2-cobahh-delays.json', delayed(cobahh({ n: 1000, p: 0.08, seed: 2 }))],
  ] as const)('COBAHH, %s: every spike, and v, ge, gi of the traced neurons at every step to 1e-9', async (_, file, net) => {
    const fixture = load(file);
    expect(fixture.brian2).toBe('2.5.1');
    const sim = await runNew(probed(net, fixture.traced), Math.round(fixture.duration / fixture.dt));
    const s = sim.spikes();
    expect(Array.from(s.step)).toEqual(fixture.spikeSteps);
    expect(Array.from(s.neuron)).toEqual(fixture.spikeNeurons);
    for (const x of ['v', 'ge', 'gi'] as const) {
      fixture.traced.forEach((i, q) => {
        const ours = sim.trace({ ...locate(net, i), variable: x }), theirs = fixture[x][q]!;
        let w = 0;
        for (let k = 1; k < theirs.length; k++) w = Math.max(w, Math.abs(ours[k - 1]! - theirs[k]!) / Math.max(1, Math.abs(theirs[k]!)));
        // Measured: the fixture's 12 significant digits (v 7.9e-11 mV, gi 4.9e-9 nS relative to max(1, |gi|)).
        expect(w, `${x} of neuron ${i}`).toBeLessThan(1e-9);
      });
    }
  }, 120_000);
});

describe('propagation', () => {
  // Both neurons of a fire together (the same cell and drive), so each target's input is its row sum.
  const net = (connectivity: NonNullable<Network['projections']>[number]['connectivity'], weight?: number[]): Network => ({
    dt: 1, seed: 0,
    populations: [{ name: 'a', size: 2, model: 'izhikevich', preset: 'RS' }, { name: 'b', size: 2, model: 'izhikevich', preset: 'RS' }],
    projections: [{ name: 'p', source: 'a', target: 'b', connectivity, synapse: { kind: 'pulse', target: 'I' }, ...(weight ? { weight } : {}), delay: 1 }],
    inputs: [{ kind: 'constant', target: 'a', amplitude: 15 }],
    record: { spikes: true, probes: [{ population: 'b', variable: 'I', neurons: [0, 1] }] },
  });
  const inputs = async (n: Network) => {
    const sim = await runNew(n, 200);
    const I = [0, 1].map((neuron) => Array.from(sim.trace({ population: 'b', variable: 'I', neuron })));
    sim.destroy();
    return I;
  };

  test('rows holding every target in order (added without the index array) give what the same synapses listed otherwise give', async () => {
    const dense = await inputs(net({ rule: 'dense', weights: [1, 4, 2, 8] })); // weights[post · 2 + pre]
    const listed = await inputs(net({ rule: 'list', pre: [1, 0, 1, 0], post: [1, 1, 0, 0] }, [8, 2, 4, 1]));
    expect(dense).toEqual(listed);
    expect(new Set(dense[0])).toEqual(new Set([0, 5]));
    expect(new Set(dense[1])).toEqual(new Set([0, 10]));
  });

  test('a list whose targets repeat in a pattern like full rows is not taken for them', async () => {
    // Rows [0, 1, 0] and [1]: post = 0, 1, 0, 1 as in a full 2 × 2 matrix, but not row by row.
    const a = await inputs(net({ rule: 'list', pre: [0, 0, 0, 1], post: [0, 1, 0, 1] }, [1, 2, 4, 8]));
    const b = await inputs(net({ rule: 'list', pre: [0, 0, 0, 1], post: [0, 0, 1, 1] }, [1, 4, 2, 8]));
    expect(a).toEqual(b);
    expect(new Set(a[0])).toEqual(new Set([0, 5]));
    expect(new Set(a[1])).toEqual(new Set([0, 10]));
  });
});

describe('progress', () => {
  test('a large network reports progress (and can be stopped) every 2·10⁵ neuron-steps, a small one every 200 steps', async () => {
    const seen = async (size: number, steps: number) => {
      const sim = await createSimulation({ dt: 0.1, seed: 0, populations: [{ name: 'a', size, model: 'lif' }] });
      const done: number[] = [];
      await sim.run({ steps, onProgress: (d) => done.push(d) });
      return done;
    };
    expect(await seen(20_000, 30)).toEqual([10, 20, 30]);
    expect(await seen(100, 450)).toEqual([200, 400, 450]);
  });
});

describe('non-finite states', () => {
  // AdEx started far above its cut overflows exp((v − vT)/ΔT) in its first step.
  test('stop a run naming the neuron and the step', async () => {
    const sim = await createSimulation({ dt: 0.1, seed: 0, populations: [{ name: 'a', size: 3, model: 'adex', init: { v: [-70, -70, 400] } }] });
    await expect(sim.run({ steps: 10 })).rejects.toThrow(/non-finite state \(NaN or ±Inf\) in neuron 2 at step 0/);
    await expect(sim.run({ steps: 1 })).rejects.toThrow(/non-finite/); // the failure stays
  });
  test('a step that fails records nothing of itself, not even the spikes of the populations stepped before', async () => {
    const sim = await createSimulation({
      dt: 0.1, seed: 0, record: { spikes: true, rates: true },
      populations: [{ name: 'a', size: 1, model: 'izhikevich', init: { v: 35 } }, { name: 'b', size: 1, model: 'adex', init: { v: 400 } }],
    });
    await expect(sim.run({ steps: 3 })).rejects.toThrow(/in neuron 1 at step 0/);
    expect(sim.step).toBe(0);
    expect(sim.spikes().step.length).toBe(0);
    expect(sim.rates('a').length).toBe(0);
  });
  test("'freeze-copy' stops the copy that diverged, reports it, and the others run on", async () => {
    const net: Network = {
      dt: 0.1, seed: 0, populations: [{ name: 'a', size: 2, model: 'adex', init: { v: -70 } }],
      inputs: [{ kind: 'constant', target: 'a', amplitude: 1000 }],
      batch: { copies: 3, nonFinite: 'freeze-copy', vary: [{ path: 'populations.a.init.v', values: [-70, 1e4, -65] }] },
      record: { spikes: true, probes: [{ population: 'a', variable: 'v', neurons: [0] }] },
    };
    const sim = await createSimulation(net);
    const r = await sim.run({ steps: 500 });
    expect(r.failures).toEqual([{ copy: 1, population: 'a', neuron: 0, step: 0 }]);
    expect(sim.spikeTimes(0, 0).length).toBeGreaterThan(0);
    expect(sim.spikeTimes(0, 2).length).toBeGreaterThan(0);
    expect(sim.spikeTimes(0, 1).length).toBe(0);
  });
});
