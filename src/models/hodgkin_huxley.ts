// Hodgkin–Huxley (1952) on the CPU, in either convention (MODELS.md §2): the reference for
// shaders/hodgkin_huxley.wgsl. State (v, h, m, n), Neun's order. The rate functions take
// u = v − vrest: vrest = 0 is the 1952 convention (seed 001, per cm²), vrest = −65 is Neun's
// (absolute currents: Cm and every g scaled by the membrane area 7.854e-3 cm²).
import type { NeuronModel } from './model';

/** Neun's membrane area in cm²: a Neun input current of 0.1 is 0.1 / NEUN_AREA µA/cm². */
export const NEUN_AREA = 7.854e-3;

const HH1952 = { cm: 1, ena: 115, ek: -12, el: 10.613, gna: 120, gk: 36, gl: 0.3, vrest: 0 };
const NEUN = {
  cm: 1 * NEUN_AREA, ena: 50, ek: -77, el: -54.387,
  gna: 120 * NEUN_AREA, gk: 36 * NEUN_AREA, gl: 0.3 * NEUN_AREA, vrest: -65,
};

/** x / (exp(x) − 1), continued by its series near the removable singularity at x = 0. */
export function hhTrap(x: number): number {
  if (Math.abs(x) < 1e-2) return 1 - x * (0.5 - x * (1 / 12));
  return x / (Math.exp(x) - 1);
}

/** The six rate functions at depolarisation u (1/ms). */
export function hhRates(u: number) {
  return {
    an: 0.1 * hhTrap((10 - u) / 10),
    bn: 0.125 * Math.exp(-u / 80),
    am: hhTrap((25 - u) / 10),
    bm: 4 * Math.exp(-u / 18),
    ah: 0.07 * Math.exp(-u / 20),
    bh: 1 / (Math.exp((30 - u) / 10) + 1),
  };
}

export const hodgkinHuxley: NeuronModel = {
  name: 'hodgkin_huxley',
  id: 0,
  variables: ['v', 'h', 'm', 'n'],
  parameters: ['cm', 'ena', 'ek', 'el', 'gna', 'gk', 'gl', 'vrest'],
  presets: { default: NEUN, neun: NEUN, hh1952: HH1952 },
  initialState(p) {
    const r = hhRates(0);
    return { v: p.vrest!, h: r.ah / (r.ah + r.bh), m: r.am / (r.am + r.bm), n: r.an / (r.an + r.bn) };
  },
  defaultSpikeThreshold: (p) => p.vrest! + 45,
  deriv(x, p, i, out) {
    const v = x[0]!, h = x[1]!, m = x[2]!, n = x[3]!;
    const u = v - p[7]!;
    const an = 0.1 * hhTrap((10 - u) / 10);
    const bn = 0.125 * Math.exp(-u / 80);
    const am = hhTrap((25 - u) / 10);
    const bm = 4 * Math.exp(-u / 18);
    const ah = 0.07 * Math.exp(-u / 20);
    const bh = 1 / (Math.exp((30 - u) / 10) + 1);
    const ina = p[4]! * (m * m * m) * h * (v - p[1]!);
    const ik = p[5]! * (n * n * (n * n)) * (v - p[2]!);
    const il = p[6]! * (v - p[3]!);
    out[0] = (i - il - ina - ik) / p[0]!;
    out[1] = ah * (1 - h) - bh * h;
    out[2] = am * (1 - m) - bm * m;
    out[3] = an * (1 - n) - bn * n;
  },
};
