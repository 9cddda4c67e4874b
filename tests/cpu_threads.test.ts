// The CPU backend with worker threads (option threads, src/engine/cpu_threads.ts) gives exactly
// what one thread gives: the same spikes, the same final states bit for bit, the same frozen copies
// and the same non-finite report, in f64 and f32; workers draw exactly philox4x32/normalFromWords;
// bad values of the option are refused by name; destroy() ends the workers.
import { describe, expect, test } from 'vitest';
import { Simulation } from '../src/run/simulation';
import { createSimulation } from '../src/run/create';
import type { CpuEngine } from '../src/engine/cpu';
import { NOISE, ThreadPool, sharedF64 } from '../src/engine/cpu_threads';
import { JS_HELPERS, jsHelpersSource } from '../src/equations/emit';
import { normalFromWords, philox4x32, Purpose } from '../src/rng/philox';
import { seedNetwork } from '../src/spec/presets/seed_network';
import { cobahh } from '../src/spec/presets/sparse';
import type { Network } from '../src/spec/network';

interface Outcome { spikes: { step: number[]; neuron: number[]; copy: number[] }; states: Record<string, Float64Array>; failures: unknown; error: string | null }

/** Runs `net` for `steps` with `threads`; what it spiked, every final state variable, the failures or the error. */
async function outcome(net: Network, steps: number, threads: number, precision: 'f64' | 'f32' = 'f64'): Promise<Outcome> {
  const sim = await createSimulation(net, { threads, precision });
  let error: string | null = null;
  try { await sim.run({ steps }); } catch (e) { error = (e as Error).message; }
  const s = sim.spikes(), states: Record<string, Float64Array> = {};
  for (const p of sim.plan.populations) for (const v of p.model.variables) states[`${p.name}.${v}`] = await sim.readState(p.name, v);
  const failures = sim.summary().failures;
  sim.destroy();
  return { spikes: { step: Array.from(s.step), neuron: Array.from(s.neuron), copy: Array.from(s.copy) }, states, failures, error };
}

/** The first element whose bits differ (−0 ≠ 0, NaN payloads compared), or −1. */
function firstDifference(a: Float64Array, b: Float64Array): number {
  const x = new BigUint64Array(a.buffer, a.byteOffset, a.length), y = new BigUint64Array(b.buffer, b.byteOffset, b.length);
  if (x.length !== y.length) return 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

/**
 * threads 2 and 3 against 1: spikes, failures and errors equal, final states bit for bit (after a
 * stop, neurons past the failing one may have taken their step with threads: the run is over).
 */
async function expectSameAsOneThread(net: Network, steps: number, precision: 'f64' | 'f32' = 'f64'): Promise<Outcome> {
  const one = await outcome(net, steps, 1, precision);
  for (const threads of [2, 3]) {
    const many = await outcome(net, steps, threads, precision);
    expect(many.error, `threads ${threads}`).toBe(one.error);
    expect(many.failures, `threads ${threads}`).toEqual(one.failures);
    expect(many.spikes.step, `threads ${threads}`).toEqual(one.spikes.step);
    expect(many.spikes.neuron, `threads ${threads}`).toEqual(one.spikes.neuron);
    expect(many.spikes.copy, `threads ${threads}`).toEqual(one.spikes.copy);
    if (one.error === null) for (const [name, x] of Object.entries(one.states)) expect(firstDifference(many.states[name]!, x), `${name}, threads ${threads}`).toBe(-1);
  }
  return one;
}

describe('threads: the same results as one thread, bit for bit', () => {
  test('the seed network (1000 Izhikevich, dense S, noise), 300 steps', async () => {
    const one = await expectSameAsOneThread(seedNetwork({ seed: 0 }), 300);
    expect(one.spikes.step.length).toBeGreaterThan(1500);
  });

  test('COBAHH 1000 (p = 0.02, noise), 300 steps', async () => {
    const one = await expectSameAsOneThread(cobahh({ n: 1000, seed: 1 }), 300);
    expect(one.spikes.step.length).toBeGreaterThan(0);
  });

  test('f32: the seed network and COBAHH 1000, 300 steps', async () => {
    await expectSameAsOneThread(seedNetwork({ seed: 3 }), 300, 'f32');
    await expectSameAsOneThread(cobahh({ n: 1000, seed: 1 }), 300, 'f32');
  });

  // Copies 1 and 4 diverge in 'a' (its input overflows AdEx's exp), copy 2 in 'b' at its start,
  // copy 3 in 'b' mid-run (a's spikes jump v past exp's range); a constant input beside the noise
  // makes the engine run the noise and the steps as two phases.
  test("a batch under 'freeze-copy': the same frozen copies, spikes and states", async () => {
    const net: Network = {
      dt: 0.1, seed: 4,
      populations: [
        { name: 'a', size: 30, model: 'adex', init: { v: -70 } },
        { name: 'b', size: 20, model: 'adex', init: { v: -70 } },
      ],
      projections: [{ name: 'ab', source: 'a', target: 'b', connectivity: { rule: 'fixed-probability', p: 0.3 }, synapse: { kind: 'pulse', target: 'v' }, weight: 2 }],
      inputs: [
        { kind: 'constant', target: 'a', amplitude: 800 },
        { kind: 'noise', target: 'a', sigma: 200 },
        { kind: 'noise', target: 'b', sigma: 400 },
      ],
      batch: {
        copies: 6, nonFinite: 'freeze-copy',
        vary: [
          { path: 'inputs.0.amplitude', values: [800, 1e9, 900, 700, 1e12, 850] },
          { path: 'populations.b.init.v', values: [-70, -70, 1e4, -65, -70, -70] },
          { path: 'projections.ab.weight', values: [2, 2, 2, 3000, 2, 2] },
        ],
      },
      record: { spikes: true },
    };
    const one = await expectSameAsOneThread(net, 300);
    const failures = one.failures as { copy: number; population: string; neuron: number; step: number }[];
    expect(failures.map((f) => f.copy).sort()).toEqual([1, 2, 3, 4]);
    const late = failures.find((f) => f.copy === 3)!;  // mid-run, past b's first neuron
    expect([late.population, late.step > 0, late.neuron > 0]).toEqual(['b', true, true]);
    expect(one.spikes.copy.filter((c) => c === 0).length).toBeGreaterThan(0);
  });

  // Non-finite neurons in both threads' ranges and in both populations: the report names the first in element order.
  test("a non-finite stop names the same neuron and step", async () => {
    const v = (n: number, bad: number[]) => Array.from({ length: n }, (_, i) => (bad.includes(i) ? 400 : -70));
    const cases: [number[], number[], RegExp][] = [
      [[150, 170], [], /neuron 150 at step 0/],
      [[50, 150], [10], /neuron 50 at step 0/],
      [[], [190, 20], /neuron 220 at step 0/],
    ];
    for (const [a, b, message] of cases) {
      const net: Network = {
        dt: 0.1, seed: 0,
        populations: [{ name: 'a', size: 200, model: 'adex', init: { v: v(200, a) } }, { name: 'b', size: 200, model: 'adex', init: { v: v(200, b) } }],
        inputs: [{ kind: 'noise', target: 'a', sigma: 10 }],
      };
      const one = await expectSameAsOneThread(net, 10);
      expect(one.error).toMatch(message);
    }
  });
});

describe('worker threads', () => {
  test("a worker's noise draws are philox4x32 and normalFromWords, bit for bit (counters past 2³¹ included; none where σ = 0, at range ends too)", async () => {
    const N = 600, [k0, k1] = [0x12345678, 7];
    const sd = sharedF64(N).map((_, e) => (e < 5 || e > N - 5 || (e > 290 && e < 310) || e % 7 === 0 ? 0 : 1));
    const pop = { S: [], P: [], I: sharedF64(N), R: null, RS: null, sd, size: N, start: 3, body: 'return -1;', wasm: null };
    const pool = await ThreadPool.start({ pops: [pop], n: N + 3, purpose: Purpose.noise, k0, k1, f32: false, freeze: false, frozen: new Uint8Array(new SharedArrayBuffer(1)), copies: 1, threads: 2, steps: [() => -1] });
    try {
      for (const t of [0, 17, 2 ** 31 + 5, 2 ** 32 - 2]) {
        pop.I.fill(0);
        pool.run(NOISE, t);
        const w = new Uint32Array(4);
        for (let e = 0; e < N; e++) {
          philox4x32(t, 3 + e, Purpose.noise, 0, k0, k1, w);
          expect(Object.is(pop.I[e], sd[e] === 0 ? 0 : normalFromWords(w[0]!, w[1]!)), `element ${e} at step ${t}`).toBe(true);
        }
      }
    } finally {
      pool.destroy();
    }
    await pool.exited;
  });

  test("the workers' helpers, rebuilt from source, compute what JS_HELPERS compute", () => {
    const rebuilt = new Function(`return ${jsHelpersSource()}`)() as Record<string, (x: number) => number>;
    expect(Object.keys(rebuilt)).toEqual(Object.keys(JS_HELPERS));
    const xs = [0, 1e-9, -0.1, 0.2499, 0.25, -3.7, 12.5, 80];
    for (const [name, f] of Object.entries(JS_HELPERS)) {
      for (const x of xs) expect(Object.is(rebuilt[name]!(x), (f as (x: number) => number)(x)), `${name}(${x})`).toBe(true);
    }
  });

  test('bad values of threads are refused by name, before the network is looked at', async () => {
    for (const threads of [0, -1, 1.5, NaN, Infinity, 257, '2', 'all', null, true]) {
      await expect(createSimulation({}, { threads: threads as never }), String(threads)).rejects.toThrow(/^threads: a whole number from 1 to 256, or 'auto'/);
    }
    await expect(createSimulation(seedNetwork({ neurons: 100 }), { backend: 'gpu', threads: 2 })).rejects.toThrow(/threads: an option of the CPU backend/);
  });

  test("'auto' uses every core, and destroy() ends the workers", async () => {
    const { availableParallelism } = await import('node:os');
    const sim = await createSimulation(seedNetwork({ neurons: 100 }), { threads: 'auto' });
    const engine = (sim as unknown as { engine: CpuEngine }).engine;
    expect(engine.threads).toBe(availableParallelism());
    await sim.run({ steps: 20 });
    sim.destroy();
    const ended = await Promise.race([engine.exited.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 10_000))]);
    expect(ended).toBe(true);
    await expect(sim.run({ steps: 1 })).rejects.toThrow(/destroyed/);
  });

  test('destroy() during a run (in onProgress) ends it with an error, not a wait for workers that have gone', async () => {
    const sim = await createSimulation(seedNetwork({ neurons: 100 }), { threads: 2 });
    const run = sim.run({ steps: 1000, onProgress: (done) => { if (done >= 200) sim.destroy(); } });
    const settled = await Promise.race([run.then(() => 'finished', (e: Error) => e.message), new Promise((resolve) => setTimeout(() => resolve('hung'), 10_000))]);
    expect(settled).toMatch(/destroyed during its run/);
    expect(sim.step).toBe(200);
  });
});
