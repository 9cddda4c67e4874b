// Sparse networks on the one API, what a run records: probes (the state after each step, in both
// launch shapes and on the CPU), a diverging neuron reported with its index and step, progress
// per chunk, recordings read from a step on, and probe lists refused by field.
import { describe, expect, it } from 'vitest';
import { NonFiniteStateError } from '../src/run/guard';
import { type SimulationOptions } from '../src/run/simulation';
import { createSimulation } from '../src/run/create';
import { PhiloxStream, Purpose } from '../src/rng/philox';
import type { Network } from '../src/spec/network';
import { globalIndex } from '../src/spec/probes';
import { cobahh, sparseIzhikevich } from '../src/spec/presets/sparse';
import { NetworkSpecError } from '../src/spec/validate';
import { testGpu } from './helpers';
import { delayNetwork, probing, readAll, spikesOf } from './sparse_networks';

/** A run in two parts (probes continue across runs): every probed trace by 'neuron.variable' (global index), the state by variable over all neurons, spikes and rate counts. */
async function probed(net: Network, options: SimulationOptions, steps: number) {
  const { device } = await testGpu();
  const sim = await createSimulation(net, { backend: 'gpu', device, stepsPerSubmit: 60, ...options });
  try {
    await sim.run({ steps: steps - 25 });
    await sim.run({ steps: 25 });
    const traces: Record<string, Float64Array> = {};
    for (const p of net.record?.probes ?? []) {
      for (const neuron of p.neurons) traces[`${globalIndex(net, p.population, neuron)}.${p.variable}`] = sim.trace({ population: p.population, variable: p.variable, neuron });
    }
    const all = await readAll(sim), state: Record<string, number[]> = {};
    for (const p of sim.plan.populations) for (const v of p.model.variables) state[v] = [...(state[v] ?? []), ...all[`${p.name}.${v}`]!];
    return { traces, state, spikes: sim.spikes(), rates: sim.plan.populations.map((p) => Array.from(sim.rates(p.name))) };
  } finally { sim.destroy(); }
}

describe('probes', () => {
  it('COBAHH: each trace ends at the state the run leaves (ge, gi with the next arrivals), both launch shapes agree bit for bit, the CPU within tolerance', async () => {
    const steps = 300, plain = cobahh({ n: 500, seed: 4 }), variables = ['v', 'm', 'h', 'n', 'ge', 'gi'];
    const unprobed = await probed(plain, { launch: 'per-step' }, steps);
    // Neuron 0, the last, and the first two that spike.
    const neurons = [0, 499, ...new Set(unprobed.spikes.neuron)].filter((i, k, all) => all.indexOf(i) === k).slice(0, 4);
    const net = probing(plain, neurons, variables);
    const perStep = await probed(net, { launch: 'per-step' }, steps);
    const oneWg = await probed(net, { launch: 'one-workgroup', stepsPerDispatch: 7 }, steps);
    const cpu = await probed(net, { backend: 'cpu' }, steps);
    expect(Object.keys(perStep.traces)).toHaveLength(4 * 6);
    expect(oneWg.traces).toEqual(perStep.traces);
    for (const r of [perStep, cpu]) {
      for (const i of neurons) {
        for (const v of variables) {
          const tr = r.traces[`${i}.${v}`]!;
          expect(tr).toHaveLength(steps);
          if (v !== 'ge' && v !== 'gi') { expect(tr[steps - 1]).toBe(r.state[v]![i]); continue; }
          // ge, gi: the state plus the arrivals the next step adds, whole weights (6 and 67 nS).
          const jumps = (tr[steps - 1]! - r.state[v]![i]!) / (v === 'ge' ? 6 : 67);
          expect(jumps).toBeGreaterThanOrEqual(-1e-4);
          expect(Math.abs(jumps - Math.round(jumps))).toBeLessThan(1e-4);
        }
      }
      // Value k is the state after step k: every spike of a probed neuron is a step whose v is past threshold.
      const spikesOfProbed = Array.from(r.spikes.step).filter((_, k) => neurons.includes(r.spikes.neuron[k]!));
      expect(spikesOfProbed.length).toBeGreaterThan(3);
      r.spikes.step.forEach((s, k) => {
        const i = r.spikes.neuron[k]!;
        if (neurons.includes(i)) expect(r.traces[`${i}.v`]![s]).toBeGreaterThan(-20);
      });
    }
    let dv = 0, dg = 0;
    for (const i of neurons) {
      for (let s = 0; s < 20; s++) {
        dv = Math.max(dv, Math.abs(perStep.traces[`${i}.v`]![s]! - cpu.traces[`${i}.v`]![s]!));
        dg = Math.max(dg, Math.abs(perStep.traces[`${i}.ge`]![s]! - cpu.traces[`${i}.ge`]![s]!), Math.abs(perStep.traces[`${i}.gi`]![s]! - cpu.traces[`${i}.gi`]![s]!));
      }
    }
    // f32 against f64 over the first 2 ms, before any spike: measured 2.3e-5 mV and 4.4e-5 nS on llvmpipe (the earlier sparse engine: 5.2e-4, 7.7e-5).
    expect(dv).toBeLessThan(5e-3);
    expect(dg).toBeLessThan(1e-3);
    // Probing changes nothing: without it the spikes, rate counts and state are the same bit for bit.
    expect(Array.from(perStep.spikes.step)).toEqual(Array.from(unprobed.spikes.step));
    expect(Array.from(perStep.spikes.neuron)).toEqual(Array.from(unprobed.spikes.neuron));
    expect(perStep.rates).toEqual(unprobed.rates);
    expect(perStep.state).toEqual(unprobed.state);
  });

  it("Izhikevich: I is the step's input, exactly the list weight delay + 1 steps after each source spike, and the noise", async () => {
    // The source (noise σ 30, neuron 0) and d3 (neuron 2): I of both, v of the source, u of d3.
    const base = delayNetwork(), steps = 200;
    const net: Network = { ...base, record: { rates: false, probes: [
      { population: 'src', variable: 'I', neurons: [0] }, { population: 'd3', variable: 'I', neurons: [0] },
      { population: 'src', variable: 'v', neurons: [0] }, { population: 'd3', variable: 'u', neurons: [0] },
    ] } };
    const runs = [
      await probed(net, { launch: 'per-step' }, steps),
      await probed(net, { launch: 'one-workgroup', stepsPerDispatch: 9 }, steps),
      await probed(net, { backend: 'cpu' }, steps),
    ];
    expect(runs[1]!.traces).toEqual(runs[0]!.traces);
    const noise = new PhiloxStream(net.seed, Purpose.noise);
    for (const [q, r] of runs.entries()) {
      const src = spikesOf(r.spikes, 0);
      expect(src.length).toBeGreaterThan(3);
      const arrivals = new Set(src.map((s) => s + 1 + 3));
      const I = r.traces['2.I']!;
      for (let t = 0; t < steps; t++) expect(I[t]).toBe(arrivals.has(t) ? 1000 : 0);
      let dn = 0;
      for (let t = 0; t < steps; t++) dn = Math.max(dn, Math.abs(r.traces['0.I']![t]! - 30 * noise.normal(t, 0)));
      // The CPU draws the same normal; the GPU's is within 1e-6 relative (philox.test.ts): measured 5.9e-6 here.
      expect(dn).toBeLessThanOrEqual(q === 2 ? 0 : 1e-4);
      expect(r.traces['0.v']![steps - 1]).toBe(r.state.v![0]);
      expect(r.traces['2.u']![steps - 1]).toBe(r.state.u![2]);
    }
  });

  it('bad probe lists are named by field, and so are unprobed neurons, unknown variables and probes too large for the host', async () => {
    const issues = async (probes: NonNullable<Network['record']>['probes']) => {
      const err = await createSimulation({ ...cobahh({ n: 125 }), record: { probes } }).catch((e: unknown) => e) as NetworkSpecError;
      expect(err).toBeInstanceOf(NetworkSpecError);
      return err.issues.map((i) => `${i.path}: ${i.message}`);
    };
    expect(await issues([{ population: 'exc', variable: 'v', neurons: [5, -1, 1.5] }])).toEqual([
      'record.probes[0].neurons[1]: must be at least 0', 'record.probes[0].neurons[2]: must be a whole number',
    ]);
    expect(await issues([{ population: 'exc', variable: 'v', neurons: [5, 5, 100] }])).toEqual([
      'record.probes[0].neurons[2]: must be below 100 (the size of exc), got 100', 'record.probes[0].neurons: names a neuron twice',
    ]);
    expect(await issues([{ population: 'exc', variable: 'w', neurons: [5] }])).toEqual([
      "record.probes[0].variable: cobahh has no state variable 'w'; it has v, m, h, n, ge, gi, or 'I'",
    ]);
    expect(await issues([{ population: 'exc', variable: 'v', neurons: Array.from({ length: 4097 }, (_, i) => i % 100) }])).toEqual([
      'record.probes[0].neurons: must have at most 4096 entries, got 4097',
    ]);
    const sim = await createSimulation(probing(cobahh({ n: 1024, p: 0.01 }), Array.from({ length: 1024 }, (_, i) => i), ['v', 'm', 'h', 'n', 'ge', 'gi']));
    try {
      expect(() => sim.trace({ population: 'exc', variable: 'w', neuron: 5 })).toThrow(/trace: exc\.w of neuron 5 is not probed \(record\.probes\)/);
      // 1024 neurons × 6 values × 8 bytes (f64 on the host) × 50,000 steps is 2.3 GiB: refused before a step runs.
      const big = await sim.run({ steps: 50_000 }).catch((e: unknown) => e) as NetworkSpecError;
      expect(big.issues[0]!.path).toBe('record.probes');
      expect(big.issues[0]!.message).toMatch(/the probes would hold 2\.3 GiB of host memory after 50000 steps, over 2\.0 GiB/);
      expect(sim.step).toBe(0);
      await sim.run({ steps: 10 });  // not a failure of the run: a shorter one goes on
      expect(sim.step).toBe(10);
    } finally { sim.destroy(); }
    const none = await createSimulation(cobahh({ n: 100 }));
    try {
      expect(() => none.trace({ population: 'exc', variable: 'v', neuron: 3 })).toThrow(/trace: exc\.v of neuron 3 is not probed \(record\.probes\)/);
    } finally { none.destroy(); }
  });
});

describe('a diverging neuron', () => {
  it('is reported with its index and step on the CPU and in both GPU launch shapes, not carried on', async () => {
    const { device } = await testGpu();
    // A spike of the noisy source hits neuron 2 (dst's second) with an input of 1e30 three steps later.
    const izh = (name: string, size: number) => ({ name, size, model: 'izhikevich', preset: 'RS' });
    const net: Network = {
      dt: 1, seed: 5, populations: [izh('src', 1), izh('dst', 3)],
      projections: [{ source: 'src', target: 'dst', connectivity: { rule: 'list', pre: [0], post: [1] }, synapse: { kind: 'pulse', target: 'I' }, weight: 1e30, delay: 2 }],
      inputs: [{ kind: 'noise', target: 'src', sigma: 30 }],
    };
    const failure = async (options: SimulationOptions) => {
      const sim = await createSimulation(net, { backend: 'gpu', device, stepsPerSubmit: 2, ...options });
      let first: NonFiniteStateError;
      try {
        first = await sim.run({ steps: 300 }).then(() => { throw new Error('no failure'); }, (e: unknown) => e as NonFiniteStateError);
        // The steps before the failing one are kept, and counted: on the GPU, the chunks before it (of 2 steps here).
        expect(sim.step).toBe(options.backend === 'cpu' ? first.step : 2 * Math.floor(first.step / 2));
        // Not carried on: a further run throws the same failure, and after destroy() it says so.
        expect(await sim.run({ steps: 10 }).catch((e: unknown) => e)).toBe(first);
      } finally { sim.destroy(); }
      expect(((await sim.run({ steps: 10 }).catch((e: unknown) => e)) as Error).message).toBe('this simulation was destroyed');
      return first;
    };
    const cpu = await failure({ backend: 'cpu' });
    const perStep = await failure({ launch: 'per-step' });
    const oneWg = await failure({ launch: 'one-workgroup', stepsPerDispatch: 2 });
    for (const e of [cpu, perStep, oneWg]) {
      expect(e).toBeInstanceOf(NonFiniteStateError);
      expect(e.neuron).toBe(2);
      expect(e.step).toBeGreaterThanOrEqual(3);  // the earliest arrival: spike at 0, delay 2
    }
    expect(oneWg.step).toBe(perStep.step);
    expect(cpu.step).toBeGreaterThanOrEqual(perStep.step);  // f64 overflows later than f32
    expect(perStep.message).toMatch(/non-finite state \(NaN or ±Inf\) in neuron 2 at step \d+/);
  });
});

describe('progress', () => {
  // A report per slice of the run: on the GPU eight chunks (readback overlaps the next chunks), on the CPU 200 steps.
  it.each([['gpu', 5, 100, [[40, 100], [80, 100], [100, 100]]], ['cpu', 5, 500, [[200, 500], [400, 500], [500, 500]]]] as const)(
    'run reports each slice, ending at the total (%s)', async (backend, stepsPerSubmit, steps, want) => {
      const { device } = await testGpu();
      const sim = await createSimulation(sparseIzhikevich({ n: 200, k: 20 }), { backend, device, stepsPerSubmit });
      try {
        const seen: [number, number][] = [];
        await sim.run({ steps: 30 });
        await sim.run({ steps, onProgress: (done, total) => seen.push([done, total]) });
        expect(seen).toEqual(want);
      } finally { sim.destroy(); }
    });
});

describe('reading recordings from a step on', () => {
  it('spikes(from) is the tail of the whole recording, at chunk edges and inside chunks; rates and traces hold one value per step', async () => {
    for (const backend of ['cpu', 'gpu'] as const) {
      const { device } = await testGpu();
      const net = probing(sparseIzhikevich({ n: 300, k: 30, seed: 3 }), [7, 250], ['v', 'I', 'u']);
      const sim = await createSimulation(net, { backend, device, stepsPerSubmit: 25 });
      try {
        await sim.run({ steps: 60 });
        await sim.run({ steps: 70 });
        const all = sim.spikes();
        expect(all.step.length).toBeGreaterThan(50);
        for (const from of [0, 1, 24, 25, 26, 60, 99, 129, 130]) {
          const tail = sim.spikes(from), keep = Array.from(all.step, (t) => t >= from);
          for (const k of ['step', 'neuron', 'population', 'copy'] as const) expect(Array.from(tail[k])).toEqual(Array.from(all[k]).filter((_, j) => keep[j]));
        }
        // rates() and trace() take no step: one value per step, so the tail from step s is subarray(s);
        // a run split at step 60 holds, bit for bit, what one run of 130 steps holds.
        const whole = await createSimulation(net, { backend, device, stepsPerSubmit: 25 });
        try {
          await whole.run({ steps: 130 });
          for (const p of ['exc', 'inh']) {
            expect(sim.rates(p)).toHaveLength(130);
            expect(Array.from(sim.rates(p))).toEqual(Array.from(whole.rates(p)));
            for (const from of [0, 60, 129, 200]) expect(Array.from(sim.rates(p, undefined, from))).toEqual(Array.from(sim.rates(p)).slice(from));
          }
          for (const [population, neuron] of [['exc', 7], ['inh', 10]] as const) {
            for (const variable of ['v', 'I', 'u']) {
              const probe = { population, variable, neuron };
              expect(sim.trace(probe)).toHaveLength(130);
              expect(Array.from(sim.trace(probe))).toEqual(Array.from(whole.trace(probe)));
              for (const from of [0, 25, 129, 130, 200]) expect(Array.from(sim.trace(probe, from))).toEqual(Array.from(sim.trace(probe)).slice(from));
            }
          }
        } finally { whole.destroy(); }
      } finally { sim.destroy(); }
    }
  });
});
