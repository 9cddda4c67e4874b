// The CPU step through WebAssembly SIMD (src/engine/cpu_wasm.ts) against the plain JavaScript loop
// of the same statements, for every built-in model and integrator: the same spikes and refractory
// counts; the same state bit for bit where the model calls neither exp nor exprel, else within
// 1e-12 relative (their own polynomials against Math.exp and expm1, tests/emit_wasm.test.ts);
// the first non-finite neuron reported with the state as the loop leaves it.
import { describe, expect, test } from 'vitest';
import { compileNetwork } from '../src/compile/plan';
import { compileJs } from '../src/equations/emit';
import { type PopulationStep, STEP_PARAMS, populationStepBody, populationStepJs, populationStepSource } from '../src/engine/cpu_neurons';
import { MODELS } from '../src/models/registry';
import { NetworkSpecError } from '../src/spec/validate';

const SIZE = 203;
const DT = 0.01;  // blocks of 256 with an odd tail, and a range that starts mid-block below
/** Input currents up to these (each model's units) make some neurons fire. */
const DRIVE: Record<string, number> = { izhikevich: 20, hodgkin_huxley: 20, hindmarsh_rose: 4, cobahh: 0, lif: 1000, iaf_psc_exp: 1000, adex: 1500 };

function population(model: string, integrator: string) {
  const m = MODELS[model]!;
  const first = m.parameters[0]!, base = m.declaration.parameters[first]!.default;
  const plan = compileNetwork({
    dt: DT, seed: 1,
    populations: [{
      name: 'p', size: SIZE, model, integrator,
      // One parameter per neuron (the module loads it), the rest folded in.
      parameters: { [first]: Array.from({ length: SIZE }, (_, i) => base * (1 + 0.01 * (i % 7))) },
    }],
  });
  return plan.populations[0]!;
}

/** Runs `steps` steps of both versions from the same state; returns their states, spikes and refractory counts. */
function both(p: ReturnType<typeof population>, steps: number, from = 0) {
  const wasm = populationStepJs(p, DT, 'f64');
  const js = compileJs<PopulationStep>(STEP_PARAMS, populationStepBody(p, DT, 'f64'));
  const drive = DRIVE[p.model.name]!;
  const run = (step: PopulationStep) => {
    const S = p.init.map((a, d) => Float64Array.from(a, (x, e) => (p.model.name === 'cobahh' && d >= 4 ? 10 * (e % 5) : x)));
    const P = p.params.map((x) => (typeof x === 'number' ? null : x));
    const I = Float64Array.from({ length: SIZE }, (_, e) => (drive * e) / SIZE);
    const R = p.refractory === null ? null : new Int32Array(SIZE), RS = p.refractory instanceof Int32Array ? p.refractory : null;
    const out = new Int32Array(SIZE + 1), spikes: number[] = [];
    for (let t = 0; t < steps; t++) {
      out[0] = 0;
      expect(step(S, P, I, R, RS, from, SIZE, out)).toBe(-1);
      for (let k = 1; k <= out[0]!; k++) spikes.push(t * SIZE + out[k]!);
    }
    return { S, spikes, R };
  };
  return { wasm: run(wasm), js: run(js) };
}

/** Every model with every integrator the description accepts for it (exponential Euler needs equations linear in their variable). */
const cases = Object.values(MODELS).flatMap((m) => {
  const integrators = m.derivatives ? ['euler', 'rk4', 'rk6', 'exponential_euler', ...m.schemes.keys()] : [...m.schemes.keys()];
  return integrators.filter((i) => { try { population(m.name, i); return true; } catch (e) { if (e instanceof NetworkSpecError) return false; throw e; } })
    .map((integrator) => [m.name, integrator] as const);
});

describe('every built-in model and integrator, 1000 steps, WebAssembly against the JavaScript loop', () => {
  test.each(cases)('%s, %s', (model, integrator) => {
    const p = population(model, integrator);
    expect(populationStepSource(p, DT, 'f64').wasm, 'runs through WebAssembly').not.toBeNull();
    const { wasm, js } = both(p, 1000, 5);
    expect(wasm.spikes).toEqual(js.spikes);
    if (wasm.R) expect(Array.from(wasm.R)).toEqual(Array.from(js.R!));
    const transcendental = /\bexp(rel)?\(/.test(JSON.stringify(p.model.declaration));
    wasm.S.forEach((a, d) => {
      for (let e = 0; e < SIZE; e++) {
        const x = a[e]!, y = js.S[d]![e]!;
        if (transcendental) expect(Math.abs(x - y), `${p.model.variables[d]}[${e}]`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(y)));
        else expect(Object.is(x, y), `${p.model.variables[d]}[${e}]`).toBe(true);
      }
    });
  });

  test('some of them fire (the spike and refractory paths are exercised)', () => {
    for (const model of ['izhikevich', 'hodgkin_huxley', 'lif', 'adex']) {
      expect(both(population(model, MODELS[model]!.integrator), 3000).wasm.spikes.length, model).toBeGreaterThan(20);
    }
  });
});

test('a neuron turning non-finite: its index, the neurons before it stored, it and those after left as they were', () => {
  const p = population('adex', 'euler');
  const step = populationStepJs(p, DT, 'f64');
  const S = p.init.map((a) => Float64Array.from(a));
  S[1]![130] = NaN;  // w: v turns NaN too, which no threshold catches
  const before = S.map((a) => Float64Array.from(a));
  const out = new Int32Array(SIZE + 1);
  expect(step(S, p.params.map((x) => (typeof x === 'number' ? null : x)), new Float64Array(SIZE), null, null, 0, SIZE, out)).toBe(130);
  for (let e = 0; e < SIZE; e++) {
    if (e < 130) expect(S[0]![e]).not.toBe(before[0]![e]);
    else expect(Object.is(S[0]![e], before[0]![e]) && Object.is(S[1]![e], before[1]![e]), `neuron ${e}`).toBe(true);
  }
});
