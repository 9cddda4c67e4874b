// The expression tree every model is written in, and its parser: the few node kinds a model may
// use, anything else refused with the line and the token. Both emitters (WGSL, JavaScript and
// WebAssembly) and the integrators work on this tree (docs/equations.md).

export type BinaryOp = '+' | '-' | '*' | '/' | '**' | '<' | '<=' | '>' | '>=' | '==' | '!=' | '&&' | '||';
export type Expr =
  | { kind: 'num'; value: number }
  | { kind: 'sym'; name: string }
  | { kind: 'neg'; arg: Expr }
  | { kind: 'not'; arg: Expr }
  | { kind: 'bin'; op: BinaryOp; left: Expr; right: Expr }
  | { kind: 'call'; fn: string; args: Expr[] }
  | { kind: 'if'; test: Expr; then: Expr; else: Expr };

/** Functions a model may call, with their argument counts (emitted by both emitters). */
export const FUNCTIONS: Readonly<Record<string, number>> = {
  exp: 1, log: 1, sqrt: 1, abs: 1, sin: 1, cos: 1, tan: 1, tanh: 1, sinh: 1, cosh: 1,
  floor: 1, ceil: 1, sign: 1, pow: 2, min: 2, max: 2, clip: 3,
  /** (exp(x) − 1)/x, continued at 0 (Brian2's exprel): the removable singularities of HH rates. */
  exprel: 1,
};

const COMPARISONS = new Set(['<', '<=', '>', '>=', '==', '!=']);

/** A model's equation, threshold or reset that cannot be compiled: names the model, the line and the token. */
export class ModelError extends Error {
  constructor(readonly model: string, readonly where: string, readonly detail: string, readonly token?: string) {
    super(`model '${model}', ${where}: ${detail}`);
    this.name = 'ModelError';
  }
}

/** Where a piece of text sits in a declaration, for error messages: e.g. "equations line 3". */
export interface Source { model: string; where: string }

/** Every symbol an expression reads. */
export function symbols(e: Expr, out = new Set<string>()): Set<string> {
  switch (e.kind) {
    case 'sym': out.add(e.name); break;
    case 'neg': case 'not': symbols(e.arg, out); break;
    case 'bin': symbols(e.left, out); symbols(e.right, out); break;
    case 'call': for (const a of e.args) symbols(a, out); break;
    case 'if': symbols(e.test, out); symbols(e.then, out); symbols(e.else, out); break;
  }
  return out;
}

/** True for expressions whose value is a boolean (conditions), false for numbers. */
export function isBoolean(e: Expr): boolean {
  return e.kind === 'not' || (e.kind === 'bin' && (COMPARISONS.has(e.op) || e.op === '&&' || e.op === '||'));
}

export const num = (value: number): Expr => ({ kind: 'num', value });
export const sym = (name: string): Expr => ({ kind: 'sym', name });
export const bin = (op: BinaryOp, left: Expr, right: Expr): Expr => ({ kind: 'bin', op, left, right });

/** Replaces symbols by expressions (a stage's values, a neuron's constants). */
export function substitute(e: Expr, map: (name: string) => Expr | undefined): Expr {
  switch (e.kind) {
    case 'sym': return map(e.name) ?? e;
    case 'num': return e;
    case 'neg': case 'not': return { kind: e.kind, arg: substitute(e.arg, map) };
    case 'bin': return { kind: 'bin', op: e.op, left: substitute(e.left, map), right: substitute(e.right, map) };
    case 'call': return { kind: 'call', fn: e.fn, args: e.args.map((a) => substitute(a, map)) };
    case 'if': return { kind: 'if', test: substitute(e.test, map), then: substitute(e.then, map), else: substitute(e.else, map) };
  }
}
