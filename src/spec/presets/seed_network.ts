// Seed 002's network as a network description: Ne excitatory + Ni inhibitory Izhikevich neurons
// with the seed's per-neuron randomisation, the dense random S, and Gaussian noise.
import type { IzhikevichType } from '../../models/izhikevich.js';
import type { Network } from '../network.js';

/** Weight scenarios (wE, wI) of seed 002. */
export const SCENARIOS = {
  original: { wE: 0.5, wI: 1.0 },
  S1: { wE: 0.6, wI: 1.6 },
  S2: { wE: 0.6, wI: 0.6 },
  S3: { wE: 0.3, wI: 0.1 },
  S4: { wE: 0.1, wI: 0.1 },
  S5: { wE: 0.3, wI: 0.2 },
} as const;
export type Scenario = keyof typeof SCENARIOS;

/** Neuron-type combinations (excitatory, inhibitory) of seed 002, in the seed's order. */
export const TYPE_COMBINATIONS: Readonly<Record<string, readonly [IzhikevichType, IzhikevichType]>> = {
  original: ['RS', 'LTS'], 1: ['RS', 'CH'], 2: ['RS', 'TC'], 3: ['RZ', 'RS'], 4: ['IB', 'IB'],
};

export interface SeedNetworkOptions {
  /** Total neurons; 80 % excitatory as in the seed (1000 → 800 + 200). */
  neurons?: number;
  scenario?: Scenario;
  /** (excitatory, inhibitory) base types; RS, LTS by default. */
  types?: readonly [IzhikevichType, IzhikevichType];
  seed?: number;
  /** Noise σ of the excitatory and inhibitory neurons (5 and 2 in the seed). */
  noise?: readonly [number, number];
  /** Time step in ms (1 in the seed). */
  dt?: number;
  /** The seed's half-step scheme (default) or forward Euler. */
  integrator?: 'izhikevich2003' | 'euler';
}

/**
 * The seed network. With r ~ U(0,1) per neuron: excitatory c = c + 15 r², d = d − 6 r²;
 * inhibitory a = a + 0.08 r, b = b − 0.05 r (each on the base type's value); v0 = −65, u0 = b·v0.
 * S[i][j] = wE·U(0,1) from excitatory j and −wI·U(0,1) from inhibitory j.
 */
export function seedNetwork(o: SeedNetworkOptions = {}): Network {
  const n = o.neurons ?? 1000, ne = Math.round(0.8 * n);
  const scenario = o.scenario ?? 'original';
  if (!Object.hasOwn(SCENARIOS, scenario)) throw new RangeError(`scenario: unknown scenario '${scenario}'; expected one of ${Object.keys(SCENARIOS).join(', ')}`);
  const w = SCENARIOS[scenario], [te, ti] = o.types ?? TYPE_COMBINATIONS.original!, [se, si] = o.noise ?? [5, 2];
  const integrator = o.integrator ?? 'izhikevich2003';
  return {
    name: `izhikevich2003 ${scenario} ${te}/${ti}`,
    dt: o.dt ?? 1,
    seed: o.seed ?? 0,
    populations: [
      { name: 'excitatory', size: ne, model: 'izhikevich', preset: te, integrator, random: { r: 'uniform' }, parameters: { c: 'c + 15 * r**2', d: 'd - 6 * r**2' } },
      { name: 'inhibitory', size: n - ne, model: 'izhikevich', preset: ti, integrator, random: { r: 'uniform' }, parameters: { a: 'a + 0.08 * r', b: 'b - 0.05 * r' } },
    ],
    projections: [
      { name: 'from_excitatory', source: 'excitatory', target: 'excitatory', connectivity: { rule: 'seed-random', scale: w.wE }, synapse: { kind: 'pulse', target: 'I' } },
      { name: 'from_excitatory_i', source: 'excitatory', target: 'inhibitory', connectivity: { rule: 'seed-random', scale: w.wE }, synapse: { kind: 'pulse', target: 'I' } },
      { name: 'from_inhibitory', source: 'inhibitory', target: 'excitatory', connectivity: { rule: 'seed-random', scale: -w.wI }, synapse: { kind: 'pulse', target: 'I' } },
      { name: 'from_inhibitory_i', source: 'inhibitory', target: 'inhibitory', connectivity: { rule: 'seed-random', scale: -w.wI }, synapse: { kind: 'pulse', target: 'I' } },
    ],
    inputs: [
      { kind: 'noise', target: 'excitatory', sigma: se },
      { kind: 'noise', target: 'inhibitory', sigma: si },
    ],
    record: { spikes: true },
  };
}
