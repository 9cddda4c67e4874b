// The expression tree every model is written in: jsep parses a line's right-hand side, and the
// few node kinds a model may use are kept; anything else is refused with the line and the token.
// Both emitters (WGSL and JavaScript) and the integrators work on this tree (docs/equations.md).
import jsep from 'jsep';

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
const ALLOWED_BINARY = new Set(['+', '-', '*', '/', '**', '^', '&&', '||', ...COMPARISONS]);

// Mathematical notation: `^` and `**` are powers (right-associative, above * and /), not XOR.
for (const op of ['^', '|', '&', '<<', '>>', '>>>', '===', '!==', '%', '??']) jsep.removeBinaryOp(op);
jsep.addBinaryOp('**', 11, true);
jsep.addBinaryOp('^', 11, true);
for (const op of ['~', '+']) jsep.removeUnaryOp(op);
jsep.removeAllLiterals();

/** A model's equation, threshold or reset that cannot be compiled: names the model, the line and the token. */
export class ModelError extends Error {
  constructor(readonly model: string, readonly where: string, readonly detail: string, readonly token?: string) {
    super(`model '${model}', ${where}: ${detail}`);
    this.name = 'ModelError';
  }
}

/** Where a piece of text sits in a declaration, for error messages: e.g. "equations line 3". */
export interface Source { model: string; where: string }

export function parseExpression(text: string, src: Source): Expr {
  let node: jsep.Expression;
  try {
    node = jsep(text);
  } catch (e) {
    const err = e as Error & { index?: number };
    const at = err.index ?? 0;
    const token = text.slice(at).trim().split(/\s+/)[0] ?? '';
    throw new ModelError(src.model, src.where, `cannot parse '${text.trim()}' at character ${at + 1}${token ? ` ('${token}')` : ''}`, token);
  }
  return convert(node, text, src);
}

function convert(node: jsep.Expression, text: string, src: Source): Expr {
  const refuse = (what: string, token: string): never => {
    throw new ModelError(src.model, src.where, `${what} in '${text.trim()}'`, token);
  };
  switch (node.type) {
    case 'Literal': {
      const value = (node as jsep.Literal).value;
      if (typeof value !== 'number') refuse(`'${(node as jsep.Literal).raw}' is not a number`, String((node as jsep.Literal).raw));
      return { kind: 'num', value: value as number };
    }
    case 'Identifier': return { kind: 'sym', name: (node as jsep.Identifier).name };
    case 'UnaryExpression': {
      const u = node as jsep.UnaryExpression;
      const arg = convert(u.argument, text, src);
      if (u.operator === '-') return arg.kind === 'num' ? { kind: 'num', value: -arg.value } : { kind: 'neg', arg };
      if (u.operator === '!') return { kind: 'not', arg };
      return refuse(`unsupported operator '${u.operator}'`, u.operator);
    }
    case 'BinaryExpression': {
      const b = node as jsep.BinaryExpression;
      if (!ALLOWED_BINARY.has(b.operator)) refuse(`unsupported operator '${b.operator}'`, b.operator);
      const op = (b.operator === '^' ? '**' : b.operator) as BinaryOp;
      return { kind: 'bin', op, left: convert(b.left, text, src), right: convert(b.right, text, src) };
    }
    case 'CallExpression': {
      const c = node as jsep.CallExpression;
      if (c.callee.type !== 'Identifier') return refuse('only named functions can be called', '(');
      const fn = (c.callee as jsep.Identifier).name;
      const arity = Object.hasOwn(FUNCTIONS, fn) ? FUNCTIONS[fn] : undefined;
      if (arity === undefined) refuse(`unknown function '${fn}' (known: ${Object.keys(FUNCTIONS).join(', ')})`, fn);
      if (c.arguments.length !== arity) refuse(`${fn} takes ${arity} argument${arity === 1 ? '' : 's'}, got ${c.arguments.length}`, fn);
      return { kind: 'call', fn, args: c.arguments.map((a) => convert(a, text, src)) };
    }
    case 'ConditionalExpression': {
      const c = node as jsep.ConditionalExpression;
      return { kind: 'if', test: convert(c.test, text, src), then: convert(c.consequent, text, src), else: convert(c.alternate, text, src) };
    }
    case 'Compound': return refuse('two expressions without an operator between them', text.trim().split(/\s+/)[1] ?? '');
    case 'MemberExpression': return refuse("'.' and '[ ]' are not part of the model language", '.');
    default: return refuse(`unsupported syntax (${node.type})`, node.type);
  }
}

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
