// COBAHH (Brette et al. 2007, benchmark 3; MODELS.md §6) on the CPU: the reference for
// shaders/cobahh.wgsl, operation for operation. Traub–Miles HH with exponentially decaying
// excitatory and inhibitory conductances. Units: mV, ms, nS, pF (so nS·mV/pF = mV/ms).
//
// Integration is Brian2's exponential Euler (the method of its COBAHH example and of the GPU
// benchmarks): every variable x with dx/dt = A − B·x (A, B from the other variables' old values)
// goes to x + (A − B·x)·dt·φ(B·dt), φ(a) = (1 − e^(−a))/a, which is exact for frozen A and B.
import { hhTrap } from './hodgkin_huxley';

/** Membrane area of the benchmark neuron: 20000 µm² = 2e-4 cm². */
const AREA_CM2 = 2e-4;

export interface CobahhParams {
  /** pF */ cm: number;
  /** nS */ gl: number; gna: number; gk: number;
  /** mV */ el: number; ek: number; ena: number; vt: number; ee: number; ei: number;
  /** ms */ taue: number; taui: number;
  /** Spike when v crosses this (mV) outside the refractory period. */ threshold: number;
  /** ms */ refractory: number;
}

/** MODELS.md §6 in mV, ms, nS, pF (per-cm² values times the 20000 µm² area). */
export const COBAHH_PARAMS: Readonly<CobahhParams> = {
  cm: 1e6 * AREA_CM2, gl: 5e-5 * 1e9 * AREA_CM2, gna: 100e-3 * 1e9 * AREA_CM2, gk: 30e-3 * 1e9 * AREA_CM2,
  el: -60, ek: -90, ena: 50, vt: -63, ee: 0, ei: -80, taue: 5, taui: 10, threshold: -20, refractory: 3,
};
/** Synaptic weights of the original example (nS). */
export const COBAHH_WE = 6;
export const COBAHH_WI = 67;

/** State variables in the order of the GPU's structure of arrays. */
export const COBAHH_VARIABLES = ['v', 'm', 'h', 'n', 'ge', 'gi'] as const;

/** φ(a) = (1 − e^(−a))/a, by its series near 0. */
export function expEulerFactor(a: number): number {
  if (Math.abs(a) < 1e-4) return 1 - a * (0.5 - a * (1 / 6));
  return (1 - Math.exp(-a)) / a;
}

/** Per-step constants the kernel receives (computed once on the host, in f64). */
export function cobahhConstants(p: CobahhParams, dt: number) {
  return {
    decayE: Math.exp(-dt / p.taue),
    decayI: Math.exp(-dt / p.taui),
    refractorySteps: Math.round(p.refractory / dt),
  };
}

/**
 * One step of one neuron in place: x = [v, m, h, n, ge, gi] with ge, gi already holding this
 * step's synaptic jumps (the caller tests the new v against the threshold).
 */
export function cobahhStep(x: Float64Array, p: CobahhParams, c: ReturnType<typeof cobahhConstants>, dt: number): void {
  const v = x[0]!, m = x[1]!, h = x[2]!, n = x[3]!, ge = x[4]!, gi = x[5]!;
  const u = v - p.vt;
  const am = 1.28 * hhTrap((13 - u) / 4);
  const bm = 1.4 * hhTrap((u - 40) / 5);
  const ah = 0.128 * Math.exp((17 - u) / 18);
  const bh = 4 / (1 + Math.exp((40 - u) / 5));
  const an = 0.16 * hhTrap((15 - u) / 5);
  const bn = 0.5 * Math.exp((10 - u) / 40);
  const gna = p.gna * (m * m * m) * h;
  const gk = p.gk * ((n * n) * (n * n));
  const gtot = p.gl + ge + gi + gna + gk;
  const drive = p.gl * p.el + ge * p.ee + gi * p.ei + gna * p.ena + gk * p.ek;
  x[0] = v + (drive - gtot * v) * (dt / p.cm) * expEulerFactor(gtot * (dt / p.cm));
  x[1] = m + (am - (am + bm) * m) * dt * expEulerFactor((am + bm) * dt);
  x[2] = h + (ah - (ah + bh) * h) * dt * expEulerFactor((ah + bh) * dt);
  x[3] = n + (an - (an + bn) * n) * dt * expEulerFactor((an + bn) * dt);
  x[4] = ge * c.decayE;
  x[5] = gi * c.decayI;
}
