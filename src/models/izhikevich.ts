// Izhikevich (2003) neuron on the CPU: the reference for shaders/izhikevich.wgsl, op for op.
// `r` rounds each operation: identity for f64, Math.fround to emulate f32.
import type { NeuronModel } from './model';
import { IZHIKEVICH_TYPES } from '../network/description';

export type Round = (x: number) => number;
export const f64: Round = (x) => x;
export const f32: Round = Math.fround;

export function izhDv(v: number, u: number, i: number, r: Round): number {
  return r(r(r(r(r(r(0.04) * r(v * v)) + r(r(5) * v)) + 140) - u) + i);
}

export function izhDu(a: number, b: number, v: number, u: number, r: Round): number {
  return r(a * r(r(b * v) - u));
}

/** One step of the seed's scheme or of Euler; returns [v, u] in `out`. */
export function izhStep(
  scheme: 'izhikevich2003' | 'euler', a: number, b: number, v: number, u: number, i: number, dt: number,
  r: Round, out: Float64Array,
): void {
  if (scheme === 'izhikevich2003') {
    const h = r(0.5 * dt);
    let nv = r(v + r(h * izhDv(v, u, i, r)));
    nv = r(nv + r(h * izhDv(nv, u, i, r)));
    out[0] = nv;
    out[1] = r(u + r(dt * izhDu(a, b, nv, u, r)));
  } else {
    out[0] = r(v + r(dt * izhDv(v, u, i, r)));
    out[1] = r(u + r(dt * izhDu(a, b, v, u, r)));
  }
}

/**
 * The same model as a differential system for the generic integrators (MODELS.md §4); the
 * reference for izh_deriv in shaders/izhikevich.wgsl. Resets after the step when v ≥ threshold.
 */
export const izhikevich: NeuronModel = {
  name: 'izhikevich',
  id: 2,
  variables: ['v', 'u'],
  parameters: ['a', 'b', 'c', 'd', 'threshold'],
  presets: Object.fromEntries([
    ['default', { a: 0.02, b: 0.2, c: -65, d: 8, threshold: 30 }],
    ...Object.entries(IZHIKEVICH_TYPES).map(([name, t]) => [name, { a: t.a, b: t.b, c: t.c, d: t.d, threshold: 30 }]),
  ]),
  initialState: (p) => ({ v: -65, u: p.b! * -65 }),
  defaultSpikeThreshold: (p) => p.threshold!,
  reset(x, p) {
    if (x[0]! < p[4]!) return false;
    x[0] = p[2]!;
    x[1] = x[1]! + p[3]!;
    return true;
  },
  deriv(x, p, i, out) {
    const v = x[0]!, u = x[1]!;
    out[0] = izhDv(v, u, i, f64);
    out[1] = izhDu(p[0]!, p[1]!, v, u, f64);
  },
};
