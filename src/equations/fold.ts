// Constant folding of a step's statements (docs/equations.md#emitters): parameters that every
// neuron shares and dt become numbers, subtrees of numbers are computed once in f64 here, and a
// local assigned a constant once carries it forward, so the loop over neurons computes none of it
// (COBAHH's conductance decay exprel(−dt/τ) is one number, not two exp calls per neuron and step).
import { JS_HELPERS } from './emit.js';
import { type Expr, num, substitute } from './expression.js';
import type { Statement } from './model.js';
import { F32_MAX } from '../spec/value_kinds.js';

type Fn = (...a: number[]) => number;
/** A model function in f64 (the same ones the JS emitter calls: Math's, clip and exprel64). */
const mathOf = (fn: string): Fn => (fn === 'clip' ? (x, lo, hi) => Math.min(Math.max(x, lo!), hi!)
  : fn === 'exprel' ? JS_HELPERS.exprel64 : (Math as unknown as Record<string, Fn>)[fn]!);

/** A folded number must fit the GPU's f32 (else it stays an expression, computed at run time). */
const foldable = (x: number) => Number.isFinite(x) && Math.abs(x) <= F32_MAX;
const number = (x: number, otherwise: Expr) => (foldable(x) ? num(x) : otherwise);

const COMPARE: Readonly<Partial<Record<string, (a: number, b: number) => boolean>>> = {
  '<': (a, b) => a < b, '<=': (a, b) => a <= b, '>': (a, b) => a > b, '>=': (a, b) => a >= b, '==': (a, b) => a === b, '!=': (a, b) => a !== b,
};

/** A folded condition's value when it compares numbers alone (and, or, not of such), else null. */
function known(e: Expr): boolean | null {
  if (e.kind === 'not') { const a = known(e.arg); return a === null ? null : !a; }
  if (e.kind !== 'bin') return null;
  if (e.op === '&&' || e.op === '||') {
    const a = known(e.left), b = known(e.right);
    return a === null || b === null ? null : e.op === '&&' ? a && b : a || b;
  }
  const compare = COMPARE[e.op];
  return compare && e.left.kind === 'num' && e.right.kind === 'num' ? compare(e.left.value, e.right.value) : null;
}

/**
 * The expression with every subtree of numbers replaced by its value, and a choice whose condition
 * compares numbers alone replaced by the branch it takes (WGSL would evaluate both while compiling).
 */
function foldExpr(e: Expr): Expr {
  switch (e.kind) {
    case 'num': case 'sym': return e;
    case 'neg': { const a = foldExpr(e.arg); return a.kind === 'num' ? num(-a.value) : { kind: 'neg', arg: a }; }
    case 'not': return { kind: 'not', arg: foldExpr(e.arg) };
    case 'if': {
      const test = foldExpr(e.test), taken = known(test);
      return taken === null ? { kind: 'if', test, then: foldExpr(e.then), else: foldExpr(e.else) } : foldExpr(taken ? e.then : e.else);
    }
    case 'call': {
      const args = e.args.map(foldExpr), call: Expr = { kind: 'call', fn: e.fn, args };
      return args.every((a) => a.kind === 'num') ? number(mathOf(e.fn)(...args.map((a) => (a as { value: number }).value)), call) : call;
    }
    case 'bin': {
      const l = foldExpr(e.left), r = foldExpr(e.right);
      const kept: Expr = { kind: 'bin', op: e.op, left: l, right: r };
      if (l.kind === 'num' && r.kind === 'num') {
        const a = l.value, b = r.value;
        switch (e.op) {
          case '+': return number(a + b, kept);
          case '-': return number(a - b, kept);
          case '*': return number(a * b, kept);
          case '/': return number(a / b, kept);
          case '**': return number(a ** b, kept);
          default: break;
        }
      }
      return kept;
    }
  }
}

/**
 * Folds statements given the values of some names (shared parameters, dt). Locals assigned a
 * constant exactly once, outside any condition, are folded into what follows; `keep` names
 * (state variables) are never treated as constants.
 */
export function foldStatements(stmts: readonly Statement[], values: ReadonlyMap<string, number>, keep: ReadonlySet<string>): Statement[] {
  const assigned = new Map<string, number>();
  const count = (list: readonly Statement[]) => {
    for (const s of list) { if (s.kind === 'set') assigned.set(s.target, (assigned.get(s.target) ?? 0) + 1); else count(s.body); }
  };
  count(stmts);
  const known = new Map(values);
  const apply = (e: Expr) => foldExpr(substitute(e, (n) => (known.has(n) ? num(known.get(n)!) : undefined)));
  const walk = (list: readonly Statement[], top: boolean): Statement[] => list.map((s): Statement => {
    if (s.kind === 'if') return { kind: 'if', test: apply(s.test), body: walk(s.body, false) };
    const expr = apply(s.expr);
    if (top && expr.kind === 'num' && assigned.get(s.target) === 1 && !keep.has(s.target) && !values.has(s.target)) known.set(s.target, expr.value);
    return { kind: 'set', target: s.target, expr };
  });
  return walk(stmts, true);
}
