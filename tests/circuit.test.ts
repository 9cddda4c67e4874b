// Circuits as a whole (src/circuit/*, shaders/circuit.wgsl): batches against separate runs, the
// stimuli as applied, mixed-model circuits, seed 003's experiments, errors that name the field.
import { describe, expect, test } from 'vitest';
import type { CircuitDescription } from '../src/circuit/description';
import { linspace, neunChain, neunCoupledPair, neunCouplingScan } from '../src/circuit/presets';
import { createCircuit } from '../src/circuit/simulation';
import { validateCircuit } from '../src/circuit/validate';
import { NonFiniteStateError } from '../src/backends/backend';
import { NetworkValidationError } from '../src/network/validate';
import { correlation, meanAbsDifference } from '../src/analysis/continuous';
import { expectSpikesWithin, maxAbsDiff, runCircuitBoth, testGpu } from './helpers';

describe('batches', () => {
  test('a batch of B copies gives exactly the results of B separate runs (GPU and CPU)', async () => {
    const { device } = await testGpu();
    const gs = [0.0005, 0.001, 0.002, 0.003];
    const batch = neunCouplingScan({ conductances: gs, dt: 0.01 });
    batch.record = { traces: [{ neuron: 'h1', variable: 'v' }, { neuron: 'h2', variable: 'v' }, { synapse: 0, variable: 'i1' }] };
    for (const backend of ['gpu', 'cpu'] as const) {
      const all = await createCircuit(batch, { backend, device });
      await all.run({ duration: 30 });
      for (let b = 0; b < gs.length; b++) {
        const one = await createCircuit({ ...neunCoupledPair({ g: gs[b]!, dt: 0.01 }), record: batch.record }, { backend, device });
        await one.run({ duration: 30 });
        for (const ref of [{ neuron: 'h1', variable: 'v' }, { neuron: 'h2', variable: 'v' }, { synapse: 0, variable: 'i1' }]) {
          expect(Array.from(all.trace({ ...ref, copy: b }))).toEqual(Array.from(one.trace(ref)));
        }
        expect(Array.from(all.spikeTimes('h1', b))).toEqual(Array.from(one.spikeTimes('h1')));
        one.destroy();
      }
      all.destroy();
    }
  });

  test('a batch may vary parameters, initial states and stimulus amplitudes together', async () => {
    const desc: CircuitDescription = {
      dt: 0.01, integrator: 'rk4',
      neurons: [{ name: 'n', model: 'hodgkin_huxley', preset: 'hh1952', stimuli: [{ kind: 'step', start: 0, amplitude: 0 }] }],
      batch: {
        copies: 3,
        vary: [
          { path: 'neurons[n].stimuli[0].amplitude', values: [0, 10, 20] },
          { path: 'neurons[0].params.gk', values: [36, 36, 30] },
          { path: 'neurons[0].init.v', values: [0, 0, 5] },
        ],
      },
      record: { traces: [{ neuron: 'n', variable: 'v' }, { neuron: 'n', variable: 'I' }] },
    };
    await runCircuitBoth(desc, 20, async ({ cpu, gpu }) => {
      for (const sim of [cpu, gpu]) {
        expect(sim.trace({ neuron: 'n', variable: 'I', copy: 1 })[5]).toBe(10);
        expect(sim.trace({ neuron: 'n', variable: 'I', copy: 2 })[5]).toBe(20);
        expect(sim.spikeTimes('n', 0).length).toBe(0);
        expect(sim.spikeTimes('n', 1).length).toBeGreaterThan(0);
        expect(sim.spikeTimes('n', 2)[0]!).toBeLessThan(sim.spikeTimes('n', 1)[0]!);
      }
      for (let b = 0; b < 3; b++) {
        expect(maxAbsDiff(cpu.trace({ neuron: 'n', variable: 'v', copy: b }), gpu.trace({ neuron: 'n', variable: 'v', copy: b }))).toBeLessThan(0.05); // measured 5.1e-3 over repeated spikes
      }
    });
  });
});

describe('stimuli as applied (the recorded input I)', () => {
  const desc: CircuitDescription = {
    dt: 0.5, integrator: 'euler', seed: 7,
    neurons: [
      { model: 'izhikevich', params: { threshold: 1e9 }, stimuli: [{ kind: 'constant', amplitude: 1 }, { kind: 'step', amplitude: 2, start: 1, stop: 2 }] },
      { model: 'izhikevich', params: { threshold: 1e9 }, stimuli: [{ kind: 'pulses', pulses: [{ start: 0.5, duration: 0.5, amplitude: 3 }, { start: 2, duration: 1, amplitude: -1 }] }] },
      { model: 'izhikevich', params: { threshold: 1e9 }, stimuli: [{ kind: 'train', amplitude: 5, start: 0.5, width: 0.5, period: 1.5, count: 2 }] },
      { model: 'izhikevich', params: { threshold: 1e9 }, stimuli: [{ kind: 'waveform', samples: [1, 3, 7], interval: 1, start: 0.5 }] },
      { model: 'izhikevich', params: { threshold: 1e9 }, stimuli: [{ kind: 'waveform', samples: [1, 3, 7], interval: 1, start: 0.5, interpolation: 'linear', amplitude: 2 }] },
      { model: 'izhikevich', params: { threshold: 1e9, a: 0 }, stimuli: [{ kind: 'noise', amplitude: 2, start: 1 }] },
    ],
    record: { traces: [0, 1, 2, 3, 4, 5].map((neuron) => ({ neuron, variable: 'I' })) },
  };
  const expected = [
    [1, 1, 3, 3, 1, 1, 1, 1],          // constant + step [1, 2) ms
    [0, 3, 0, 0, -1, -1, 0, 0],        // pulses
    [0, 5, 0, 0, 5, 0, 0, 0],          // train: steps 1 and 4
    [0, 1, 1, 3, 3, 7, 7, 0],          // waveform, hold, from step 1, 2 steps per sample
    [0, 2, 4, 6, 10, 14, 14, 0],       // linear, × 2, the last sample held to the end
  ];
  test('constant, step, pulses, train and waveforms give the values step by step, on both backends', async () => {
    await runCircuitBoth(desc, 4, async ({ cpu, gpu }) => {
      for (const sim of [cpu, gpu]) {
        expected.forEach((want, i) => expect(Array.from(sim.trace({ neuron: i, variable: 'I' }))).toEqual(want));
      }
      const nc = cpu.trace({ neuron: 5, variable: 'I' }), ng = gpu.trace({ neuron: 5, variable: 'I' });
      expect(Array.from(nc.slice(0, 2))).toEqual([0, 0]);
      expect(new Set(nc.slice(2)).size).toBe(6);             // drawn anew every step
      expect(maxAbsDiff(nc, ng)).toBeLessThan(1e-5);          // same Philox stream on both sides
    });
  });
});

describe('mixed circuits', () => {
  test('HH → HR (diffusion) and HR ↔ Izhikevich (electrical): GPU and CPU agree, recording any variable', async () => {
    const desc: CircuitDescription = {
      dt: 0.01, integrator: 'rk6',
      neurons: [
        { name: 'hh', model: 'hodgkin_huxley', stimuli: [{ kind: 'train', amplitude: 0.1, start: 1, width: 1, period: 15, count: 2 }] },
        { name: 'hr', model: 'hindmarsh_rose', init: { x: -1.3 } },
        { name: 'iz', model: 'izhikevich', preset: 'FS', stimuli: [{ kind: 'constant', amplitude: 10 }] },
      ],
      synapses: [
        { kind: 'diffusion', pre: 'hh', post: 'hr', gsyn: -0.05, esyn: 2, threshold: -20 },
        { kind: 'electrical', a: 'hr', b: 'iz', g1: 0.001, g2: 0.01 },
      ],
      record: { traces: [{ neuron: 'hh', variable: 'n' }, { neuron: 'hr', variable: 'y' }, { neuron: 'iz', variable: 'u' }, { synapse: 0, variable: 'r' }, { synapse: 1, variable: 'i2' }] },
    };
    // Measured on llvmpipe: |Δn| 3.4e-6, |Δu| 7.9e-6, |Δi2| 8.6e-5, and |Δy| 2.8e-2 in the HR
    // neuron (y spans ~10 units; its bursts amplify f32 rounding), spike counts identical.
    await runCircuitBoth(desc, 30, async ({ cpu, gpu }) => {
      expect(cpu.spikeTimes('hh').length).toBe(2);
      expect(cpu.spikeTimes('iz').length).toBeGreaterThan(0);
      expect(Math.max(...cpu.trace({ synapse: 0, variable: 'r' }))).toBeGreaterThan(0.5);
      expect(maxAbsDiff(cpu.trace({ neuron: 'hh', variable: 'n' }), gpu.trace({ neuron: 'hh', variable: 'n' }))).toBeLessThan(1e-4);
      expect(maxAbsDiff(cpu.trace({ neuron: 'hr', variable: 'y' }), gpu.trace({ neuron: 'hr', variable: 'y' }))).toBeLessThan(0.1);
      expect(maxAbsDiff(cpu.trace({ neuron: 'iz', variable: 'u' }), gpu.trace({ neuron: 'iz', variable: 'u' }))).toBeLessThan(1e-2);
      expect(maxAbsDiff(cpu.trace({ synapse: 1, variable: 'i2' }), gpu.trace({ synapse: 1, variable: 'i2' }))).toBeLessThan(1e-3);
      for (const n of ['hh', 'hr', 'iz']) {
        const tc = cpu.spikeTimes(n), tg = gpu.spikeTimes(n);
        expectSpikesWithin(tg, tc, 0.01);
      }
    });
  });
});

describe("seed 003's experiments", () => {
  test('coupled pair and chain run as in the seed; the electrical current is i1 = −g (V2 − V1)', async () => {
    const pair = await createCircuit(neunCoupledPair({ dt: 0.005 }), { backend: 'cpu' });
    await pair.run({ duration: 40 });
    const v1 = pair.trace({ neuron: 'h1', variable: 'v' }), v2 = pair.trace({ neuron: 'h2', variable: 'v' });
    const i1 = pair.trace({ synapse: 0, variable: 'i1' });
    for (const k of [100, 3000, 7000]) expect(i1[k]!).toBeCloseTo(-0.002 * (v2[k - 1]! - v1[k - 1]!), 12);
    expect(pair.spikeTimes('h1').length).toBeGreaterThanOrEqual(2);
    expect(pair.spikeTimes('h2').length).toBeGreaterThanOrEqual(2);
  });

  test("the seed's chain diverges under Neun's sign (n2 is pushed away from both neighbours); attracting gap junctions carry n1's spikes down the chain", async () => {
    const seed = await createCircuit(neunChain({ dt: 0.002 }), { backend: 'cpu' });
    const err = await seed.run({ duration: 20 }).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(NonFiniteStateError);
    expect((err as NonFiniteStateError).step * 0.002).toBeLessThan(6);
    const chain = await createCircuit(neunChain({ dt: 0.002, g: -0.002 }), { backend: 'cpu' });
    await chain.run({ duration: 40 });
    const t1 = chain.spikeTimes('n1'), t3 = chain.spikeTimes('n3');
    expect(t1.length).toBeGreaterThanOrEqual(2);
    expect(t3.length).toBe(t1.length);
    expect(t3[0]!).toBeGreaterThan(t1[0]!);   // n3 follows n1
  });

  test('the coupling scan is one GPU batch; synchrony falls monotonically with g until Neun\'s sign makes the pair diverge', async () => {
    const { device } = await testGpu();
    const gs = linspace(0.0001, 0.01, 20);
    const sim = await createCircuit(neunCouplingScan({ dt: 0.002 }), { backend: 'gpu', device });
    try {
      await sim.run({ duration: 100 });
      const diverged = new Set(sim.failures.map((f) => f.copy));
      // g1 = g2 = −g drives the voltages apart; beyond g ≈ 0.004 the pair blows up (NaN), as the
      // same equations do in Neun. Those copies are reported; the others are unaffected.
      expect([...diverged].sort((a, b) => a - b)).toEqual(gs.map((g, b) => (g > 0.004 ? b : -1)).filter((b) => b >= 0));
      const stable = gs.map((_, b) => b).filter((b) => !diverged.has(b));
      const corr = stable.map((b) => correlation(sim.trace({ neuron: 'h1', variable: 'v', copy: b }), sim.trace({ neuron: 'h2', variable: 'v', copy: b })));
      const mad = stable.map((b) => meanAbsDifference(sim.trace({ neuron: 'h1', variable: 'v', copy: b }), sim.trace({ neuron: 'h2', variable: 'v', copy: b })));
      for (let k = 1; k < corr.length; k++) {
        expect(corr[k]!).toBeLessThan(corr[k - 1]!);
        expect(mad[k]!).toBeGreaterThan(mad[k - 1]!);
      }
      expect(() => sim.trace({ neuron: 'h1', variable: 'v', copy: 19 })).toThrow(NonFiniteStateError);
    } finally {
      sim.destroy();
    }
  });
});

describe('errors', () => {
  test('a non-finite state stops the run naming the neuron, the copy and the step, on both backends', async () => {
    const { device } = await testGpu();
    const desc: CircuitDescription = {
      dt: 0.1, integrator: 'euler',
      neurons: [{ model: 'hindmarsh_rose' }, { model: 'hindmarsh_rose', stimuli: [{ kind: 'step', start: 1, amplitude: 1e30 }] }],
    };
    for (const backend of ['cpu', 'gpu'] as const) {
      const sim = await createCircuit(desc, { backend, device });
      const err = await sim.run({ duration: 5 }).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(NonFiniteStateError);
      expect((err as NonFiniteStateError).neuron).toBe(1);
      expect((err as NonFiniteStateError).copy).toBe(0);
      expect((err as NonFiniteStateError).step).toBeGreaterThanOrEqual(10);
      expect((err as Error).message).toMatch(/neuron 1 of copy 0 at step \d+/);
      sim.destroy();
    }
  });

  test('bad fields are named', () => {
    const base = neunCoupledPair();
    const issues = (d: unknown) => validateCircuit(d as CircuitDescription).map((i) => i.path);
    expect(issues({ ...base, dt: 0 })).toContain('dt');
    expect(issues({ ...base, integrator: 'rk5' })).toContain('integrator');
    expect(issues({ ...base, neurons: [{ model: 'lif' }] })).toContain('neurons[0].model');
    expect(issues({ ...base, neurons: [{ model: 'hodgkin_huxley', params: { gna: NaN } }] })).toContain('neurons[0].params.gna');
    expect(issues({ ...base, neurons: [{ model: 'hodgkin_huxley', params: { gca: 1 } }] })).toContain('neurons[0].params.gca');
    expect(issues({ ...base, synapses: [{ kind: 'electrical', a: 'h1', b: 'nobody', g1: 0, g2: 0 }] })).toContain('synapses[0].b');
    expect(issues({ ...base, neurons: [{ model: 'izhikevich', stimuli: [{ kind: 'waveform', samples: [1], interval: 0.0015 }] }], synapses: [] })).toContain('neurons[0].stimuli[0].interval');
    expect(issues({ ...base, batch: { copies: 2, vary: [{ path: 'synapses[0].g3', values: [1, 2] }] } })).toContain('batch.vary[0].path');
    expect(issues({ ...base, batch: { copies: 2, vary: [{ path: 'synapses[0].g1', values: [1] }] } })).toContain('batch.vary[0].values');
    expect(issues({ ...base, record: { traces: [{ neuron: 'h1', variable: 'q' }] } })).toContain('record.traces[0].variable');
    expect(issues(base)).toEqual([]);
  });

  test('a batch too large for one GPU buffer is refused with the estimate and the limit, before any allocation', async () => {
    const { device } = await testGpu();
    const desc = { ...neunCoupledPair(), batch: { copies: 1 << 24 }, record: { spikes: false } };
    const err = await createCircuit(desc, { backend: 'gpu', device }).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkValidationError);
    expect((err as NetworkValidationError).field).toBe('batch.copies');
    expect((err as Error).message).toMatch(/need .* in one GPU buffer; this device allows/);
  });
});
