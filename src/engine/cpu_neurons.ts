// The CPU backend's neuron update: for each population, one generated JavaScript loop over its
// neurons that runs the model's step (src/equations/) with parameters every neuron shares folded
// in as constants, refractory count-down, the non-finite check and the spike list. The GPU
// backend generates the same statements as WGSL; this is the plain-loop form of them.
import { REFRACTORY_LEFT, SPIKED } from '../equations/compile.js';
import { JS_HELPERS, compileJs, compileWith, jsStatements, literal, local } from '../equations/emit.js';
import type { PopulationPlan } from '../compile/plan.js';
import { instantiateStep, wasmStepSource } from './cpu_wasm.js';
import { foldedStep, populationResolver } from './population_step.js';

/**
 * Advances elements from .. to − 1 (element = copy · size + neuron) of one population by one step.
 * S: state arrays; P: per-element parameter arrays (null where folded); I: this step's input;
 * R, RS: refractory steps left and the period (per element, or null). Spiking elements are
 * appended to `out` (out[0] counts them). Returns −1, or the first element whose state turned
 * non-finite (its state is left as it was; the loop stops there).
 */
export type PopulationStep = (
  S: readonly Float64Array[], P: readonly (Float64Array | null)[], I: Float64Array,
  R: Int32Array | null, RS: Int32Array | null, from: number, to: number, out: Int32Array,
) => number;

/** The parameters of every generated population step. */
export const STEP_PARAMS = ['_S', '_P', '_I', '_R', '_RS', '_from', '_to', '_out'] as const;

/** A step's source: the JavaScript body (parameters STEP_PARAMS) and, when it drives one, its WebAssembly module (`_X` in the body). */
export interface StepSource { body: string; wasm: Uint8Array<ArrayBuffer> | null }

/** The step of population `p`: in f64 through WebAssembly SIMD where the model allows (cpu_wasm.ts), else a JavaScript loop. */
export function populationStepSource(p: PopulationPlan, dt: number, precision: 'f64' | 'f32'): StepSource {
  const wasm = precision === 'f64' ? wasmStepSource(p, dt, foldedStep(p, dt).statements) : null;
  return wasm ?? { body: populationStepBody(p, dt, precision), wasm: null };
}

/** Compiled WebAssembly steps by source, the most recent first; an instance's memory is scratch within one call, so one thread may share it. */
const wasmSteps: { body: string; wasm: Uint8Array; step: PopulationStep }[] = [];
const WASM_STEPS_KEPT = 32;

/**
 * The step of population `p` at time step dt, in f64 or rounding every operation to f32, and the
 * source it was compiled from (CPU worker threads compile the same one).
 */
export function populationStep(p: PopulationPlan, dt: number, precision: 'f64' | 'f32'): { step: PopulationStep; source: StepSource } {
  const src = populationStepSource(p, dt, precision);
  const plain = () => {
    const source = src.wasm ? { body: populationStepBody(p, dt, precision), wasm: null } : src;
    return { step: compileJs<PopulationStep>(STEP_PARAMS, source.body), source };
  };
  if (!src.wasm) return plain();
  const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, k) => x === b[k]);
  let k = wasmSteps.findIndex((c) => c.body === src.body && same(c.wasm, src.wasm!));
  if (k < 0) {
    let instance;
    try {
      instance = instantiateStep(src.wasm);
    } catch {
      // A browser that refuses to compile a large module on its main thread: the JavaScript loop.
      return plain();
    }
    wasmSteps.unshift({ body: src.body, wasm: src.wasm, step: compileWith<PopulationStep>({ ...JS_HELPERS, _X: instance }, STEP_PARAMS, src.body) });
    wasmSteps.length = Math.min(wasmSteps.length, WASM_STEPS_KEPT);
    k = 0;
  }
  return { step: wasmSteps[k]!.step, source: src };
}

/** populationStep's function alone. */
export const populationStepJs = (p: PopulationPlan, dt: number, precision: 'f64' | 'f32'): PopulationStep => populationStep(p, dt, precision).step;

/** The step's body as a plain JavaScript loop. */
export function populationStepBody(p: PopulationPlan, dt: number, precision: 'f64' | 'f32'): string {
  const m = p.model;
  const lang = precision === 'f32' ? 'js32' : 'js64';
  const refractory = p.refractory !== null;
  const resolve = populationResolver(p, dt, (x) => literal(x, lang), (k) => `_P${k}[_e]`);
  const step = foldedStep(p, dt);
  const vars = m.variables.map(local);
  const period = typeof p.refractory === 'number' ? String(p.refractory) : '_RS[_e]';
  const body = [
    ...m.variables.map((_, d) => `const _S${d} = _S[${d}];`),
    ...m.parameters.flatMap((_, k) => (typeof p.params[k] === 'number' ? [] : [`const _P${k} = _P[${k}];`])),
    'let _n = _out[0];',
    'for (let _e = _from; _e < _to; _e++) {',
    ...vars.map((v, d) => `  let ${v} = _S${d}[_e];`),
    '  const _in = _I[_e];',
    ...(refractory ? [`  let ${REFRACTORY_LEFT} = _R[_e];`, `  if (${REFRACTORY_LEFT} > 0) ${REFRACTORY_LEFT}--;`] : []),
    ...jsStatements(step.statements, precision, resolve, step.locals, '  '),
    // x − x is 0 exactly when x is finite (NaN and ±Infinity give NaN).
    `  if (!(${vars.map((v) => `${v} - ${v} === 0`).join(' && ')})) { _out[0] = _n; return _e; }`,
    ...vars.map((v, d) => `  _S${d}[_e] = ${v};`),
    ...(m.threshold ? [`  if (${SPIKED}) { _out[++_n] = _e;${refractory ? ` ${REFRACTORY_LEFT} = ${period};` : ''} }`] : []),
    ...(refractory ? [`  _R[_e] = ${REFRACTORY_LEFT};`] : []),
    '}',
    '_out[0] = _n;',
    'return -1;',
  ];
  return body.join('\n');
}

/**
 * Steps elements lo .. hi − 1 of population `q` copy by copy (element = copy · size + neuron),
 * skipping frozen copies, as the single-threaded loop does. A non-finite element is appended to
 * `failed` ([count, population, element, …]); under freeze its copy is frozen and the range goes
 * on, otherwise the range stops there. Self-contained: CPU worker threads run its source.
 */
export function stepRange(
  step: PopulationStep, S: readonly Float64Array[], P: readonly (Float64Array | null)[], I: Float64Array,
  R: Int32Array | null, RS: Int32Array | null, lo: number, hi: number, size: number, q: number,
  frozen: Uint8Array, freeze: boolean, out: Int32Array, failed: Int32Array,
): void {
  for (let b = Math.floor(lo / size); b * size < hi; b++) {
    if (frozen[b] !== 0) continue;
    const bad = step(S, P, I, R, RS, Math.max(lo, b * size), Math.min(hi, (b + 1) * size), out);
    if (bad < 0) continue;
    const k = failed[0]!;
    failed[1 + 2 * k] = q; failed[2 + 2 * k] = bad; failed[0] = k + 1;
    if (!freeze) return;
    frozen[b] = 1;
  }
}
