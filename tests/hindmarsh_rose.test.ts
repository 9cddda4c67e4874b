// Hindmarsh–Rose (src/models/hindmarsh_rose.ts): the derivative by hand, and GPU (f32) against
// the CPU (f64) in the one engine under every integrator over a burst.
import { describe, expect, test } from 'vitest';
import { CIRCUIT_INTEGRATORS } from '../src/equations/integrators';
import type { Network } from '../src/spec/network';
import { MODELS } from '../src/models/registry';
import { parameterValues } from '../src/equations/compile';
import { arrayStepJs } from '../src/equations/functions';
import { expectSpikesWithin, maxAbsDiff, runBoth } from './helpers';

const hr = (integrator: (typeof CIRCUIT_INTEGRATORS)[number]): Network => ({
  dt: 0.01, seed: 0,
  populations: [{ name: 'hr', size: 1, model: 'hindmarsh_rose', integrator }],
  record: { probes: ['x', 'y', 'z'].map((variable) => ({ population: 'hr', variable, neurons: [0] })) },
});
const at = (variable: string) => ({ population: 'hr', variable, neuron: 0 });

test('derivative at a hand-computed point (Neun parameters, input 0.5)', () => {
  const hr = MODELS.hindmarsh_rose!, values = parameterValues(hr, 'neun');
  expect(values).toMatchObject({ e: 3.281, mu: 0.0029, S: 4, a: 1, b: 3, c: 1, d: 5, xr: -1.6, vh: 1 });
  // One Euler step of h = 1 from x0 is x0 + f(x0): the derivative itself.
  const x0 = [0.5, -2, 0.1], x = Float64Array.from(x0);
  arrayStepJs(hr, 'euler')(x, Float64Array.from(hr.parameters.map((k) => values[k]!)), 0.5, 1);
  const out = x.map((v, d) => v - x0[d]!);
  // dx = y + b x² − a x³ − z + e + I = −2 + 0.75 − 0.125 − 0.1 + 3.281 + 0.5
  expect(out[0]).toBeCloseTo(2.306, 12);
  // dy = c − d x² − y = 1 − 1.25 + 2
  expect(out[1]).toBeCloseTo(1.75, 12);
  // dz = mu (−vh z + S (x − xr)) = 0.0029 (−0.1 + 4 · 2.1)
  expect(out[2]).toBeCloseTo(0.0029 * 8.3, 14);
});

describe('GPU (f32) against the CPU reference (f64)', () => {
  // From Neun's start (−1.5, −10, 0) the neuron fires its first burst within 100 time units.
  // HR at e = 3.281 is chaotic, so f32 and f64 part ways eventually; over this window (25
  // spikes) llvmpipe measured |Δx| ≤ 1.7e-4, |Δz| ≤ 3.2e-6 and identical spike steps.
  // Tolerances: x within 2e-3, z within 1e-4, spike times within one step (0.01).
  // Euler: llvmpipe folds the generated code's constant dt·mu into one f32 (matched bit for bit), a rounding z
  // integrates every step: measured |Δz| 2.2e-4, |Δx| 1.25e-2 (the last downstroke 0.2 steps late), spike
  // times identical; so x within 5e-2, z within 1e-3 there (RK4, RK6 measured |Δx| 1.1e-4, 1.3e-4).
  const tolerance = (integrator: string) => (integrator === 'euler' ? { x: 5e-2, z: 1e-3 } : { x: 2e-3, z: 1e-4 });
  for (const integrator of CIRCUIT_INTEGRATORS) {
    test(`${integrator}: traces and spike times agree over 100 time units`, async () => {
      await runBoth(hr(integrator), { duration: 100 }, ({ cpu, gpu }) => {
        expect(maxAbsDiff(cpu.trace(at('x')), gpu.trace(at('x')))).toBeLessThan(tolerance(integrator).x);
        expect(maxAbsDiff(cpu.trace(at('z')), gpu.trace(at('z')))).toBeLessThan(tolerance(integrator).z);
        const tc = cpu.spikeTimes(0), tg = gpu.spikeTimes(0);
        expect(tc.length).toBeGreaterThanOrEqual(20);
        expectSpikesWithin(tg, tc, 0.01);
      });
    });
  }
});
