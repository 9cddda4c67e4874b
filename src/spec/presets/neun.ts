// Seed 001's HH experiment and seed 003's Neun circuits as network descriptions: one-neuron
// populations, electrical projections with Neun's sign, and the coupling scan as one batch.
import type { Network, Population } from '../network.js';

/**
 * Options of the seeds' experiments: the integrator and the time step (ms).
 * @inline
 */
export interface ExperimentOptions { integrator?: 'euler' | 'rk4' | 'rk6'; dt?: number }

/** Steps of `ms` at dt (the experiments' times are whole steps). */
const at = (ms: number, dt: number) => Math.round(ms / dt);

/**
 * Seed 001: one HH neuron in the 1952 convention at rest, driven by the double impulse:
 * 150 µA/cm² during 0–1 ms and 50 µA/cm² during 10–11 ms.
 */
export function hhDoubleImpulse(o: ExperimentOptions = {}): Network {
  const dt = o.dt ?? 0.01;
  return {
    name: 'hh-double-impulse', dt, seed: 0,
    populations: [{ name: 'hh', size: 1, model: 'hodgkin_huxley', preset: 'hh1952', integrator: o.integrator ?? 'rk4' }],
    inputs: [{ kind: 'pulses', target: 'hh', pulses: [{ start: 0, duration: at(1, dt), amplitude: 150 }, { start: at(10, dt), duration: at(1, dt), amplitude: 50 }] }],
    record: { spikes: true, probes: ['v', 'h', 'm', 'n', 'I'].map((variable) => ({ population: 'hh', variable, neurons: [0] })) },
  };
}

/** One of Neun's HH neurons (−65 mV convention, area-scaled) at initial voltage v. */
function neunHH(name: string, v: number, integrator: string, gates?: { m: number; h: number; n: number }): Population {
  return { name, size: 1, model: 'hodgkin_huxley', preset: 'neun', integrator, init: { v, ...gates } };
}

/** Neun's electrical synapse from a to b: i_a += −g·(V_b − V_a), i_b += −g·(V_a − V_b) (the seed's g1 = g2 = −g). */
function gap(name: string, a: string, b: string, g: number): NonNullable<Network['projections']>[number] {
  return { name, source: a, target: b, connectivity: { rule: 'one-to-one' }, synapse: { kind: 'electrical' }, weight: -g };
}

/** Seed 003: two Neun HH neurons (v = −75 and −65 mV, inputs 0.1 and 0.08), one electrical synapse, dt = 0.001 ms. */
export function neunCoupledPair(o: ExperimentOptions & { g?: number } = {}): Network {
  const integrator = o.integrator ?? 'rk4';
  return {
    name: 'neun-coupled-pair', dt: o.dt ?? 0.001, seed: 0,
    populations: [neunHH('h1', -75, integrator), neunHH('h2', -65, integrator)],
    projections: [gap('gap', 'h1', 'h2', o.g ?? 0.002)],
    inputs: [{ kind: 'constant', target: 'h1', amplitude: 0.1 }, { kind: 'constant', target: 'h2', amplitude: 0.08 }],
    record: { spikes: true, probes: [{ population: 'h1', variable: 'v', neurons: [0] }, { population: 'h2', variable: 'v', neurons: [0] }] },
  };
}

/** Seed 003: a chain n1 – n2 – n3 (v = −70, −65, −60; m, h, n = 0.05, 0.6, 0.3), input 0.15 into n1 only. */
export function neunChain(o: ExperimentOptions & { g?: number } = {}): Network {
  const integrator = o.integrator ?? 'rk4', gates = { m: 0.05, h: 0.6, n: 0.3 }, g = o.g ?? 0.002;
  return {
    name: 'neun-chain', dt: o.dt ?? 0.001, seed: 0,
    populations: [neunHH('n1', -70, integrator, gates), neunHH('n2', -65, integrator, gates), neunHH('n3', -60, integrator, gates)],
    projections: [gap('n1_n2', 'n1', 'n2', g), gap('n2_n3', 'n2', 'n3', g)],
    inputs: [{ kind: 'constant', target: 'n1', amplitude: 0.15 }],
    record: { spikes: true, probes: ['n1', 'n2', 'n3'].map((population) => ({ population, variable: 'v', neurons: [0] })) },
  };
}

/** numpy.linspace(a, b, k). */
export function linspace(a: number, b: number, k: number): number[] {
  return Array.from({ length: k }, (_, q) => (k === 1 ? a : a + ((b - a) * q) / (k - 1)));
}

/** Seed 003's scan: the coupled pair for each g in `conductances` (linspace(0.0001, 0.01, 20)), one batch. */
export function neunCouplingScan(o: ExperimentOptions & { conductances?: number[] } = {}): Network {
  const gs = o.conductances ?? linspace(0.0001, 0.01, 20);
  return {
    ...neunCoupledPair(o),
    name: 'neun-coupling-scan',
    // With Neun's sign the pair diverges for the larger g: those copies are frozen and reported.
    batch: { copies: gs.length, nonFinite: 'freeze-copy', vary: [{ path: 'projections.gap.weight', values: gs.map((g) => -g) }] },
  };
}
