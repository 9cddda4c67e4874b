// NEST's iaf_psc_exp, declared once (docs/models.md#iaf_psc_exp): leaky integrate-and-fire with
// exponentially decaying excitatory and inhibitory synaptic currents, integrated exactly as NEST
// integrates it. Defaults are the cortical microcircuit's neurons (Potjans & Diesmann 2014;
// docs/microcircuit.md cites the source).
import type { ModelDeclaration } from '../equations/model.js';

/**
 * One step of the linear system, exact for any dt (NEST's propagators): V from its old value and
 * the currents at the start of the step, then the currents decay. The V–current propagator
 * τs·τm/(cm(τm − τs))·(e^(−dt/τm) − e^(−dt/τs)) is written (dt/cm)·e^(−dt·min(1/τm, 1/τs))·exprel(−dt·|1/τs − 1/τm|):
 * finite where τs equals τm, and no factor overflows; (dt/cm)·exprel(−dt/τm) is τm/cm·(1 − e^(−dt/τm)).
 */
const propagator = (tau: string) => `(dt / cm) * exp(-dt * min(1 / tau_m, 1 / ${tau})) * exprel(-dt * abs(1 / ${tau} - 1 / tau_m))`;
const EXACT = `
  v = el + (v - el) * exp(-dt / tau_m) + i_ex * ${propagator('tau_syn_ex')} + i_in * ${propagator('tau_syn_in')} + (i_e + I) * (dt / cm) * exprel(-dt / tau_m)
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
  // NEST holds V for t_ref in whole µs (its tics) rounded up to whole steps, after the step of the
  // spike; the engine's period counts that step too (as Brian2's does), so one step more.
  refractory: 'ceil(floor(t_ref * 1000 + 0.5) / floor(dt * 1000 + 0.5)) * dt + dt',
  clampWhileRefractory: ['v'],
};
