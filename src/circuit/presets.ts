// The seeds' experiments as circuit descriptions (seed 001: the HH double impulse; seed 003:
// Neun's coupled HH pair, chain of three, and the coupling-strength scan as one batch).
import type { CircuitIntegrator } from '../equations/integrators';
import type { CircuitDescription, CircuitNeuron } from './description';
import { linspace } from '../spec/presets/neun';

export interface ExperimentOptions { integrator?: CircuitIntegrator; dt?: number }

/**
 * Seed 001: one HH neuron in the 1952 convention (rest = 0 mV, per cm²) at rest, driven by the
 * gist's double impulse: 150 µA/cm² during 0–1 ms and 50 µA/cm² during 10–11 ms; 0–50 ms.
 */
export function hhDoubleImpulse(o: ExperimentOptions = {}): CircuitDescription {
  return {
    name: 'hh-double-impulse',
    dt: o.dt ?? 0.01,
    integrator: o.integrator ?? 'rk4',
    neurons: [{
      name: 'hh', model: 'hodgkin_huxley', preset: 'hh1952',
      stimuli: [{ kind: 'pulses', pulses: [{ start: 0, duration: 1, amplitude: 150 }, { start: 10, duration: 1, amplitude: 50 }] }],
    }],
    record: { traces: ['v', 'h', 'm', 'n', 'I'].map((variable) => ({ neuron: 'hh', variable })) },
  };
}

/** Neun's HH (−65 mV convention, area-scaled), as seed 003 sets it up, at initial voltage v. */
export function neunHH(name: string, v: number, gates?: { m: number; h: number; n: number }, input?: number): CircuitNeuron {
  return {
    name, model: 'hodgkin_huxley', preset: 'neun', init: { v, ...gates },
    ...(input === undefined ? {} : { stimuli: [{ kind: 'constant' as const, amplitude: input }] }),
  };
}

/**
 * Seed 003: two Neun HH neurons (v = −75 and −65 mV, inputs 0.1 and 0.08) joined by an
 * electrical synapse with g1 = g2 = −g (−0.002 in the seed), dt = 0.001 ms, RK4.
 */
export function neunCoupledPair(o: ExperimentOptions & { g?: number } = {}): CircuitDescription {
  const g = o.g ?? 0.002;
  return {
    name: 'neun-coupled-pair',
    dt: o.dt ?? 0.001,
    integrator: o.integrator ?? 'rk4',
    neurons: [neunHH('h1', -75, undefined, 0.1), neunHH('h2', -65, undefined, 0.08)],
    synapses: [{ kind: 'electrical', a: 'h1', b: 'h2', g1: -g, g2: -g }],
    record: {
      traces: [{ neuron: 'h1', variable: 'v' }, { neuron: 'h2', variable: 'v' }, { synapse: 0, variable: 'i1' }, { synapse: 0, variable: 'i2' }],
    },
  };
}

/** Seed 003: a chain n1 – n2 – n3 (v = −70, −65, −60; m, h, n = 0.05, 0.6, 0.3), input 0.15 into n1 only. */
export function neunChain(o: ExperimentOptions & { g?: number } = {}): CircuitDescription {
  const g = o.g ?? 0.002, gates = { m: 0.05, h: 0.6, n: 0.3 };
  return {
    name: 'neun-chain',
    dt: o.dt ?? 0.001,
    integrator: o.integrator ?? 'rk4',
    neurons: [neunHH('n1', -70, gates, 0.15), neunHH('n2', -65, gates), neunHH('n3', -60, gates)],
    synapses: [
      { kind: 'electrical', a: 'n1', b: 'n2', g1: -g, g2: -g },
      { kind: 'electrical', a: 'n2', b: 'n3', g1: -g, g2: -g },
    ],
    record: { traces: ['n1', 'n2', 'n3'].map((neuron) => ({ neuron, variable: 'v' })) },
  };
}

export { linspace };

/** Seed 003's scan: the coupled pair for each g in `conductances` (linspace(0.0001, 0.01, 20)), one batch. */
export function neunCouplingScan(o: ExperimentOptions & { conductances?: number[] } = {}): CircuitDescription {
  const gs = o.conductances ?? linspace(0.0001, 0.01, 20);
  const pair = neunCoupledPair(o);
  return {
    ...pair,
    name: 'neun-coupling-scan',
    batch: {
      copies: gs.length,
      // With Neun's sign (g1 = g2 = −g drives the voltages apart) the pair diverges for the
      // larger g of the seed's range: those copies are frozen and reported, the rest go on.
      nonFinite: 'freeze-copy',
      vary: [{ path: 'synapses[0].g1', values: gs.map((g) => -g) }, { path: 'synapses[0].g2', values: gs.map((g) => -g) }],
    },
    record: { traces: [{ neuron: 'h1', variable: 'v' }, { neuron: 'h2', variable: 'v' }] },
  };
}
