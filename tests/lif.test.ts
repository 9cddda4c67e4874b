// LIF (src/models/lif.ts): exponential Euler is the exact solution below threshold at any step;
// with a constant suprathreshold current the first spike comes at the step the analytic crossing
// time falls in, and the reset sets v_reset; the declaration carries NEST's refractory clamp.
import { describe, expect, test } from 'vitest';
import { initialState, parameterValues } from '../src/equations/compile';
import { arrayStepJs } from '../src/equations/functions';
import { MODELS } from '../src/models/registry';

const LIF = MODELS.lif!;
const values = parameterValues(LIF);
const p = Float64Array.from(LIF.parameters.map((k) => values[k]!));
const { cm, tau_m: tau, el, v_th: vth, v_reset: vreset } = values as Record<string, number>;

describe('exponential Euler', () => {
  test('is exact below threshold: v(t) = v∞ + (v0 − v∞) e^(−t/τ), v∞ = EL + τ I / C, for dt from 0.01 to 2 ms', () => {
    const I = 300; // pA: v∞ = −53 mV, below −50
    const vinf = el! + (tau! * I) / cm!;
    for (const dt of [0.01, 0.1, 0.5, 2]) {
      const step = arrayStepJs(LIF, 'exponential_euler');
      const x = Float64Array.of(initialState(LIF, values).v!);
      const steps = Math.round(40 / dt);
      for (let s = 0; s < steps; s++) expect(step(x, p, I, dt)).toBe(false);
      expect(Math.abs(x[0]! - (vinf + (el! - vinf) * Math.exp(-40 / tau!)))).toBeLessThan(1e-11);
    }
  });

  test('a constant suprathreshold current spikes in the step that holds the analytic crossing time, then resets to v_reset', () => {
    const I = 500, dt = 0.1; // v∞ = −45 mV
    const vinf = el! + (tau! * I) / cm!;
    const crossing = tau! * Math.log((vinf - el!) / (vinf - vth!)); // from EL: 10·ln(20/5) = 13.86 ms
    const step = arrayStepJs(LIF, 'exponential_euler');
    const x = Float64Array.of(el!);
    let first = -1;
    for (let s = 0; s < 200 && first < 0; s++) if (step(x, p, I, dt)) first = s;
    expect(first).toBe(Math.ceil(crossing / dt) - 1);
    expect(x[0]).toBe(vreset);
  });
});

test("the refractory period is t_ref and holds v (NEST's clamp), for the engine that applies it", () => {
  expect(LIF.refractory).toEqual({ kind: 'sym', name: 't_ref' });
  expect(LIF.declaration.clampWhileRefractory).toEqual(['v']);
  expect(values).toMatchObject({ cm: 250, tau_m: 10, el: -65, v_th: -50, v_reset: -65, t_ref: 2 });
});
