// Every built-in model's generated code: its WGSL compiles on the adapter under each integrator
// it supports, and one GPU step (f32) agrees with the CPU step that rounds every operation to f32,
// within a tolerance derived from the step's operation count (below). Exponential Euler is refused,
// naming the variable, for the models that are not linear in their own variables.
import { describe, expect, test } from 'vitest';
import { parameterValues, stepStatements } from '../src/equations/compile';
import { ModelError } from '../src/equations/expression';
import { integrate } from '../src/equations/integrators';
import { type ParsedModel, parseModel } from '../src/equations/model';
import { MODELS, RELEASE_MODEL } from '../src/models/registry';
import * as v from 'valibot';
import { ModelDeclarationSchema } from '../src/spec/model_schema';
import { PhiloxStream, Purpose } from '../src/rng/philox';
import { type StepCase, countOperations, stepKernel, stepOnCpu, stepOnGpu } from './model_kernel';
import { testGpu } from './helpers';

interface Config {
  preset?: string;
  dt: number;
  /** Range of each state variable's random starting values. */
  state: Record<string, [number, number]>;
  input: [number, number];
  integrators: string[];
}

const GATE: [number, number] = [0, 1];
const CONFIGS: Record<string, Config> = {
  izhikevich: { preset: 'RS', dt: 0.5, state: { v: [-80, 25], u: [-20, 5] }, input: [0, 20], integrators: ['izhikevich2003', 'euler', 'rk4', 'rk6'] },
  hodgkin_huxley: { preset: 'neun', dt: 0.01, state: { v: [-80, 40], h: GATE, m: GATE, n: GATE }, input: [0, 0.3], integrators: ['euler', 'rk4', 'rk6', 'exponential_euler'] },
  hindmarsh_rose: { dt: 0.01, state: { x: [-2, 2], y: [-15, 1], z: [-1, 3] }, input: [0, 3], integrators: ['euler', 'rk4', 'rk6'] },
  cobahh: { dt: 0.1, state: { v: [-80, 30], m: GATE, h: GATE, n: GATE, ge: [0, 50], gi: [0, 300] }, input: [0, 0], integrators: ['exponential_euler', 'euler', 'rk4'] },
  lif: { dt: 0.1, state: { v: [-70, -45] }, input: [0, 1000], integrators: ['exponential_euler', 'euler', 'rk4'] },
  iaf_psc_exp: { dt: 0.1, state: { v: [-70, -45], i_ex: [0, 800], i_in: [-800, 0] }, input: [0, 1000], integrators: ['exact', 'exponential_euler', 'euler', 'rk4'] },
  adex: { dt: 0.1, state: { v: [-75, -45], w: [0, 200] }, input: [0, 1000], integrators: ['euler', 'rk4', 'rk6'] },
  diffusion_release: { dt: 0.01, state: { r: GATE }, input: [0, 1], integrators: ['euler', 'rk4', 'rk6', 'exponential_euler'] },
};
const NOT_LINEAR: Record<string, string> = { izhikevich: 'v', hindmarsh_rose: 'x', adex: 'v' };

const models: ParsedModel[] = [...Object.values(MODELS), RELEASE_MODEL];
const CASES = 256;

function cases(m: ParsedModel, c: Config): StepCase[] {
  const rng = new PhiloxStream(11, Purpose.init);
  const values = parameterValues(m, c.preset);
  const p = m.parameters.map((k) => values[k]!);
  return Array.from({ length: CASES }, (_, k) => ({
    x: m.variables.map((v, d) => { const [lo, hi] = c.state[v]!; return lo + (hi - lo) * rng.uniform(k, d); }),
    p, input: c.input[0] + (c.input[1] - c.input[0]) * rng.uniform(k, 99), dt: c.dt,
  }));
}

test('every built-in declaration passes the declaration schema', () => {
  for (const m of models) expect(v.safeParse(ModelDeclarationSchema, m.declaration).issues ?? []).toEqual([]);
});

test('a whole power above 4 of a negative base keeps its sign on the GPU (WGSL pow is undefined there)', async () => {
  const m = parseModel({ name: 'odd', summary: 'odd powers', state: { x: { init: 0 } }, parameters: {}, equations: 'dx/dt = x**5 + x**7 * 0.01' });
  const input = [-2, -1.5, -0.5, 0.5, 1.5].map((x) => ({ x: [x], p: [], input: 0, dt: 0.001 }));
  const gpu = await stepOnGpu(m, 'euler', input), cpu = stepOnCpu(m, 'euler', input, 'f32');
  input.forEach((_, q) => expect(Math.abs(gpu[q]!.x[0]! - cpu[q]!.x[0]!)).toBeLessThan(1e-5 * Math.max(1, Math.abs(cpu[q]!.x[0]!))));
});

test('every built-in model has a test configuration here', () => {
  expect(models.map((m) => m.name).sort()).toEqual(Object.keys(CONFIGS).sort());
});

describe.each(models.map((m) => [m.name, m] as const))('%s', (name, m) => {
  const c = CONFIGS[name]!;

  test.each(c.integrators)('%s: the WGSL compiles; GPU (f32) and CPU (f32 every operation) agree within the operation-count bound', async (integrator) => {
    const { device } = await testGpu();
    const module = device.createShaderModule({ code: stepKernel(m, integrator, CASES) });
    const errors = (await module.getCompilationInfo()).messages.filter((msg) => msg.type === 'error');
    expect(errors.map((e) => e.message)).toEqual([]);

    const input = cases(m, c);
    const gpu = await stepOnGpu(m, integrator, input);
    const cpu = stepOnCpu(m, integrator, input, 'f32');
    // Bound: each operation may differ from the correctly rounded f32 result by a few ulp on the
    // GPU (WGSL allows 2.5 ulp for division, 3 + 2|x| for exp), and an error in one operation
    // reaches the result at most scaled by the result's magnitude (the steps are well conditioned
    // over these ranges). So: (operations) × 8 ulp × max(1, |x before|, |x after|), per variable.
    const ops = countOperations(stepStatements(m, integrator));
    let worst = 0;
    input.forEach((k, q) => {
      expect(gpu[q]!.spiked, `case ${q}`).toBe(cpu[q]!.spiked);
      m.variables.forEach((v, d) => {
        const scale = Math.max(1, Math.abs(k.x[d]!), Math.abs(cpu[q]!.x[d]!));
        const err = Math.abs(gpu[q]!.x[d]! - cpu[q]!.x[d]!) / (ops * 8 * 2 ** -24 * scale);
        worst = Math.max(worst, err);
        expect(err, `case ${q} ${v}: gpu ${gpu[q]!.x[d]} cpu ${cpu[q]!.x[d]}`).toBeLessThanOrEqual(1);
      });
    });
    expect(Number.isFinite(worst)).toBe(true);
  });

  if (NOT_LINEAR[name]) {
    test('exponential Euler is refused: not linear in its own variable', () => {
      expect(() => integrate(m, 'exponential_euler')).toThrow(ModelError);
      expect(() => integrate(m, 'exponential_euler')).toThrow(`d${NOT_LINEAR[name]}/dt linear in ${NOT_LINEAR[name]}`);
    });
  }
});
