// Batches in the one engine (network batch: copies, vary, nonFinite): a batch equals separate runs
// on both backends, varies parameters, initial states and input amplitudes together, names the
// copy that turns non-finite, and is refused by field when the device cannot hold it.
import { describe, expect, test } from 'vitest';
import type { Network } from '../src/spec/network';
import { createSimulation } from '../src/run/create';
import { NonFiniteStateError } from '../src/run/guard';
import { NetworkSpecError } from '../src/spec/validate';
import { neunCoupledPair, neunCouplingScan } from '../src/spec/presets/neun';
import { fakeDevice, maxAbsDiff, runBoth, testGpu } from './helpers';

describe('batches', () => {
  test('a batch of B copies gives exactly the results of B separate runs (GPU and CPU)', async () => {
    const { device } = await testGpu();
    const gs = [0.0005, 0.001, 0.002, 0.003];
    const record: Network['record'] = {
      spikes: true,
      probes: [{ population: 'h1', variable: 'v', neurons: [0] }, { population: 'h2', variable: 'v', neurons: [0] }],
      synapseProbes: [{ projection: 'gap', variable: 'i_source', synapses: [0] }],   // the circuits' i1: into h1
    };
    const refs = [{ population: 'h1', variable: 'v', neuron: 0 }, { population: 'h2', variable: 'v', neuron: 0 }, { projection: 'gap', variable: 'i_source', synapse: 0 }];
    for (const backend of ['gpu', 'cpu'] as const) {
      const all = await createSimulation({ ...neunCouplingScan({ conductances: gs, dt: 0.01 }), record }, { backend, device });
      await all.run({ duration: 30 });
      for (let b = 0; b < gs.length; b++) {
        const one = await createSimulation({ ...neunCoupledPair({ g: gs[b]!, dt: 0.01 }), record }, { backend, device });
        await one.run({ duration: 30 });
        for (const ref of refs) expect(Array.from(all.trace({ ...ref, copy: b }))).toEqual(Array.from(one.trace(ref)));
        expect(Array.from(all.spikeTimes(0, b))).toEqual(Array.from(one.spikeTimes(0)));
        one.destroy();
      }
      all.destroy();
    }
  });

  test('a batch may vary parameters, initial states and input amplitudes together', async () => {
    const net: Network = {
      dt: 0.01, seed: 0,
      populations: [{ name: 'n', size: 1, model: 'hodgkin_huxley', preset: 'hh1952', integrator: 'rk4' }],
      inputs: [{ kind: 'constant', target: 'n', amplitude: 0 }],
      batch: {
        copies: 3,
        vary: [
          { path: 'inputs.0.amplitude', values: [0, 10, 20] },
          { path: 'populations.n.parameters.gk', values: [36, 36, 30] },
          { path: 'populations.n.init.v', values: [0, 0, 5] },
        ],
      },
      record: { probes: [{ population: 'n', variable: 'v', neurons: [0] }, { population: 'n', variable: 'I', neurons: [0] }] },
    };
    const at = (variable: string, copy: number) => ({ population: 'n', variable, neuron: 0, copy });
    await runBoth(net, { duration: 20 }, ({ cpu, gpu }) => {
      for (const sim of [cpu, gpu]) {
        expect(sim.trace(at('I', 1))[5]).toBe(10);
        expect(sim.trace(at('I', 2))[5]).toBe(20);
        expect(sim.spikeTimes(0, 0).length).toBe(0);
        expect(sim.spikeTimes(0, 1).length).toBeGreaterThan(0);
        expect(sim.spikeTimes(0, 2)[0]!).toBeLessThan(sim.spikeTimes(0, 1)[0]!);
      }
      for (let b = 0; b < 3; b++) {
        expect(maxAbsDiff(cpu.trace(at('v', b)), gpu.trace(at('v', b)))).toBeLessThan(0.05); // measured 5.1e-3 over repeated spikes
      }
    });
  });
});

describe('errors', () => {
  // Two HR neurons; from step 10 the second gets 1e30 in copy 1 only (copy 0: nothing), so the
  // failure has a neuron, a copy and a step to name that are not all 0.
  test('a non-finite state stops the run naming the neuron, the copy and the step, on both backends', async () => {
    const { device } = await testGpu();
    const net: Network = {
      dt: 0.1, seed: 0,
      populations: [{ name: 'hr', size: 2, model: 'hindmarsh_rose', integrator: 'euler' }],
      inputs: [{ kind: 'constant', target: 'hr', neurons: [1], amplitude: 0, start: 10 }],
      batch: { copies: 2, vary: [{ path: 'inputs.0.amplitude', values: [0, 1e30] }] },
    };
    for (const backend of ['cpu', 'gpu'] as const) {
      const sim = await createSimulation(net, { backend, device });
      const err = await sim.run({ duration: 5 }).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(NonFiniteStateError);
      expect((err as NonFiniteStateError).neuron).toBe(1);
      expect((err as NonFiniteStateError).copy).toBe(1);
      expect((err as NonFiniteStateError).step).toBeGreaterThanOrEqual(10);
      expect((err as Error).message).toMatch(/neuron 1 of copy 1 at step \d+/);
      sim.destroy();
    }
  });

  test('a batch too large for one GPU buffer is refused with the estimate and the limit, before any allocation', async () => {
    const { device } = await testGpu();
    const net = { ...neunCoupledPair(), batch: { copies: 1 << 24 }, record: { spikes: false } };
    const err = await createSimulation(net, { backend: 'gpu', device }).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkSpecError);
    expect((err as NetworkSpecError).issues.map((i) => i.path)).toEqual(['batch.copies']);
    expect((err as Error).message).toMatch(/needs about [\d.]+ [MG]iB \(\d+ bytes\) in one GPU buffer; this device allows/);
    // Refused from the description, before anything is compiled or allocated: a device that refuses every allocation says the same.
    const fake = await createSimulation(net, { backend: 'gpu', device: fakeDevice() }).then(() => null, (e: unknown) => e);
    expect((fake as NetworkSpecError).issues.map((i) => i.path)).toEqual(['batch.copies']);
  });
});
