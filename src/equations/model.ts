// What a neuron model declares, once, as text (docs/models.md): its state variables, parameters
// (defaults, units, ranges), named presets, equations or explicit update schemes, threshold,
// reset and refractory period. `parseModel` checks every line and symbol and turns the text into
// expression trees, from which both backends' code is generated (src/equations/compile.ts).
import type { ModelDeclaration } from '../spec/model_schema.js';
import { type Expr, FUNCTIONS, ModelError, isBoolean, symbols } from './expression.js';
import { parseExpression } from './parse.js';

export type { ModelDeclaration, ParameterDeclaration, StateDeclaration } from '../spec/model_schema.js';

/** An assignment to a state variable or a local, or a guarded block. */
export type Statement =
  | { kind: 'set'; target: string; expr: Expr }
  | { kind: 'if'; test: Expr; body: Statement[] };

export interface ParsedModel {
  readonly declaration: ModelDeclaration;
  readonly name: string;
  readonly variables: readonly string[];
  readonly parameters: readonly string[];
  /** Subexpressions in order, then the derivative of each state variable (absent without `equations`). */
  readonly subexpressions: readonly { name: string; expr: Expr }[];
  readonly derivatives: ReadonlyMap<string, Expr> | null;
  readonly schemes: ReadonlyMap<string, Statement[]>;
  readonly threshold: Expr | null;
  readonly reset: Statement[];
  readonly refractory: Expr | null;
  readonly init: ReadonlyMap<string, Expr>;
  /** The integrator used unless a population names one. */
  readonly integrator: string;
}

/** The summed synaptic and external input current, and the time step (ms). */
export const INPUT = 'I';
export const DT = 'dt';
/** The generic integrators every model with equations can use. */
export const GENERIC_INTEGRATORS = ['euler', 'rk4', 'rk6', 'exponential_euler'] as const;
const RESERVED = new Set([INPUT, DT, 'spiked', 'true', 'false', ...Object.keys(FUNCTIONS)]);
const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

function lines(text: string): { line: number; text: string }[] {
  return text.split('\n').map((t, k) => ({ line: k + 1, text: t.replace(/#.*$/, '').trim() })).filter((l) => l.text !== '');
}

/** Checks a declaration and turns its text into trees; every error names the model, the line and the token. */
export function parseModel(d: ModelDeclaration): ParsedModel {
  const model = d.name;
  const fail = (where: string, detail: string, token?: string): never => { throw new ModelError(model, where, detail, token); };
  if (!/^[a-z][a-z0-9_]*$/.test(model)) fail('name', `'${model}' must be lower case letters, digits and '_', starting with a letter`, model);
  const variables = Object.keys(d.state), parameters = Object.keys(d.parameters);
  if (variables.length === 0) fail('state', 'declares no state variable');
  for (const [what, names] of [['state', variables], ['parameters', parameters]] as const) {
    for (const n of names) {
      if (!NAME.test(n) || RESERVED.has(n)) fail(what, `'${n}' cannot be a name (reserved, or not letters, digits and '_')`, n);
    }
  }
  for (const n of parameters) if (variables.includes(n)) fail('parameters', `'${n}' is also a state variable`, n);
  for (const [name, p] of Object.entries(d.parameters)) {
    if (!Number.isFinite(p.default)) fail(`parameters.${name}`, `default must be a finite number, got ${p.default}`, name);
    if ((p.min !== undefined && p.default < p.min) || (p.max !== undefined && p.default > p.max)) {
      fail(`parameters.${name}`, `default ${p.default} is outside [${p.min ?? '-inf'}, ${p.max ?? 'inf'}]`, name);
    }
  }
  for (const [preset, values] of Object.entries(d.presets ?? {})) {
    for (const k of Object.keys(values)) if (!parameters.includes(k)) fail(`presets.${preset}`, `unknown parameter '${k}'`, k);
  }
  const known = new Set<string>([...variables, ...parameters, INPUT, DT]);
  const check = (e: Expr, where: string, scope: Set<string>) => {
    for (const s of symbols(e)) if (!scope.has(s)) fail(where, `unknown symbol '${s}'`, s);
  };

  // Equations: subexpressions (usable below their line) and one derivative per state variable.
  const subexpressions: { name: string; expr: Expr }[] = [];
  let derivatives: Map<string, Expr> | null = null;
  if (d.equations !== undefined) {
    derivatives = new Map();
    const scope = new Set(known);
    for (const { line, text } of lines(d.equations)) {
      const where = `equations line ${line}`;
      const ode = /^d([A-Za-z][A-Za-z0-9_]*)\s*\/\s*dt\s*=(.*)$/.exec(text);
      const sub = ode ? null : /^([A-Za-z][A-Za-z0-9_]*)\s*=(.*)$/.exec(text);
      if (!ode && !sub) fail(where, `expected 'dx/dt = …' or 'name = …', got '${text}'`, text.split(/\s+/)[0]);
      const [, name, rhs] = (ode ?? sub)!;
      const expr = parseExpression(rhs!, { model, where });
      if (isBoolean(expr)) fail(where, `'${rhs!.trim()}' is a condition, not a number`, name);
      check(expr, where, scope);
      if (ode) {
        if (!variables.includes(name!)) fail(where, `'${name}' is not a state variable`, name);
        if (derivatives.has(name!)) fail(where, `d${name}/dt is given twice`, name);
        derivatives.set(name!, expr);
      } else {
        if (scope.has(name!) || RESERVED.has(name!)) fail(where, `'${name}' is already defined`, name);
        subexpressions.push({ name: name!, expr });
        scope.add(name!);
      }
    }
    for (const v of variables) if (!derivatives.has(v)) fail('equations', `no equation for d${v}/dt`, v);
  }

  const statements = (text: string, where: string, assignable: Set<string>, scope: Set<string>): Statement[] => {
    const out: Statement[] = [];
    for (const { line, text: t } of lines(text)) {
      const at = `${where} line ${line}`;
      const m = /^([A-Za-z][A-Za-z0-9_]*)\s*=(?!=)(.*)$/.exec(t);
      if (!m) fail(at, `expected 'name = …', got '${t}'`, t.split(/\s+/)[0]);
      const [, target, rhs] = m!;
      if (parameters.includes(target!) || target === INPUT || target === DT) fail(at, `'${target}' cannot be assigned`, target);
      if (RESERVED.has(target!) || !NAME.test(target!)) fail(at, `'${target}' cannot be a name`, target);
      const expr = parseExpression(rhs!, { model, where: at });
      if (isBoolean(expr)) fail(at, `'${rhs!.trim()}' is a condition, not a number`, target);
      check(expr, at, scope);
      if (!assignable.has(target!)) scope.add(target!);
      out.push({ kind: 'set', target: target!, expr });
    }
    return out;
  };

  const schemes = new Map<string, Statement[]>();
  for (const [name, text] of Object.entries(d.schemes ?? {})) {
    if (!/^[a-z][a-z0-9_]*$/.test(name)) fail(`schemes.${name}`, 'a scheme name is lower case letters, digits and _', name);
    schemes.set(name, statements(text, `schemes.${name}`, new Set(variables), new Set(known)));
  }
  if (!derivatives && schemes.size === 0) fail('equations', 'declares neither equations nor an update scheme');

  const base = new Set<string>([...variables, ...parameters, DT]);
  let threshold: Expr | null = null;
  if (d.threshold !== undefined) {
    threshold = parseExpression(d.threshold, { model, where: 'threshold' });
    if (!isBoolean(threshold)) fail('threshold', `'${d.threshold}' must be a condition such as 'v >= 30'`, d.threshold.trim());
    check(threshold, 'threshold', base);
  }
  if (d.crossing && !threshold) fail('crossing', 'needs a threshold');
  const reset = d.reset === undefined ? [] : statements(d.reset, 'reset', new Set(variables), new Set(base));
  if (reset.length > 0 && !threshold) fail('reset', 'needs a threshold');
  let refractory: Expr | null = null;
  if (d.refractory !== undefined) {
    refractory = parseExpression(d.refractory, { model, where: 'refractory' });
    check(refractory, 'refractory', new Set([...parameters, DT]));
  }
  for (const v of d.clampWhileRefractory ?? []) {
    if (!variables.includes(v)) fail('clampWhileRefractory', `'${v}' is not a state variable`, v);
    if (!refractory) fail('clampWhileRefractory', 'needs a refractory period', v);
  }

  const init = new Map<string, Expr>();
  const initScope = new Set(parameters);
  for (const v of variables) {
    const where = `state.${v}.init`, raw = d.state[v]!.init;
    const expr = typeof raw === 'number' ? { kind: 'num' as const, value: raw } : parseExpression(raw, { model, where });
    check(expr, where, initScope);
    init.set(v, expr);
    initScope.add(v);
  }
  const integrator = d.integrator ?? [...schemes.keys()][0] ?? 'rk4';
  const methods = [...(derivatives ? GENERIC_INTEGRATORS : []), ...schemes.keys()];
  if (!methods.includes(integrator)) fail('integrator', `'${integrator}' is neither a generic integrator nor one of its schemes (${methods.join(', ')})`, integrator);
  return { declaration: d, name: model, variables, parameters, subexpressions, derivatives, schemes, threshold, reset, refractory, init, integrator };
}

/** Parameter values: the defaults, then a preset, then explicit overrides; each checked against its range. */
export function parameterValues(m: ParsedModel, preset?: string, overrides: Readonly<Record<string, number>> = {}): Record<string, number> {
  const d = m.declaration;
  const values: Record<string, number> = {};
  for (const [k, p] of Object.entries(d.parameters)) values[k] = p.default;
  if (preset !== undefined) {
    const set = d.presets && Object.hasOwn(d.presets, preset) ? d.presets[preset] : undefined;
    if (!set) throw new ModelError(m.name, 'preset', `unknown preset '${preset}' (known: ${Object.keys(d.presets ?? {}).join(', ') || 'none'})`, preset);
    Object.assign(values, set);
  }
  for (const [k, v] of Object.entries(overrides)) {
    if (!Object.hasOwn(d.parameters, k)) throw new ModelError(m.name, 'parameters', `unknown parameter '${k}'`, k);
    values[k] = v;
  }
  return values;
}
