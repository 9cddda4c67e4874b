// A model's whole step (integration, threshold, reset) as statements, and its initial state:
// what each backend wraps in its own calling convention (docs/equations.md#a-step).
import { type Expr, sym } from './expression';
import { compileJs, jsExpression } from './emit';
import { integrate } from './integrators';
import { type ParsedModel, type Statement, parameterValues } from './model';

/** Local set to whether the neuron fired this step (absent for models without a threshold). */
export const SPIKED = '_spiked';

/**
 * One step of a neuron: an upward-crossing model first records whether its condition held
 * before; then the integrator; then `_spiked` and the reset of a neuron that spiked.
 */
export function stepStatements(m: ParsedModel, method: string): Statement[] {
  const out: Statement[] = [];
  const crossing = m.threshold !== null && m.declaration.crossing === true;
  if (crossing) out.push({ kind: 'set', target: '_was', expr: m.threshold! });
  out.push(...integrate(m, method));
  if (m.threshold) {
    const fired: Expr = crossing ? { kind: 'bin', op: '&&', left: { kind: 'not', arg: sym('_was') }, right: m.threshold } : m.threshold;
    out.push({ kind: 'set', target: SPIKED, expr: fired });
    if (m.reset.length > 0) out.push({ kind: 'if', test: sym(SPIKED), body: m.reset });
  }
  return out;
}

/** Evaluates an expression in f64 with named values (parameters, earlier state). */
export function evaluate(e: Expr, values: Readonly<Record<string, number>>): number {
  const f = compileJs<(s: Readonly<Record<string, number>>) => number>(['s'], `return ${jsExpression(e, 'f64', (n) => `s[${JSON.stringify(n)}]`)};`);
  return f(values);
}

/** The subexpressions' values (e.g. HH's rate functions) at given state and parameter values, in f64. */
export function subexpressionValues(m: ParsedModel, values: Readonly<Record<string, number>>): Record<string, number> {
  const scope: Record<string, number> = { ...values };
  const out: Record<string, number> = {};
  for (const e of m.subexpressions) out[e.name] = scope[e.name] = evaluate(e.expr, scope);
  return out;
}

/** Initial state for parameter values: each variable's init expression, in declaration order. */
export function initialState(m: ParsedModel, params: Readonly<Record<string, number>>): Record<string, number> {
  const scope: Record<string, number> = { ...params };
  const state: Record<string, number> = {};
  for (const v of m.variables) state[v] = scope[v] = evaluate(m.init.get(v)!, scope);
  return state;
}

export { parameterValues };
