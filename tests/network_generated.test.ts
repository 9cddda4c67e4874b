// Generated VALID descriptions (fast-check): populations of every built-in model with its default
// integrator, projections of every rule and synapse kind, delays, inputs of every kind, probes and
// batches. Each must pass validation, compile, and run on the CPU backend; the only failure a run
// may end in is a NonFiniteStateError naming a neuron and a step (random weights may blow a model up).
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createSimulation } from '../src/run/create';
import { NonFiniteStateError } from '../src/run/guard';
import type { Network } from '../src/spec/network';
import { validateNetwork } from '../src/spec/validate';
import { testGpu } from './helpers';

const MODELS = ['izhikevich', 'lif', 'adex', 'hodgkin_huxley', 'hindmarsh_rose', 'cobahh'] as const;
/** A state variable each model lets a pulse jump. */
const PULSE_TARGET: Record<(typeof MODELS)[number], string> = { izhikevich: 'v', lif: 'v', adex: 'v', hodgkin_huxley: 'v', hindmarsh_rose: 'x', cobahh: 'ge' };

const population = (k: number) => fc.record({
  model: fc.constantFrom(...MODELS),
  size: fc.integer({ min: 1, max: 12 }),
}).map(({ model, size }) => ({ name: `p${k}`, size, model }));

const weight = fc.oneof(fc.double({ min: -2, max: 2, noNaN: true }), fc.tuple(fc.double({ min: -1, max: 0, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })).map(([a, b]) => ({ uniform: [a, b] as [number, number] })));

function network(): fc.Arbitrary<Network> {
  return fc.integer({ min: 1, max: 3 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, k) => population(k)))).chain((pops) => {
    const names = pops.map((p) => p.name);
    const projection = fc.record({
      source: fc.constantFrom(...names), target: fc.constantFrom(...names),
      rule: fc.constantFrom('fixed-probability', 'fixed-in-degree', 'fixed-out-degree', 'fixed-total', 'all-to-all', 'one-to-one'),
      p: fc.double({ min: 0, max: 1, noNaN: true }), k: fc.integer({ min: 0, max: 4 }),
      kind: fc.constantFrom('pulse', 'exponential', 'electrical'), weight, delay: fc.integer({ min: 0, max: 5 }),
    }).map((r) => {
      const src = pops.find((p) => p.name === r.source)!, dst = pops.find((p) => p.name === r.target)!;
      // One-to-one needs equal sizes, fixed degrees at most the other side's size (no self-connection needs one more).
      const rule = r.rule === 'one-to-one' && src.size !== dst.size ? 'all-to-all' : r.rule;
      const k = Math.min(r.k, (rule === 'fixed-in-degree' ? src.size : dst.size) - (r.source === r.target ? 1 : 0));
      const connectivity = rule === 'fixed-probability' ? { rule, p: r.p } : rule === 'fixed-total' ? { rule, n: k * 3 }
        : rule === 'fixed-in-degree' || rule === 'fixed-out-degree' ? { rule, k: Math.max(0, k) } : { rule };
      const synapse = r.kind === 'pulse' ? { kind: 'pulse' as const, target: PULSE_TARGET[dst.model] }
        : r.kind === 'exponential' ? { kind: 'exponential' as const, target: 'I', tau: 3 } : { kind: 'electrical' as const };
      return { source: r.source, target: r.target, connectivity, synapse, weight: r.kind === 'electrical' ? 0.001 : r.weight, ...(r.kind === 'electrical' ? {} : { delay: r.delay }) } as NonNullable<Network['projections']>[number];
    });
    const input = fc.record({ target: fc.constantFrom(...names), kind: fc.constantFrom('constant', 'noise', 'poisson', 'pulses'), x: fc.double({ min: 0, max: 5, noNaN: true }) })
      .map(({ target, kind, x }) => (kind === 'constant' ? { kind, target, amplitude: x } : kind === 'noise' ? { kind, target, sigma: x }
        : kind === 'poisson' ? { kind, target, rate: 10 * x, weight: 0.5 } : { kind, target, pulses: [{ start: 2, duration: 3, amplitude: x }] }) as NonNullable<Network['inputs']>[number]);
    return fc.record({
      projections: fc.array(projection, { maxLength: 4 }), inputs: fc.array(input, { maxLength: 3 }),
      copies: fc.integer({ min: 1, max: 3 }), seed: fc.nat(1000), probed: fc.constantFrom(...names),
    }).map(({ projections, inputs, copies, seed, probed }) => ({
      dt: 0.05, seed, populations: pops, projections, inputs,
      record: { spikes: true, rates: true, probes: [{ population: probed, variable: 'I', neurons: [0] }] },
      ...(copies > 1 ? { batch: { copies, nonFinite: 'freeze-copy' as const } } : {}),
    }));
  });
}

describe('generated valid descriptions (fast-check)', () => {
  test('300 networks: each validates, compiles and runs 40 steps on the CPU, or stops naming a non-finite neuron', async () => {
    let ran = 0;
    await fc.assert(fc.asyncProperty(network(), async (net) => {
      const { issues } = validateNetwork(net);
      if (issues.length > 0) throw new Error(`a valid description was refused: ${JSON.stringify(issues)}\n${JSON.stringify(net)}`);
      const sim = await createSimulation(net);
      try {
        await sim.run({ steps: 40 });
        expect(sim.step).toBe(40);
        expect(sim.trace(0).length).toBe(40);  // copy 0's samples of the probe
      } catch (e) {
        if (!(e instanceof NonFiniteStateError)) throw e;
        expect(e.message).toMatch(/non-finite state .* in neuron \d+.* at step \d+/);
      } finally { sim.destroy(); }
      ran++;
    }), { numRuns: 300, seed: 14 });
    expect(ran).toBe(300);
  }, 120_000);

  // The kernel generator over the same space: every combination compiles on the adapter and runs
  // (llvmpipe compiles each network's pipelines anew: fewer networks than on the CPU).
  test('40 networks on the GPU: each compiles and runs 20 steps, or stops naming a non-finite neuron; its first step spikes as the CPU does', async () => {
    const { device } = await testGpu();
    let ran = 0;
    await fc.assert(fc.asyncProperty(network(), async (net) => {
      const gpu = await createSimulation(net, { backend: 'gpu', device });
      const cpu = await createSimulation(net);
      try {
        await gpu.run({ steps: 20 });
        expect(gpu.step).toBe(20);
        await cpu.run({ steps: 1 });
        // One step from the same state: the same neurons cross their thresholds unless f32 rounding decides one.
        const first = (s: { step: Int32Array }) => Array.from(s.step).filter((t) => t === 0).length;
        expect(Math.abs(first(gpu.spikes()) - first(cpu.spikes()))).toBeLessThanOrEqual(1);
      } catch (e) {
        if (!(e instanceof NonFiniteStateError)) throw e;
      } finally { gpu.destroy(); cpu.destroy(); }
      ran++;
    }), { numRuns: 40, seed: 15 });
    expect(ran).toBe(40);
  }, 300_000);
});
