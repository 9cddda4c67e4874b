// Adaptive exponential integrate-and-fire (Brette & Gerstner 2005), declared once
// (docs/models.md#adex); defaults are the paper's regular-spiking cell (its Table 1).
import type { ModelDeclaration } from '../equations/model.js';

export const adex: ModelDeclaration = {
  name: 'adex',
  summary: 'Adaptive exponential integrate-and-fire neuron (Brette & Gerstner 2005)',
  state: { v: { unit: 'mV', init: 'el' }, w: { unit: 'pA', init: 0 } },
  parameters: {
    cm: { default: 281, unit: 'pF', min: 1e-12 },
    gl: { default: 30, unit: 'nS', min: 0 },
    el: { default: -70.6, unit: 'mV' },
    vt: { default: -50.4, unit: 'mV' },
    delta_t: { default: 2, unit: 'mV', min: 1e-9 },
    tau_w: { default: 144, unit: 'ms', min: 1e-9 },
    a: { default: 4, unit: 'nS' },
    b: { default: 80.5, unit: 'pA' },
    v_reset: { default: -70.6, unit: 'mV' },
    v_peak: { default: -40.4, unit: 'mV', doc: "the spike is cut here, VT + 5·ΔT as in Brian2's example (the exponential diverges above)" },
  },
  // Brette & Gerstner's firing patterns as Brian2's example of the paper sets them.
  presets: {
    regular_spiking: { tau_w: 144, a: 4, b: 80.5, v_reset: -70.6 },
    bursting: { tau_w: 20, a: 4, b: 500, v_reset: -45.4 },
    fast_spiking: { tau_w: 144, a: (2 * 281) / 144, b: 0, v_reset: -70.6 },
  },
  integrator: 'rk4',
  equations: `
    dv/dt = (gl * (el - v) + gl * delta_t * exp((v - vt) / delta_t) - w + I) / cm
    dw/dt = (a * (v - el) - w) / tau_w
  `,
  threshold: 'v >= v_peak',
  reset: `
    v = v_reset
    w = w + b
  `,
};
