// One generated model step on the GPU for many cases, and the same step on the CPU rounding every
// operation to f32 (src/equations/emit.ts), for tests that compare them. Each case carries its
// own state, parameters, input and dt; the GPU reads them as f32 words and writes the new state
// and the spike flag.
import { SPIKED, stepStatements } from '../src/equations/compile';
import { type Expr } from '../src/equations/expression';
import { WGSL_HELPERS } from '../src/equations/emit';
import { arrayStepJs, wgslFunction } from '../src/equations/functions';
import { DT, INPUT, type ParsedModel, type Statement } from '../src/equations/model';
import { runKernel } from './helpers';

export interface StepCase { x: number[]; p: number[]; input: number; dt: number }
export interface StepResult { x: number[]; spiked: boolean }

/** The WGSL kernel that runs `m`'s step under `integrator` once per case. */
export function stepKernel(m: ParsedModel, integrator: string, cases: number): string {
  const V = m.variables.length, P = m.parameters.length, W = V + P + 2;
  const word = (k: number) => `bitcast<f32>(inp[_b + ${k}u])`;
  const binding = {
    load: (d: number) => word(d),
    resolve: (name: string) => {
      const k = m.parameters.indexOf(name);
      return k >= 0 ? word(V + k) : name === INPUT ? word(V + P) : name === DT ? word(V + P + 1) : undefined;
    },
  };
  const fn = wgslFunction(m, stepStatements(m, integrator), 'fn model_step(_b: u32, _o: u32) -> bool', binding,
    m.threshold ? SPIKED : 'false', (d, v) => `outp[_o + ${d}u] = bitcast<u32>(${v})`);
  return `${WGSL_HELPERS}
@group(0) @binding(0) var<storage, read> inp: array<u32>;
@group(0) @binding(1) var<storage, read_write> outp: array<u32>;
${fn}
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3u) {
  if (g.x >= ${cases}u) { return; }
  let spiked = model_step(g.x * ${W}u, g.x * ${V + 1}u);
  outp[g.x * ${V + 1}u + ${V}u] = select(0u, 1u, spiked);
}`;
}

export async function stepOnGpu(m: ParsedModel, integrator: string, cases: readonly StepCase[]): Promise<StepResult[]> {
  const V = m.variables.length, P = m.parameters.length, W = V + P + 2;
  const words = new Float32Array(cases.length * W);
  cases.forEach((c, k) => words.set([...c.x, ...c.p, c.input, c.dt], k * W));
  const out = await runKernel(stepKernel(m, integrator, cases.length), new Uint32Array(words.buffer), cases.length * (V + 1), Math.ceil(cases.length / 64));
  const f = new Float32Array(out.buffer);
  return cases.map((_, k) => ({ x: Array.from(f.subarray(k * (V + 1), k * (V + 1) + V)), spiked: out[k * (V + 1) + V] === 1 }));
}

export function stepOnCpu(m: ParsedModel, integrator: string, cases: readonly StepCase[], precision: 'f32' | 'f64'): StepResult[] {
  const step = arrayStepJs(m, integrator, precision);
  const r = precision === 'f32' ? Math.fround : (x: number) => x;
  return cases.map((c) => {
    const x = Float64Array.from(c.x, r);
    const spiked = step(x, Float64Array.from(c.p, r), r(c.input), r(c.dt));
    return { x: Array.from(x), spiked };
  });
}

/** Arithmetic operations and function calls of a step (a power x**n counts its multiplications). */
export function countOperations(stmts: readonly Statement[]): number {
  const ops = (e: Expr): number => {
    switch (e.kind) {
      case 'num': case 'sym': return 0;
      case 'neg': case 'not': return ops(e.arg);
      case 'if': return ops(e.test) + ops(e.then) + ops(e.else);
      case 'call': return 1 + e.args.reduce((s, a) => s + ops(a), 0);
      case 'bin': return (e.op === '**' && e.right.kind === 'num' ? Math.max(1, Math.abs(e.right.value) - 1) : 1) + ops(e.left) + ops(e.right);
    }
  };
  return stmts.reduce((s, st) => s + (st.kind === 'set' ? ops(st.expr) : ops(st.test) + countOperations(st.body)), 0);
}
