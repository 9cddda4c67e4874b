// A population's CPU step in f64 through WebAssembly SIMD (src/equations/emit_wasm.ts): per block
// of neurons, the state, input, refractory count and per-neuron parameters are copied into the
// module's memory, `step` advances the block two neurons at a time, and a JavaScript loop checks
// each neuron for a non-finite state, copies its state back, and records spikes and the refractory
// count. Same contract as the plain loop (PopulationStep); two to three times faster where the
// model calls exp or exprel, as HH's rates do (bench/cpu-baseline.js).
import { REFRACTORY_LEFT, SPIKED } from '../equations/compile.js';
import { wasmStep } from '../equations/emit_wasm.js';
import { INPUT, type Statement } from '../equations/model.js';
import type { PopulationPlan } from '../compile/plan.js';

/** Neurons per block. */
const BLOCK = 256;

/** What a thread instantiates: the module and the JavaScript body that drives it (parameters STEP_PARAMS, `_X` its instance). */
export interface WasmStepSource { body: string; wasm: Uint8Array<ArrayBuffer> }

/** The instance a driver calls. Self-contained: CPU worker threads run its source. */
export function instantiateStep(wasm: Uint8Array<ArrayBuffer>): { step: (n: number) => void; f64: Float64Array } {
  const e = new WebAssembly.Instance(new WebAssembly.Module(wasm), {}).exports as { step: (n: number) => void; memory: WebAssembly.Memory };
  return { step: e.step, f64: new Float64Array(e.memory.buffer) };
}

/** Population p's step (its folded statements) as a module and its driver, or null when they need JavaScript (emit_wasm.ts). */
export function wasmStepSource(p: PopulationPlan, dt: number, statements: readonly Statement[]): WasmStepSource | null {
  const m = p.model, refractory = p.refractory !== null, threshold = m.threshold !== null;
  const perNeuron = m.parameters.filter((_, k) => typeof p.params[k] !== 'number');
  const inputs = [...m.variables, INPUT, ...(refractory ? [REFRACTORY_LEFT] : []), ...perNeuron];
  const outputs = [...m.variables, ...(threshold ? [SPIKED] : [])];
  const built = wasmStep(statements, inputs, outputs, BLOCK);
  if (!built) return null;
  const { inputs: into, outputs: from } = built.layout;
  const at = (slot: number) => slot * BLOCK;
  const vars = m.variables.map((v, d) => ({ d, load: at(into.get(v)!), store: at(from.get(v)!) }));
  const left = at(into.get(REFRACTORY_LEFT) ?? 0), spiked = at(from.get(SPIKED) ?? 0);
  const period = typeof p.refractory === 'number' ? String(p.refractory) : '_RS[_e]';
  const body = [
    ...m.variables.map((_, d) => `const _S${d} = _S[${d}];`),
    ...perNeuron.map((name) => `const _P${m.parameters.indexOf(name)} = _P[${m.parameters.indexOf(name)}];`),
    'const _W = _X.f64, _step = _X.step;',
    'let _n = _out[0];',
    `for (let _b = _from; _b < _to; _b += ${BLOCK}) {`,
    `  const _m = Math.min(${BLOCK}, _to - _b);`,
    // One loop in and one out, element by element (subarray views would allocate per block).
    '  for (let _i = 0; _i < _m; _i++) {',
    '    const _e = _b + _i;',
    ...vars.map((v) => `    _W[${v.load} + _i] = _S${v.d}[_e];`),
    `    _W[${at(into.get(INPUT)!)} + _i] = _I[_e];`,
    ...(refractory ? [`    const _l = _R[_e]; _W[${left} + _i] = _l > 0 ? _l - 1 : 0;`] : []),
    ...perNeuron.map((name) => `    _W[${at(into.get(name)!)} + _i] = _P${m.parameters.indexOf(name)}[_e];`),
    '  }',
    '  _step((_m + 1) & ~1);',
    '  for (let _i = 0; _i < _m; _i++) {',
    '    const _e = _b + _i;',
    // x − x is 0 exactly when x is finite; the neurons before this one are stored, this one is left as it was.
    `    if (!(${vars.map((v) => `_W[${v.store} + _i] - _W[${v.store} + _i] === 0`).join(' && ')})) { _out[0] = _n; return _e; }`,
    ...vars.map((v) => `    _S${v.d}[_e] = _W[${v.store} + _i];`),
    // The spike mask's lanes are all ones (a NaN) or all zeros.
    ...(threshold ? [`    if (_W[${spiked} + _i] !== 0) { _out[++_n] = _e;${refractory ? ` _R[_e] = ${period}; continue;` : ''} }`] : []),
    ...(refractory ? [`    _R[_e] = _W[${left} + _i];`] : []),
    '  }',
    '}',
    '_out[0] = _n;',
    'return -1;',
  ].join('\n');
  return { body, wasm: built.bytes };
}
