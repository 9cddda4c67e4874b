// Small symbolic algebra on expression trees: simplifying constructors and the split of a
// right-hand side into a + b·x that exponential Euler needs (docs/equations.md#exponential-euler).
import { type Expr, bin, num, symbols } from './expression.js';

const isNum = (e: Expr, v: number) => e.kind === 'num' && e.value === v;

export function add(a: Expr, b: Expr): Expr {
  if (isNum(a, 0)) return b;
  if (isNum(b, 0)) return a;
  return bin('+', a, b);
}

export function sub(a: Expr, b: Expr): Expr {
  if (isNum(b, 0)) return a;
  if (isNum(a, 0)) return neg(b);
  return bin('-', a, b);
}

export function neg(a: Expr): Expr {
  if (a.kind === 'num') return num(-a.value);
  if (a.kind === 'neg') return a.arg;
  return { kind: 'neg', arg: a };
}

export function mul(a: Expr, b: Expr): Expr {
  if (isNum(a, 0) || isNum(b, 0)) return num(0);
  if (isNum(a, 1)) return b;
  if (isNum(b, 1)) return a;
  if (isNum(a, -1)) return neg(b);
  if (isNum(b, -1)) return neg(a);
  return bin('*', a, b);
}

export function div(a: Expr, b: Expr): Expr {
  if (isNum(a, 0)) return num(0);
  if (isNum(b, 1)) return a;
  return bin('/', a, b);
}

/** a + b·x with a and b free of x, or null when `e` is not linear in x. */
export function linearSplit(e: Expr, x: string): { a: Expr; b: Expr } | null {
  if (!symbols(e).has(x)) return { a: e, b: num(0) };
  switch (e.kind) {
    case 'sym': return { a: num(0), b: num(1) };
    case 'neg': {
      const s = linearSplit(e.arg, x);
      return s && { a: neg(s.a), b: neg(s.b) };
    }
    case 'bin': {
      if (e.op === '+' || e.op === '-') {
        const l = linearSplit(e.left, x), r = linearSplit(e.right, x);
        if (!l || !r) return null;
        return e.op === '+' ? { a: add(l.a, r.a), b: add(l.b, r.b) } : { a: sub(l.a, r.a), b: sub(l.b, r.b) };
      }
      if (e.op === '*') {
        const leftFree = !symbols(e.left).has(x), rightFree = !symbols(e.right).has(x);
        if (leftFree) { const r = linearSplit(e.right, x); return r && { a: mul(e.left, r.a), b: mul(e.left, r.b) }; }
        if (rightFree) { const l = linearSplit(e.left, x); return l && { a: mul(l.a, e.right), b: mul(l.b, e.right) }; }
        return null;
      }
      if (e.op === '/' && !symbols(e.right).has(x)) {
        const l = linearSplit(e.left, x);
        return l && { a: div(l.a, e.right), b: div(l.b, e.right) };
      }
      return null;
    }
    default: return null;
  }
}
