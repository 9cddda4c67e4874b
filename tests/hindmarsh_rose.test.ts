// Hindmarsh–Rose (shaders/hindmarsh_rose.wgsl, src/models/hindmarsh_rose.ts): the derivative by
// hand, and GPU (f32) against the CPU (f64) under every integrator over a burst.
import { describe, expect, test } from 'vitest';
import { CIRCUIT_INTEGRATORS } from '../src/equations/integrators';
import type { CircuitDescription } from '../src/circuit/description';
import { MODELS } from '../src/models/registry';
import { parameterValues } from '../src/equations/compile';
import { circuitStepJs } from '../src/circuit/models';
import { expectSpikesWithin, maxAbsDiff, runCircuitBoth } from './helpers';

const hr = (integrator: (typeof CIRCUIT_INTEGRATORS)[number]): CircuitDescription => ({
  dt: 0.01, integrator,
  neurons: [{ name: 'hr', model: 'hindmarsh_rose' }],
  record: { traces: ['x', 'y', 'z'].map((variable) => ({ neuron: 'hr', variable })) },
});

test('derivative at a hand-computed point (Neun parameters, input 0.5)', () => {
  const hr = MODELS.hindmarsh_rose!, values = parameterValues(hr, 'neun');
  expect(values).toMatchObject({ e: 3.281, mu: 0.0029, S: 4, a: 1, b: 3, c: 1, d: 5, xr: -1.6, vh: 1 });
  // One Euler step of h = 1 from x0 is x0 + f(x0): the derivative itself.
  const x0 = [0.5, -2, 0.1], x = Float64Array.from(x0);
  circuitStepJs(hr, 'euler')(x, Float64Array.from(hr.parameters.map((k) => values[k]!)), 0.5, 1);
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
  for (const integrator of CIRCUIT_INTEGRATORS) {
    test(`${integrator}: traces and spike times agree over 100 time units`, async () => {
      await runCircuitBoth(hr(integrator), 100, async ({ cpu, gpu }) => {
        expect(maxAbsDiff(cpu.trace({ neuron: 'hr', variable: 'x' }), gpu.trace({ neuron: 'hr', variable: 'x' }))).toBeLessThan(2e-3);
        expect(maxAbsDiff(cpu.trace({ neuron: 'hr', variable: 'z' }), gpu.trace({ neuron: 'hr', variable: 'z' }))).toBeLessThan(1e-4);
        const tc = cpu.spikeTimes('hr'), tg = gpu.spikeTimes('hr');
        expect(tc.length).toBeGreaterThanOrEqual(20);
        expectSpikesWithin(tg, tc, 0.01);
      });
    });
  }
});
