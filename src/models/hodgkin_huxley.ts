// Hodgkin–Huxley (1952), declared once (docs/models.md#hodgkin_huxley). The rate functions take
// u = v − vrest: vrest = 0 is the 1952 convention (seed 001, per cm²), vrest = −65 is Neun's
// (absolute currents: Cm and every g scaled by the membrane area NEUN_AREA). State in Neun's order.
import type { ModelDeclaration } from '../equations/model.js';

/** Neun's membrane area in cm²: a Neun input current of 0.1 is 0.1 / NEUN_AREA µA/cm². */
export const NEUN_AREA = 7.854e-3;

const HH1952 = { cm: 1, ena: 115, ek: -12, el: 10.613, gna: 120, gk: 36, gl: 0.3, vrest: 0, threshold: 45 };
const NEUN = {
  cm: 1 * NEUN_AREA, ena: 50, ek: -77, el: -54.387,
  gna: 120 * NEUN_AREA, gk: 36 * NEUN_AREA, gl: 0.3 * NEUN_AREA, vrest: -65, threshold: -20,
};

export const hodgkinHuxley: ModelDeclaration = {
  name: 'hodgkin_huxley',
  summary: "Hodgkin–Huxley (1952) squid axon, in the 1952 (rest 0 mV, per cm²) or Neun's (rest −65 mV, absolute) convention",
  state: {
    v: { unit: 'mV', init: 'vrest' },
    // Gates at their steady state at rest (u = 0), the same in both conventions.
    h: { init: '0.07 / (0.07 + 1 / (exp(3) + 1))' },
    m: { init: '(1 / exprel(2.5)) / (1 / exprel(2.5) + 4)' },
    n: { init: '(0.1 / exprel(1)) / (0.1 / exprel(1) + 0.125)' },
  },
  parameters: {
    cm: { default: NEUN.cm, unit: 'µF (Neun) or µF/cm² (1952)', min: 1e-12 },
    ena: { default: NEUN.ena, unit: 'mV' },
    ek: { default: NEUN.ek, unit: 'mV' },
    el: { default: NEUN.el, unit: 'mV' },
    gna: { default: NEUN.gna, unit: 'mS (Neun) or mS/cm² (1952)', min: 0 },
    gk: { default: NEUN.gk, unit: 'mS (Neun) or mS/cm² (1952)', min: 0 },
    gl: { default: NEUN.gl, unit: 'mS (Neun) or mS/cm² (1952)', min: 0 },
    vrest: { default: NEUN.vrest, unit: 'mV', doc: 'resting potential: 0 (1952) or −65 (Neun)' },
    threshold: { default: NEUN.threshold, unit: 'mV', doc: 'a spike is an upward crossing of this level by v (rest + 45 mV)' },
  },
  presets: { neun: NEUN, hh1952: HH1952 },
  integrator: 'rk4',
  equations: `
    u = v - vrest                       # depolarisation from rest, the 1952 rate functions' variable
    an = 0.1 / exprel((10 - u) / 10)    # 0.01 (10 − u) / (exp((10 − u)/10) − 1), guarded at u = 10
    bn = 0.125 * exp(-u / 80)
    am = 1 / exprel((25 - u) / 10)      # 0.1 (25 − u) / (exp((25 − u)/10) − 1), guarded at u = 25
    bm = 4 * exp(-u / 18)
    ah = 0.07 * exp(-u / 20)
    bh = 1 / (exp((30 - u) / 10) + 1)
    ina = gna * m**3 * h * (v - ena)
    ik = gk * n**4 * (v - ek)
    il = gl * (v - el)
    dv/dt = (I - il - ina - ik) / cm
    dh/dt = ah * (1 - h) - bh * h
    dm/dt = am * (1 - m) - bm * m
    dn/dt = an * (1 - n) - bn * n
  `,
  threshold: 'v >= threshold',
  crossing: true,
};
