// Networks and runs the sparse-network tests share (tests/sparse_network.test.ts, tests/sparse_recording.test.ts).
import { expect } from 'vitest';
import { type SimulationOptions, type Simulation } from '../src/run/simulation';
import { createSimulation } from '../src/run/create';
import type { Network } from '../src/spec/network';
import { probesOf } from '../src/spec/probes';
import type { Spikes } from '../src/run/recorder';
import { testGpu } from './helpers';

/** Delays of the three targets of delayNetwork's source neuron, in steps. */
export const DELAYS = [0, 3, 7];

/** One noisy source neuron (σ 30) driving three silent targets (neurons 1, 2, 3) through delays 0, 3 and 7 steps. */
export function delayNetwork(): Network {
  const izh = (name: string) => ({ name, size: 1, model: 'izhikevich', preset: 'RS' });
  return {
    dt: 1, seed: 5,
    populations: [izh('src'), ...DELAYS.map((d) => izh(`d${d}`))],
    projections: DELAYS.map((d) => ({
      source: 'src', target: `d${d}`, connectivity: { rule: 'list' as const, pre: [0], post: [0] }, synapse: { kind: 'pulse' as const, target: 'I' }, weight: 1000, delay: d,
    })),
    inputs: [{ kind: 'noise', target: 'src', sigma: 30 }],
  };
}

/** The steps at which global neuron `neuron` spiked. */
export const spikesOf = (s: Spikes, neuron: number): number[] => Array.from(s.step).filter((_, k) => s.neuron[k] === neuron);

/** Each target of delayNetwork spikes exactly 1 + delay steps after each spike of the source (within `steps`). */
export function expectExactDelays(spikes: Spikes, steps: number): void {
  const source = spikesOf(spikes, 0);
  expect(source.length).toBeGreaterThan(5);
  DELAYS.forEach((d, q) => expect(spikesOf(spikes, q + 1)).toEqual(source.map((s) => s + 1 + d).filter((s) => s < steps)));
}

/** Probes of `variables` at the given global neurons, one per population and variable. */
export function probing(net: Network, neurons: readonly number[], variables: readonly string[]): Network {
  return { ...net, record: { ...net.record, probes: probesOf(net, neurons, variables) } };
}

/** Every state variable of every population, by 'population.variable'. */
export async function readAll(sim: Simulation): Promise<Record<string, Float64Array>> {
  const out: Record<string, Float64Array> = {};
  for (const p of sim.plan.populations) for (const v of p.model.variables) out[`${p.name}.${v}`] = await sim.readState(p.name, v);
  return out;
}

/** A run (the GPU unless options say otherwise, 60 steps per submit): its spikes, rate counts, every state variable, launch shape, costs and synapses stored. */
export async function finalRun(net: Network, options: SimulationOptions, steps: number) {
  const { device } = await testGpu();
  const sim = await createSimulation(net, { backend: 'gpu', device, stepsPerSubmit: 60, ...options });
  try {
    await sim.run({ steps });
    const rates = sim.plan.populations.map((p) => sim.rates(p.name));
    return { spikes: sim.spikes(), rates, state: await readAll(sim), launch: sim.launch, costs: sim.costs(), summary: sim.summary(), synapses: sim.synapseCounts() };
  } finally { sim.destroy(); }
}

/** Two runs with the same spikes, rate counts and state, bit for bit (and enough spikes to mean it). */
export function expectSame(a: Awaited<ReturnType<typeof finalRun>>, b: typeof a): void {
  expect(a.spikes.step.length).toBeGreaterThan(50);
  expect(Array.from(b.spikes.step)).toEqual(Array.from(a.spikes.step));
  expect(Array.from(b.spikes.neuron)).toEqual(Array.from(a.spikes.neuron));
  b.rates.forEach((r, q) => expect(Array.from(r)).toEqual(Array.from(a.rates[q]!)));
  for (const [k, x] of Object.entries(a.state)) expect(Array.from(b.state[k]!), k).toEqual(Array.from(x));
}
