// Izhikevich (2003) neuron on the CPU: the reference for shaders/izhikevich.wgsl, op for op.
// `r` rounds each operation: identity for f64, Math.fround to emulate f32.

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
