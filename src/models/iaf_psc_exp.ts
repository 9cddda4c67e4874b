// NEST's iaf_psc_exp, declared once (docs/models.md#iaf_psc_exp): leaky integrate-and-fire with
// exponentially decaying excitatory and inhibitory synaptic currents, integrated exactly as NEST
// integrates it. Defaults are the cortical microcircuit's neurons (Potjans & Diesmann 2014;
// docs/microcircuit.md cites the source).
import type { ModelDeclaration } from '../equations/model.js';

/**
 * One step of the linear system, exact for any dt (NEST's propagators): V from its old value and
 * the currents at the start of the step, then the currents decay. exprel keeps the V–current
 * propagator finite where tau_syn equals tau_m: (dt/cm)·e^(−dt/τm)·exprel(−dt(1/τs − 1/τm)) is
 * τs·τm/(cm(τm − τs))·(e^(−dt/τm) − e^(−dt/τs)), and (dt/cm)·exprel(−dt/τm) is τm/cm·(1 − e^(−dt/τm)).
 */
const EXACT = `
  v = el + (v - el) * exp(-dt / tau_m) + (dt / cm) * exp(-dt / tau_m) * (i_ex * exprel(-dt * (1 / tau_syn_ex - 1 / tau_m)) + i_in * exprel(-dt * (1 / tau_syn_in - 1 / tau_m))) + (i_e + I) * (dt / cm) * exprel(-dt / tau_m)
  i_ex = i_ex * exp(-dt / tau_syn_ex)
  i_in = i_in * exp(-dt / tau_syn_in)
`;

export const iafPscExp: ModelDeclaration = {
  name: 'iaf_psc_exp',
  summary: "Leaky integrate-and-fire with exponential synaptic currents, integrated exactly (NEST's iaf_psc_exp)",
  state: {
    v: { unit: 'mV', init: 'el' },
    i_ex: { unit: 'pA', init: 0, doc: 'excitatory synaptic current: excitatory projections and Poisson input target it' },
    i_in: { unit: 'pA', init: 0, doc: 'inhibitory synaptic current (negative weights)' },
  },
  parameters: {
    cm: { default: 250, unit: 'pF', min: 1e-12 },
    tau_m: { default: 10, unit: 'ms', min: 1e-9 },
    tau_syn_ex: { default: 0.5, unit: 'ms', min: 1e-9 },
    tau_syn_in: { default: 0.5, unit: 'ms', min: 1e-9 },
    el: { default: -65, unit: 'mV' },
    v_th: { default: -50, unit: 'mV' },
    v_reset: { default: -65, unit: 'mV' },
    t_ref: { default: 2, unit: 'ms', min: 0, doc: 'V is held at v_reset for this long after the step of the spike, as in NEST' },
    i_e: { default: 0, unit: 'pA', doc: 'constant input current (the DC alternative to Poisson input)' },
  },
  integrator: 'exact',
  equations: `
    dv/dt = (el - v) / tau_m + (i_ex + i_in + i_e + I) / cm
    di_ex/dt = -i_ex / tau_syn_ex
    di_in/dt = -i_in / tau_syn_in
  `,
  schemes: { exact: EXACT },
  threshold: 'v >= v_th',
  reset: 'v = v_reset',
  // The engine counts the spike's own step in the period (as Brian2 does); NEST holds V for
  // round(t_ref/dt) steps after it, which is one step more.
  refractory: 't_ref + dt',
  clampWhileRefractory: ['v'],
};
