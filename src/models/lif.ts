// Leaky integrate-and-fire with a current input, declared once (docs/models.md#lif); the
// defaults are NEST's iaf_psc_exp as the cortical microcircuit (Potjans & Diesmann 2014) uses it.
import type { ModelDeclaration } from '../equations/model.js';

export const lif: ModelDeclaration = {
  name: 'lif',
  summary: 'Leaky integrate-and-fire neuron with current input, reset and refractory clamp',
  state: { v: { unit: 'mV', init: 'el' } },
  parameters: {
    cm: { default: 250, unit: 'pF', min: 1e-12 },
    tau_m: { default: 10, unit: 'ms', min: 1e-9 },
    el: { default: -65, unit: 'mV' },
    v_th: { default: -50, unit: 'mV' },
    v_reset: { default: -65, unit: 'mV' },
    t_ref: { default: 2, unit: 'ms', min: 0 },
  },
  integrator: 'exponential_euler',
  equations: 'dv/dt = (el - v) / tau_m + I / cm',
  threshold: 'v >= v_th',
  reset: 'v = v_reset',
  refractory: 't_ref',
  clampWhileRefractory: ['v'],
};
