// Explicit one-step integrators, generic over a model's derivative (MODELS.md §4): the reference
// for shaders/integrators.wgsl. The input current is held constant over all stages (Neun).
// An Integrator owns its stage buffers, so stepping allocates nothing.
import type { Derivative } from './models/model';

export const CIRCUIT_INTEGRATORS = ['euler', 'rk4', 'rk6'] as const;
export type CircuitIntegrator = (typeof CIRCUIT_INTEGRATORS)[number];

/** Neun's RK6 tableau: rows of the stage combinations and the weights, as Neun codes them. */
export const RK6_ROWS: readonly (readonly number[])[] = [
  [0.2],
  [0.075, 0.225],
  [0.3, -0.9, 1.2],
  [0.075, 0.675, -0.6, 0.75],
  [0.660493827160493, 2.5, -5.185185185185185, 3.888888888888889, -0.864197530864197],
];
export const RK6_WEIGHTS = [0.098765432098765, 0, 0.396825396825396, 0.231481481481481, 0.308641975308641, -0.035714285714285];

export class Integrator {
  private readonly k: Float64Array[];
  private readonly tmp: Float64Array;

  constructor(readonly method: CircuitIntegrator, readonly dim = 4) {
    this.k = Array.from({ length: 6 }, () => new Float64Array(dim));
    this.tmp = new Float64Array(dim);
  }

  /** Advances x (first `dim` entries) by one step h in place. */
  step(f: Derivative, x: Float64Array, p: Float64Array, i: number, h: number): void {
    const { k, tmp, dim } = this;
    if (this.method === 'euler') {
      f(x, p, i, k[0]!);
      for (let d = 0; d < dim; d++) x[d] = x[d]! + h * k[0]![d]!;
    } else if (this.method === 'rk4') {
      const [k1, k2, k3, k4] = k as [Float64Array, Float64Array, Float64Array, Float64Array];
      f(x, p, i, k1);
      for (let d = 0; d < dim; d++) tmp[d] = x[d]! + 0.5 * h * k1[d]!;
      f(tmp, p, i, k2);
      for (let d = 0; d < dim; d++) tmp[d] = x[d]! + 0.5 * h * k2[d]!;
      f(tmp, p, i, k3);
      for (let d = 0; d < dim; d++) tmp[d] = x[d]! + h * k3[d]!;
      f(tmp, p, i, k4);
      for (let d = 0; d < dim; d++) x[d] = x[d]! + (h / 6) * (k1[d]! + 2 * k2[d]! + 2 * k3[d]! + k4[d]!);
    } else {
      // Stage increments k_s = h·f(x + Σ row_s · k), as Neun's RungeKutta6.
      f(x, p, i, k[0]!);
      for (let d = 0; d < dim; d++) k[0]![d] = k[0]![d]! * h;
      for (let s = 1; s < 6; s++) {
        const row = RK6_ROWS[s - 1]!;
        for (let d = 0; d < dim; d++) {
          let acc = x[d]!;
          for (let q = 0; q < row.length; q++) acc += row[q]! * k[q]![d]!;
          tmp[d] = acc;
        }
        f(tmp, p, i, k[s]!);
        for (let d = 0; d < dim; d++) k[s]![d] = k[s]![d]! * h;
      }
      for (let d = 0; d < dim; d++) {
        let inc = 0;
        for (let s = 0; s < 6; s++) inc += RK6_WEIGHTS[s]! * k[s]![d]!;
        x[d] = x[d]! + inc;
      }
    }
  }
}
