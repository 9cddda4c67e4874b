// Integrators written once, for every model: each turns a model's equations into the statements
// of one step (docs/equations.md#integrators). Explicit Runge–Kutta methods come from their
// tableau (Euler, RK4, Neun's RK6); exponential Euler splits each right-hand side into a + b·x.
// The input I is held over all stages (Neun). Generated names start with '_', which no model name can.
import { add, linearSplit, mul } from './algebra.js';
import { type Expr, ModelError, num, substitute, sym, symbols } from './expression.js';
import { DT, GENERIC_INTEGRATORS, type ParsedModel, type Statement } from './model.js';

export interface Tableau {
  /** Stage rows: stage s evaluates f at x + dt·Σ_j rows[s-1][j]·k_j. */
  rows: readonly (readonly number[])[];
  weights: readonly number[];
}

/** Neun's RK6 rows and weights, as Neun codes them (the truncated decimals of 8/81, 0, 25/63, 25/108, 25/81, −1/28). */
export const RK6: Tableau = {
  rows: [
    [0.2],
    [0.075, 0.225],
    [0.3, -0.9, 1.2],
    [0.075, 0.675, -0.6, 0.75],
    [0.660493827160493, 2.5, -5.185185185185185, 3.888888888888889, -0.864197530864197],
  ],
  weights: [0.098765432098765, 0, 0.396825396825396, 0.231481481481481, 0.308641975308641, -0.035714285714285],
};

export const TABLEAUS: Readonly<Record<'euler' | 'rk4' | 'rk6', Tableau>> = {
  euler: { rows: [], weights: [1] },
  rk4: { rows: [[0.5], [0, 0.5], [0, 0, 1]], weights: [1 / 6, 1 / 3, 1 / 3, 1 / 6] },
  rk6: RK6,
};

export { GENERIC_INTEGRATORS };
/** The Runge–Kutta methods circuits offer (Neun's integrators). */
export const CIRCUIT_INTEGRATORS = ['euler', 'rk4', 'rk6'] as const;
export type CircuitIntegrator = (typeof CIRCUIT_INTEGRATORS)[number];

const dt = sym(DT);

/** Σ c_j·k_j over the non-zero coefficients, or null when all are zero. */
function combination(coefficients: readonly number[], k: (j: number) => Expr): Expr | null {
  let sum: Expr | null = null;
  coefficients.forEach((c, j) => {
    if (c === 0) return;
    const term = mul(num(c), k(j));
    sum = sum ? add(sum, term) : term;
  });
  return sum;
}

function requireEquations(m: ParsedModel, method: string) {
  if (!m.derivatives) throw new ModelError(m.name, 'equations', `has no equations, so it cannot use '${method}' (its schemes: ${[...m.schemes.keys()].join(', ')})`, method);
  return m.derivatives;
}

/** One step of an explicit Runge–Kutta method, for every state variable at once. */
function rungeKutta(m: ParsedModel, t: Tableau, method: string): Statement[] {
  const derivatives = requireEquations(m, method);
  const out: Statement[] = [];
  const stages = t.weights.length;
  const kName = (s: number, v: string) => `_k${s}_${v}`;
  for (let s = 0; s < stages; s++) {
    const names = new Map<string, string>();
    if (s > 0) {
      for (const v of m.variables) {
        const inc = combination(t.rows[s - 1]!, (j) => sym(kName(j, v)));
        const name = `_x${s}_${v}`;
        out.push({ kind: 'set', target: name, expr: inc ? add(sym(v), mul(dt, inc)) : sym(v) });
        names.set(v, name);
      }
    }
    const rename = (n: string) => (names.has(n) ? sym(names.get(n)!) : undefined);
    for (const e of m.subexpressions) {
      const name = `_e${s}_${e.name}`;
      out.push({ kind: 'set', target: name, expr: substitute(e.expr, rename) });
      names.set(e.name, name);
    }
    for (const v of m.variables) out.push({ kind: 'set', target: kName(s, v), expr: substitute(derivatives.get(v)!, rename) });
  }
  for (const v of m.variables) {
    const inc = combination(t.weights, (j) => sym(kName(j, v)));
    out.push({ kind: 'set', target: v, expr: inc ? add(sym(v), mul(dt, inc)) : sym(v) });
  }
  return out;
}

/**
 * Exponential Euler (Brian2's `exponential_euler`): with dx/dt = a + b·x, a and b from the old
 * values of every other variable, x ← x + (a + b·x)·dt·exprel(b·dt), exact for frozen a and b.
 */
function exponentialEuler(m: ParsedModel): Statement[] {
  const derivatives = requireEquations(m, 'exponential_euler');
  const out: Statement[] = m.subexpressions.map((e) => ({ kind: 'set', target: e.name, expr: e.expr }));
  // Subexpressions that read x (directly or through another) are inlined before splitting.
  const reads = new Map<string, Set<string>>();
  for (const e of m.subexpressions) {
    const r = new Set<string>();
    for (const s of symbols(e.expr)) { r.add(s); for (const t of reads.get(s) ?? []) r.add(t); }
    reads.set(e.name, r);
  }
  const updates: Statement[] = [];
  for (const v of m.variables) {
    let f = derivatives.get(v)!;
    for (let k = m.subexpressions.length - 1; k >= 0; k--) {
      const e = m.subexpressions[k]!;
      if (reads.get(e.name)!.has(v)) f = substitute(f, (n) => (n === e.name ? e.expr : undefined));
    }
    const split = linearSplit(f, v);
    if (!split) throw new ModelError(m.name, 'equations', `exponential_euler needs d${v}/dt linear in ${v} (a + b·${v})`, v);
    const a = `_a_${v}`, b = `_b_${v}`;
    out.push({ kind: 'set', target: a, expr: split.a });
    if (split.b.kind === 'num' && split.b.value === 0) {
      updates.push({ kind: 'set', target: v, expr: add(sym(v), mul(sym(a), dt)) });
      continue;
    }
    out.push({ kind: 'set', target: b, expr: split.b });
    const rate = add(sym(a), mul(sym(b), sym(v)));
    const factor: Expr = { kind: 'call', fn: 'exprel', args: [mul(sym(b), dt)] };
    updates.push({ kind: 'set', target: v, expr: add(sym(v), mul(mul(rate, dt), factor)) });
  }
  return [...out, ...updates];
}

/** The statements of one integration step of `m` under `method` (a generic integrator or one of its schemes). */
export function integrate(m: ParsedModel, method: string): Statement[] {
  if (m.schemes.has(method)) return m.schemes.get(method)!;
  if (method === 'exponential_euler') return exponentialEuler(m);
  if (Object.hasOwn(TABLEAUS, method)) return rungeKutta(m, TABLEAUS[method as keyof typeof TABLEAUS], method);
  throw new ModelError(m.name, 'integrator', `unknown integrator '${method}' (known: ${integratorsOf(m).join(', ')})`, method);
}

/** Integrators a model can use: the generic ones when it has equations, and its own schemes. */
export function integratorsOf(m: ParsedModel): string[] {
  return [...(m.derivatives ? GENERIC_INTEGRATORS : []), ...m.schemes.keys()];
}
