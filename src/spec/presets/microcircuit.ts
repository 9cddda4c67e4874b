// The Potjans–Diesmann (2014) cortical microcircuit as NEST's reference implementation defines it
// (its network_params.py, network.py and helpers.py; docs/microcircuit.md cites them): 8
// populations of iaf_psc_exp, fixed-total-number connections from the connection-probability
// table, normal weights and delays redrawn into their bounds, Poisson or DC background, and the
// reference's scaling of neurons and in-degrees with its DC compensation.
import type { Network, Projection } from '../network.js';

/** Populations in the reference's order: layer, then excitatory (E) and inhibitory (I). */
export const MICROCIRCUIT_POPULATIONS = ['L23E', 'L23I', 'L4E', 'L4I', 'L5E', 'L5I', 'L6E', 'L6I'] as const;
/** Neurons per population at full scale. */
export const MICROCIRCUIT_SIZES = [20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948] as const;
/** Connection probability [target][source]. */
export const MICROCIRCUIT_CONNECTION_PROBABILITY: readonly (readonly number[])[] = [
  [0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0.0, 0.0076, 0.0],
  [0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0.0, 0.0042, 0.0],
  [0.0077, 0.0059, 0.0497, 0.135, 0.0067, 0.0003, 0.0453, 0.0],
  [0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0.0, 0.1057, 0.0],
  [0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0.0],
  [0.0548, 0.0269, 0.0257, 0.0022, 0.06, 0.3158, 0.0086, 0.0],
  [0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252],
  [0.0364, 0.001, 0.0034, 0.0005, 0.0277, 0.008, 0.0658, 0.1443],
];
/** External (Poisson) in-degree per population at full scale. */
export const MICROCIRCUIT_EXTERNAL_INDEGREE = [1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100] as const;
/** Full-scale mean rates (spikes/s) the reference's DC compensation for downscaled in-degrees uses. */
export const MICROCIRCUIT_FULL_RATES = [0.903, 2.965, 4.414, 5.876, 7.569, 8.633, 1.105, 7.829] as const;
/** Initial membrane potential per population, mean and sd (mV): the reference's 'optimized' V0. */
const V0_OPTIMIZED = {
  mean: [-68.28, -63.16, -63.33, -63.45, -63.11, -61.66, -66.72, -61.43],
  sd: [5.36, 4.57, 4.74, 4.94, 4.94, 4.55, 5.46, 4.48],
};
const V0_ORIGINAL = { mean: -58, sd: 10 };

const NEURON = { cm: 250, tau_m: 10, tau_syn: 0.5, el: -65, v_th: -50, v_reset: -65, t_ref: 2 };
const PSP_EXC = 0.15, G = -4, WEIGHT_REL_SD = 0.1, DELAY_EXC = 1.5, DELAY_INH = 0.75, DELAY_REL_SD = 0.5, BACKGROUND_HZ = 8;
/** The Poisson generators' delay (ms): no background reaches a neuron before it. */
const BACKGROUND_DELAY = 1.5;

export interface MicrocircuitOptions {
  /** Scales neuron numbers and in-degrees together (1: the full 77,169 neurons); default 0.1 as the reference. */
  scale?: number;
  /** Scales the neuron numbers alone (default `scale`). */
  neuronScale?: number;
  /** Scales the in-degrees alone (default `scale`); below 1 the reference raises weights by 1/√k and adds DC to keep each input's mean. */
  indegreeScale?: number;
  /** Background: independent Poisson trains per neuron (8 Hz × in-degree), or the DC current of their mean. */
  background?: 'poisson' | 'dc';
  /** Initial membrane potentials: per-population normals ('optimized', default) or N(−58, 10) mV for all. */
  v0?: 'optimized' | 'original';
  seed?: number;
  /** Time step (ms); 0.1 in the reference. */
  dt?: number;
  /**
   * Where the GPU keeps the synapses: 'stored' tables (the default), or 'procedural', each spiking
   * neuron's row drawn again (targets, weights, delays), which stores none: how full scale fits.
   */
  storage?: 'stored' | 'procedural';
}

/** numpy's round: halves to even. */
const roundHalfEven = (x: number) => { const r = Math.round(x); return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r; };

/** Synapses [target][source] at full scale that give each pair its connection probability (multapses allowed). */
export function microcircuitFullSynapses(): number[][] {
  return MICROCIRCUIT_CONNECTION_PROBABILITY.map((row, i) => row.map((p, j) => {
    const pairs = MICROCIRCUIT_SIZES[i]! * MICROCIRCUIT_SIZES[j]!;
    return p === 0 ? 0 : Math.log(1 - p) / Math.log((pairs - 1) / pairs);
  }));
}

/** pA per mV of peak PSP for an exponential current of time constant tau_syn into the membrane (the reference's helper). */
export function pscOverPsp(cm: number, tauM: number, tauSyn: number): number {
  const sub = 1 / (tauSyn - tauM), pre = (tauM * tauSyn / cm) * sub, frac = (tauM / tauSyn) ** sub;
  return 1 / (pre * (frac ** tauM - frac ** tauSyn));
}

/** Everything the description is made from, scaled: sizes, synapse counts, mean weights, background and DC per population. */
export function microcircuitParameters(o: MicrocircuitOptions = {}) {
  const scale = o.scale ?? 0.1, nScale = o.neuronScale ?? scale, kScale = o.indegreeScale ?? scale;
  for (const [field, x] of [['scale', scale], ['neuronScale', nScale], ['indegreeScale', kScale]] as const) {
    if (!(x > 0 && x <= 1)) throw new RangeError(`microcircuit: ${field} must be in (0, 1], got ${x}`);
  }
  const full = microcircuitFullSynapses();
  const sizes = MICROCIRCUIT_SIZES.map((n) => roundHalfEven(n * nScale));
  const empty = sizes.indexOf(0);
  if (empty >= 0) throw new RangeError(`microcircuit: at neuronScale ${nScale} ${MICROCIRCUIT_POPULATIONS[empty]} would have no neuron; the smallest scale is 0.0005`);
  const synapses = full.map((row) => row.map((k) => roundHalfEven(k * nScale * kScale)));
  const externalIndegree = MICROCIRCUIT_EXTERNAL_INDEGREE.map((k) => roundHalfEven(k * kScale));
  const toCurrent = pscOverPsp(NEURON.cm, NEURON.tau_m, NEURON.tau_syn);
  // Mean PSP by source: E 0.15 mV, I g·0.15 mV; L4E → L2/3E doubled.
  const fullWeight = MICROCIRCUIT_SIZES.map((_, i) => MICROCIRCUIT_SIZES.map((_, j) => (i === 0 && j === 2 ? 2 * PSP_EXC : j % 2 === 0 ? PSP_EXC : G * PSP_EXC) * toCurrent));
  const fullExternal = PSP_EXC * toCurrent, root = Math.sqrt(kScale);
  const background = o.background ?? 'poisson';
  const dc = MICROCIRCUIT_EXTERNAL_INDEGREE.map((k, i) => {
    let amp = background === 'dc' ? BACKGROUND_HZ * k * fullExternal * NEURON.tau_syn * 0.001 : 0;
    if (kScale !== 1) {
      // The mean input the downscaled in-degrees lose, at the full network's rates.
      const recurrent = full[i]!.reduce((s, kij, j) => s + fullWeight[i]![j]! * (kij / MICROCIRCUIT_SIZES[i]!) * MICROCIRCUIT_FULL_RATES[j]!, 0);
      amp += 0.001 * NEURON.tau_syn * (1 - root) * recurrent;
      if (background === 'poisson') amp += 0.001 * NEURON.tau_syn * (1 - root) * fullExternal * k * BACKGROUND_HZ;
    }
    return amp;
  });
  return {
    sizes, synapses, externalIndegree, dc, background,
    weight: fullWeight.map((row) => row.map((w) => (kScale === 1 ? w : w / root))),
    externalWeight: kScale === 1 ? fullExternal : fullExternal / root,
  };
}

/**
 * The microcircuit as a network description. Weights: N(w, 0.1·|w|) redrawn until they keep the
 * source's sign; delays: N(d, 0.5·d), d = 1.5 ms from E and 0.75 ms from I, redrawn below dt/2 and
 * rounded to steps; spikes from E sources land in i_ex, from I sources in i_in.
 */
export function microcircuit(o: MicrocircuitOptions = {}): Network {
  const dt = o.dt ?? 0.1, m = microcircuitParameters(o), v0 = o.v0 ?? 'optimized';
  const names = MICROCIRCUIT_POPULATIONS;
  // What the reference sets on its neurons (C_m and tau_m only convert PSPs: the model's defaults are the same).
  const neuron = { el: NEURON.el, v_th: NEURON.v_th, v_reset: NEURON.v_reset, t_ref: NEURON.t_ref, tau_syn_ex: NEURON.tau_syn, tau_syn_in: NEURON.tau_syn };
  const projections: Projection[] = [];
  names.forEach((target, i) => names.forEach((source, j) => {
    const n = m.synapses[i]![j]!, w = m.weight[i]![j]!, d = (j % 2 === 0 ? DELAY_EXC : DELAY_INH) / dt;
    if (n === 0) return;
    projections.push({
      name: `${source}_to_${target}`, source, target,
      connectivity: { rule: 'fixed-total', n, autapses: true },
      synapse: { kind: 'pulse', target: w >= 0 ? 'i_ex' : 'i_in' },
      weight: { normal: [w, Math.abs(w) * WEIGHT_REL_SD], ...(w >= 0 ? { min: 0 } : { max: 0 }) },
      delay: { normal: [d, d * DELAY_REL_SD], min: 0.5 },
      ...(o.storage === 'procedural' ? { storage: 'procedural' as const } : {}),
    });
  }));
  return {
    name: `Potjans–Diesmann microcircuit (${m.sizes.reduce((a, b) => a + b, 0)} neurons, ${m.background} background)`,
    dt, seed: o.seed ?? 55,
    populations: names.map((name, i) => ({
      name, size: m.sizes[i]!, model: 'iaf_psc_exp',
      parameters: { ...neuron, i_e: m.dc[i]! },
      init: { v: { normal: v0 === 'optimized' ? [V0_OPTIMIZED.mean[i]!, V0_OPTIMIZED.sd[i]!] : [V0_ORIGINAL.mean, V0_ORIGINAL.sd] } },
    })),
    projections,
    inputs: m.background === 'poisson'
      ? names.map((target, i) => ({
        kind: 'poisson' as const, target, variable: 'i_ex', rate: BACKGROUND_HZ * m.externalIndegree[i]!, weight: m.externalWeight, start: Math.round(BACKGROUND_DELAY / dt),
      }))
      : [],
    record: { spikes: true, rates: true },
  };
}
