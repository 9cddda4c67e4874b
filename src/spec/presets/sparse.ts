// The sparse benchmark networks as network descriptions: COBAHH (Brette et al. 2007, benchmark
// 3; original and scaled) and the seed's Izhikevich network made sparse with delays.
import { COBAHH_WE, COBAHH_WI } from '../../models/cobahh.js';
import type { Network } from '../network.js';

/**
 * COBAHH: 80 % excitatory. The original example has n = 4000 and p = 0.02 with we = 6 nS and
 * wi = 67 nS; `scaled` is the benchmark GPU simulators publish: p = 1000/n and all weights zero.
 * Initial state: v = EL + 5·N(0,1) − 5 mV, ge = (1.5·N + 4)·10 nS, gi = (12·N + 20)·10 nS.
 */
export function cobahh(o: { n?: number; p?: number; scaled?: boolean; seed?: number; dt?: number } = {}): Network {
  const n = o.n ?? 4000, scaled = o.scaled ?? false;
  const p = o.p ?? (scaled ? Math.min(1, 1000 / n) : 0.02), ne = Math.round(0.8 * n);
  const init = { v: 'el + 5 * z1 - 5', ge: '(1.5 * z2 + 4) * 10', gi: '(12 * z3 + 20) * 10' };
  const pop = (name: string, size: number) => ({ name, size, model: 'cobahh', random: { z1: 'normal', z2: 'normal', z3: 'normal' } as const, init });
  return {
    name: scaled ? `COBAHH scaled (N = ${n}, p = 1000/N, weights 0)` : `COBAHH (N = ${n}, p = ${p})`,
    dt: o.dt ?? 0.1, seed: o.seed ?? 1,
    populations: [pop('exc', ne), pop('inh', n - ne)],
    projections: ['exc', 'inh'].flatMap((source) => ['exc', 'inh'].map((target) => ({
      name: `${source}_${target}`, source, target, connectivity: { rule: 'fixed-probability' as const, p },
      synapse: { kind: 'exponential' as const, target: source === 'exc' ? 'ge' : 'gi' },
      weight: scaled ? 0 : source === 'exc' ? COBAHH_WE : COBAHH_WI,
    }))),
    record: { spikes: true, rates: true },
  };
}

/**
 * The seed's network made sparse: each neuron receives k synapses (fixed in-degree) with the
 * seed's weights scaled by 1000/k (exc U(0, 0.5), inh U(−1, 0)), noise σ = 5 / 2, a delay in steps.
 */
export function sparseIzhikevich(o: { n?: number; k?: number; seed?: number; delay?: number } = {}): Network {
  const n = o.n ?? 1000, k = o.k ?? Math.min(1000, n), ne = Math.round(0.8 * n);
  const ke = Math.round(0.8 * k), ki = k - ke, scale = 1000 / k;
  return {
    name: `sparse Izhikevich (N = ${n}, in-degree ${k})`, dt: 1, seed: o.seed ?? 1,
    populations: [
      { name: 'exc', size: ne, model: 'izhikevich', preset: 'RS', random: { r: 'uniform' }, parameters: { c: 'c + 15 * r**2', d: 'd - 6 * r**2' } },
      { name: 'inh', size: n - ne, model: 'izhikevich', preset: 'LTS', random: { r: 'uniform' }, parameters: { a: 'a + 0.08 * r', b: 'b - 0.05 * r' } },
    ],
    projections: ['exc', 'inh'].flatMap((source) => ['exc', 'inh'].map((target) => ({
      name: `${source}_${target}`, source, target,
      connectivity: { rule: 'fixed-in-degree' as const, k: source === 'exc' ? ke : ki, autapses: true },
      synapse: { kind: 'pulse' as const, target: 'I' },
      weight: { uniform: (source === 'exc' ? [0, 0.5 * scale] : [-scale, 0]) as [number, number] },
      delay: o.delay ?? 0,
    }))),
    inputs: [{ kind: 'noise', target: 'exc', sigma: 5 }, { kind: 'noise', target: 'inh', sigma: 2 }],
    record: { spikes: true, rates: true },
  };
}
