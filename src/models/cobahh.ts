// COBAHH's neuron (Brette et al. 2007, benchmark 3), declared once (docs/models.md#cobahh):
// Traub–Miles HH with exponentially decaying excitatory and inhibitory conductances, integrated by
// exponential Euler as Brian2's example does. Units: mV, ms, nS, pF (so nS·mV/pF = mV/ms).
import type { ModelDeclaration } from '../equations/model.js';

/** Membrane area of the benchmark neuron: 20000 µm² = 2e-4 cm². */
const AREA_CM2 = 2e-4;

/** Synaptic weights of the original example (nS). */
export const COBAHH_WE = 6;
export const COBAHH_WI = 67;

export const cobahhNeuron = {
  name: 'cobahh',
  summary: 'Traub–Miles Hodgkin–Huxley neuron with exponential conductance synapses (COBAHH benchmark)',
  state: {
    v: { unit: 'mV', init: 'el' },
    m: { init: 0 }, h: { init: 0 }, n: { init: 0 },
    ge: { unit: 'nS', init: 0, doc: 'excitatory conductance; a spike adds its weight' },
    gi: { unit: 'nS', init: 0, doc: 'inhibitory conductance; a spike adds its weight' },
  },
  parameters: {
    cm: { default: 1e6 * AREA_CM2, unit: 'pF', min: 1e-12, doc: '1 µF/cm² over 20000 µm²' },
    gl: { default: 5e-5 * 1e9 * AREA_CM2, unit: 'nS', min: 0 },
    gna: { default: 100e-3 * 1e9 * AREA_CM2, unit: 'nS', min: 0 },
    gk: { default: 30e-3 * 1e9 * AREA_CM2, unit: 'nS', min: 0 },
    el: { default: -60, unit: 'mV' },
    ek: { default: -90, unit: 'mV' },
    ena: { default: 50, unit: 'mV' },
    vt: { default: -63, unit: 'mV', doc: 'shifts the rate functions' },
    ee: { default: 0, unit: 'mV' },
    ei: { default: -80, unit: 'mV' },
    taue: { default: 5, unit: 'ms', min: 1e-9 },
    taui: { default: 10, unit: 'ms', min: 1e-9 },
    threshold: { default: -20, unit: 'mV', doc: 'v above it spikes, outside the refractory period' },
    refractory: { default: 3, unit: 'ms', min: 0 },
  },
  integrator: 'exponential_euler',
  equations: `
    u = v - vt
    am = 1.28 / exprel((13 - u) / 4)    # 0.32 (13 − u) / (exp((13 − u)/4) − 1)
    bm = 1.4 / exprel((u - 40) / 5)     # 0.28 (u − 40) / (exp((u − 40)/5) − 1)
    ah = 0.128 * exp((17 - u) / 18)
    bh = 4 / (1 + exp((40 - u) / 5))
    an = 0.16 / exprel((15 - u) / 5)    # 0.032 (15 − u) / (exp((15 − u)/5) − 1)
    bn = 0.5 * exp((10 - u) / 40)
    dv/dt = (gl * (el - v) + ge * (ee - v) + gi * (ei - v) - gna * m**3 * h * (v - ena) - gk * n**4 * (v - ek)) / cm
    dm/dt = am * (1 - m) - bm * m
    dh/dt = ah * (1 - h) - bh * h
    dn/dt = an * (1 - n) - bn * n
    dge/dt = -ge / taue
    dgi/dt = -gi / taui
  `,
  threshold: 'v > threshold',
  refractory: 'refractory',
} satisfies ModelDeclaration;

/** COBAHH's parameters by name (mV, ms, nS, pF). */
export type CobahhParams = Record<keyof typeof cobahhNeuron.parameters, number>;
/** Their defaults: the per-cm² values of Brette et al. (2007) times the 20000 µm² area. */
export const COBAHH_PARAMS: Readonly<CobahhParams> = Object.freeze(
  Object.fromEntries(Object.entries(cobahhNeuron.parameters).map(([k, p]) => [k, p.default])) as CobahhParams,
);
