// The model language's parser: text to the expression tree (expression.ts), in the grammar and
// precedences of jsep as this project configured it before (tests/parse.test.ts holds the two
// equal), without a general JavaScript parser in every page or a change to a host's own jsep.
import { type BinaryOp, type Expr, FUNCTIONS, ModelError, type Source } from './expression.js';
import { F32_MAX } from '../spec/value_kinds.js';

/** Binding power of each binary operator; `**` and `^` (a power, not XOR) are right-associative. */
const PRECEDENCE: Readonly<Record<string, number>> = {
  '||': 1, '&&': 2, '==': 6, '!=': 6, '<': 7, '<=': 7, '>': 7, '>=': 7, '+': 9, '-': 9, '*': 10, '/': 10, '**': 11, '^': 11,
};
const isDigit = (c: string) => c >= '0' && c <= '9';
const isNameStart = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
const startsOperand = (c: string) => c !== '' && (isDigit(c) || isNameStart(c) || '.-!("\'['.includes(c));
/** Parser levels open at once (a parenthesis opens three, a power or a unary minus one or two): far below the stack's limit. */
const MAX_DEPTH = 1000;
const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r';

/** Parses one right-hand side; every error names the model, where, and the character and token. */
export function parseExpression(text: string, src: Source): Expr {
  let at = 0;
  const refuse = (what: string, token: string): never => {
    throw new ModelError(src.model, src.where, `${what} in '${text.trim()}'`, token);
  };
  // Positions count in the trimmed text the message shows.
  const lead = text.length - text.trimStart().length;
  const fail = (): never => {
    const token = text.slice(at).trim().split(/\s+/)[0] ?? '';
    throw new ModelError(src.model, src.where, `cannot parse '${text.trim()}' at character ${Math.max(0, at - lead) + 1}${token ? ` ('${token}')` : ''}`, token);
  };
  // Nesting deeper than any model needs is refused before it could exhaust the stack.
  let depth = 0;
  const enter = () => { if (++depth > MAX_DEPTH) refuse(`nested too deeply (more than ${MAX_DEPTH} levels of parentheses and operators)`, text.slice(at).trim().split(/\s+/)[0] ?? ''); };
  const skip = () => { while (at < text.length && isSpace(text[at]!)) at++; };
  const peek = () => { skip(); return text[at] ?? ''; };

  function number(): Expr {
    const from = at;
    while (isDigit(text[at] ?? '')) at++;
    if (text[at] === '.') { at++; while (isDigit(text[at] ?? '')) at++; }
    if (at - from === 1 && text[from] === '.') { at = from; fail(); }
    if (text[at] === 'e' || text[at] === 'E') {
      at++;
      if (text[at] === '+' || text[at] === '-') at++;
      const digits = at;
      while (isDigit(text[at] ?? '')) at++;
      if (at === digits) fail();
    }
    if (isNameStart(text[at] ?? '') || text[at] === '.') fail();
    const value = Number(text.slice(from, at).replace(/\.(?![0-9])/, ''));
    // Every number reaches the GPU as an f32: one past its range could not be compiled there.
    if (!(Math.abs(value) <= F32_MAX)) refuse(`does not fit an f32 (|x| ≤ ${F32_MAX.toPrecision(5)})`, text.slice(from, at));
    return { kind: 'num', value };
  }

  /** One expression, then `until` ('' for the end): anything else after it is named. */
  function whole(until: string): Expr {
    const separator = (c: string) => {
      if (c === ',') refuse("',' only separates a function's arguments", c);
      if (c === ';') refuse("';' is not part of the model language", c);
    };
    separator(peek());
    if (peek() === until) fail();
    const e = expression(), c = peek();
    if (c === until) return e;
    separator(c);
    if (startsOperand(c)) refuse('two expressions without an operator between them', text.slice(at).split(/\s+/)[0]!);
    return fail();
  }

  /** A name, a group or a call, with what may follow it ('(' calls a name; '.', '[' and '?.' are refused). */
  function postfix(node: Expr): Expr {
    for (let c = peek(); c === '(' || c === '.' || c === '[' || (c === '?' && text[at + 1] === '.'); c = peek()) {
      if (c !== '(') refuse("'.' and '[ ]' are not part of the model language", c);
      if (node.kind !== 'sym') refuse('only named functions can be called', '(');
      const fn = (node as { name: string }).name;
      at++;
      const args: Expr[] = [];
      while (peek() !== ')') {
        if (args.length > 0) { if (text[at] !== ',') fail(); at++; }
        if (at >= text.length || peek() === ')' || text[at] === ',') fail();
        args.push(expression());
      }
      at++;
      const arity = Object.hasOwn(FUNCTIONS, fn) ? FUNCTIONS[fn] : undefined;
      if (arity === undefined) refuse(`unknown function '${fn}' (known: ${Object.keys(FUNCTIONS).join(', ')})`, fn);
      if (args.length !== arity) refuse(`${fn} takes ${arity} argument${arity === 1 ? '' : 's'}, got ${args.length}`, fn);
      node = { kind: 'call', fn, args };
    }
    return node;
  }

  /** A number, a name, a group, a string (refused) or a unary operator on one of them. */
  function operand(): Expr {
    enter();
    try { return operandAt(peek()); } finally { depth--; }
  }

  function operandAt(c: string): Expr {
    if (c === '-' || c === '!') {
      at++;
      const arg = operand();
      if (c === '!') return { kind: 'not', arg };
      return arg.kind === 'num' ? { kind: 'num', value: -arg.value } : { kind: 'neg', arg };
    }
    if (isDigit(c) || c === '.') return number();
    if (isNameStart(c)) {
      const from = at;
      while (isNameStart(text[at] ?? '') || isDigit(text[at] ?? '')) at++;
      const name = text.slice(from, at);
      if (name === 'this') refuse("'this' is not a name a model can use", name);
      return postfix({ kind: 'sym', name });
    }
    if (c === '(') {
      at++;
      const inner = whole(')');
      at++;
      return postfix(inner);
    }
    if (c === '"' || c === "'") {
      const close = text.indexOf(c, at + 1);
      const raw = text.slice(at, close < 0 ? text.length : close + 1);
      refuse(`'${raw}' is not a number`, raw);
    }
    if (c === '[') refuse("'.' and '[ ]' are not part of the model language", c);
    return fail();
  }

  /** The binary operator at the cursor, longest first, or null. */
  function operator(): string | null {
    skip();
    const two = text.slice(at, at + 2);
    if (Object.hasOwn(PRECEDENCE, two)) return two;
    return Object.hasOwn(PRECEDENCE, text[at] ?? '') ? text[at]! : null;
  }

  /** Precedence climbing over the binary operators. */
  function binary(minPrecedence: number): Expr {
    enter();
    try { return climb(minPrecedence); } finally { depth--; }
  }

  function climb(minPrecedence: number): Expr {
    let left = operand();
    for (let op = operator(); op !== null && PRECEDENCE[op]! >= minPrecedence; op = operator()) {
      at += op.length;
      const p = PRECEDENCE[op]!;
      const right = binary(op === '**' || op === '^' ? p : p + 1);
      left = { kind: 'bin', op: (op === '^' ? '**' : op) as BinaryOp, left, right };
    }
    return left;
  }

  /** A binary expression, then `? a : b` (right-nested). */
  function expression(): Expr {
    enter();
    try { return conditional(); } finally { depth--; }
  }

  function conditional(): Expr {
    const test = binary(0);
    if (peek() !== '?') return test;
    at++;
    const then = expression();
    if (peek() !== ':') fail();
    at++;
    return { kind: 'if', test, then, else: expression() };
  }

  if (peek() === '') refuse('an empty expression', '');
  return whole('');
}
