// A model's whole step (integration, threshold, reset) as statements, and its initial state:
// what each backend wraps in its own calling convention (docs/equations.md#a-step).
import { type Expr, sym } from './expression.js';
import { compileJs, jsExpression } from './emit.js';
import { integrate } from './integrators.js';
import { type ParsedModel, type Statement, parameterValues } from './model.js';

/** Local set to whether the neuron fired this step (absent for models without a threshold). */
export const SPIKED = '_spiked';

/** Local the engine sets to the refractory steps left (after this step's count-down); 0 when free. */
export const REFRACTORY_LEFT = '_left';

/**
 * One step of a neuron: an upward-crossing model first records whether its condition held
 * before; then the integrator; then `_spiked` and the reset of a neuron that spiked. With
 * `refractory`, the threshold is tested only when `_left` is 0, and the model's clamped
 * variables keep their values while it is not (docs/equations.md#a-step).
 */
export function stepStatements(m: ParsedModel, method: string, refractory = false): Statement[] {
  const out: Statement[] = [];
  const crossing = m.threshold !== null && m.declaration.crossing === true;
  const clamp = refractory ? (m.declaration.clampWhileRefractory ?? []) : [];
  if (crossing) out.push({ kind: 'set', target: '_was', expr: m.threshold! });
  for (const v of clamp) out.push({ kind: 'set', target: `_held_${v}`, expr: sym(v) });
  out.push(...integrate(m, method));
  const busy: Expr = { kind: 'bin', op: '>', left: sym(REFRACTORY_LEFT), right: { kind: 'num', value: 0 } };
  if (clamp.length > 0) out.push({ kind: 'if', test: busy, body: clamp.map((v) => ({ kind: 'set', target: v, expr: sym(`_held_${v}`) })) });
  if (m.threshold) {
    let fired: Expr = crossing ? { kind: 'bin', op: '&&', left: { kind: 'not', arg: sym('_was') }, right: m.threshold } : m.threshold;
    if (refractory) fired = { kind: 'bin', op: '&&', left: { kind: 'not', arg: busy }, right: fired };
    out.push({ kind: 'set', target: SPIKED, expr: fired });
    if (m.reset.length > 0) out.push({ kind: 'if', test: sym(SPIKED), body: m.reset });
  }
  return out;
}

type Evaluator = (values: Readonly<Record<string, number>>) => number;
const evaluators = new WeakMap<Expr, Evaluator>();

/** Evaluates an expression in f64 with named values (parameters, earlier state); compiled once per tree. */
export function evaluate(e: Expr, values: Readonly<Record<string, number>>): number {
  let f = evaluators.get(e);
  if (!f) {
    f = compileJs<Evaluator>(['s'], `return ${jsExpression(e, 'f64', (n) => `s[${JSON.stringify(n)}]`)};`);
    evaluators.set(e, f);
  }
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
