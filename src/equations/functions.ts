// Generated statements wrapped as functions in a backend's calling convention: state variables
// loaded into locals, the statements, then the locals stored or returned. Each backend says only
// how its state and parameters are reached (a Binding); the maths comes from the declaration.
import { type Resolve, compileJs, jsStatements, local, wgslStatements } from './emit.js';
import { SPIKED, stepStatements } from './compile.js';
import { DT, INPUT, type ParsedModel, type Statement } from './model.js';

export interface Binding {
  /** Code reading state variable number d (e.g. `_x.x`, `_x[0]`, `state[n + i]`). */
  load: (d: number) => string;
  /** Code for parameters, the input and dt; undefined for locals. */
  resolve: Resolve;
}

/** Parameters by position in an indexable (`p[k]`), the input and dt by name. */
function indexedParams(m: ParsedModel, params: string, input: string, dt: string): Resolve {
  return (name) => {
    const k = m.parameters.indexOf(name);
    if (k >= 0) return `${params}[${k}]`;
    if (name === INPUT) return input;
    if (name === DT) return dt;
    return undefined;
  };
}

/**
 * A WGSL function: `header {` loads, statements, optional `store(d, value)` per state variable,
 * `return ret;` `}` (no return when ret is empty); `ret` may use local(v) and `_spiked`.
 */
export function wgslFunction(
  m: ParsedModel, stmts: readonly Statement[], header: string, b: Binding, ret: string, store?: (d: number, value: string) => string,
): string {
  return [
    `${header} {`,
    ...m.variables.map((v, d) => `  var ${local(v)} = ${b.load(d)};`),
    ...wgslStatements(stmts, b.resolve, new Set(m.variables)),
    ...(store ? m.variables.map((v, d) => `  ${store(d, local(v))};`) : []),
    ...(ret ? [`  return ${ret};`] : []),
    '}',
  ].join('\n');
}

/**
 * A JavaScript function with the same body: loads, statements, then `store(d, value)` for each
 * state variable and `return ret;`. Compiled once per source.
 */
function jsFunction<T>(
  m: ParsedModel, stmts: readonly Statement[], params: readonly string[], b: Binding,
  store: (d: number, value: string) => string, ret: string, precision: 'f64' | 'f32' = 'f64',
): T {
  const body = [
    ...m.variables.map((v, d) => `  let ${local(v)} = ${b.load(d)};`),
    ...jsStatements(stmts, precision, b.resolve, new Set(m.variables)),
    ...m.variables.map((v, d) => `  ${store(d, local(v))};`),
    `  return ${ret};`,
  ];
  return compileJs<T>(params, body.join('\n'));
}

/** A model's whole step over arrays: x (its state, in declared order) in place, p its parameters in declared order. */
export type ArrayStep = (x: Float64Array, p: Float64Array, input: number, dt: number) => boolean;

/** The generated step (integration, threshold, reset) as JavaScript over arrays; returns whether it spiked. */
export function arrayStepJs(m: ParsedModel, integrator: string, precision: 'f64' | 'f32' = 'f64'): ArrayStep {
  const binding = { load: (d: number) => `_x[${d}]`, resolve: indexedParams(m, '_p', '_in', '_dt') };
  const spiked = m.threshold ? SPIKED : 'false';
  return jsFunction<ArrayStep>(m, stepStatements(m, integrator), ['_x', '_p', '_in', '_dt'], binding, (d, v) => `_x[${d}] = ${v}`, spiked, precision);
}
