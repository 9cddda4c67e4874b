// The model language's parser (src/equations/parse.ts) against jsep, which parsed it before:
// jsep configured as this project configured it, and its tree converted as it was, is the oracle.
// Every string either both refuse, or both read as the same tree (property-based, fast-check).
import fc from 'fast-check';
import jsep from 'jsep';
import { describe, expect, test } from 'vitest';
import { type BinaryOp, type Expr, FUNCTIONS, ModelError } from '../src/equations/expression';
import { parseExpression } from '../src/equations/parse';
import { F32_MAX } from '../src/spec/value_kinds';

for (const op of ['^', '|', '&', '<<', '>>', '>>>', '===', '!==', '%', '??']) jsep.removeBinaryOp(op);
jsep.addBinaryOp('**', 11, true);
jsep.addBinaryOp('^', 11, true);
for (const op of ['~', '+']) jsep.removeUnaryOp(op);
jsep.removeAllLiterals();

const ALLOWED = new Set(['+', '-', '*', '/', '**', '^', '&&', '||', '<', '<=', '>', '>=', '==', '!=']);
/** jsep's tree as the model language kept it, or null where it was refused. */
function oracle(text: string): Expr | null {
  let node: jsep.Expression;
  try { node = jsep(text); } catch { return null; }
  const convert = (n: jsep.Expression): Expr => {
    switch (n.type) {
      case 'Literal': {
        const value = (n as jsep.Literal).value;
        if (typeof value !== 'number') throw new Error('not a number');
        return { kind: 'num', value };
      }
      case 'Identifier': return { kind: 'sym', name: (n as jsep.Identifier).name };
      case 'UnaryExpression': {
        const u = n as jsep.UnaryExpression, arg = convert(u.argument);
        if (u.operator === '-') return arg.kind === 'num' ? { kind: 'num', value: -arg.value } : { kind: 'neg', arg };
        if (u.operator === '!') return { kind: 'not', arg };
        throw new Error('operator');
      }
      case 'BinaryExpression': {
        const b = n as jsep.BinaryExpression;
        if (!ALLOWED.has(b.operator)) throw new Error('operator');
        return { kind: 'bin', op: (b.operator === '^' ? '**' : b.operator) as BinaryOp, left: convert(b.left), right: convert(b.right) };
      }
      case 'CallExpression': {
        const c = n as jsep.CallExpression;
        if (c.callee.type !== 'Identifier') throw new Error('callee');
        const fn = (c.callee as jsep.Identifier).name;
        if (!Object.hasOwn(FUNCTIONS, fn) || c.arguments.length !== FUNCTIONS[fn]) throw new Error('function');
        return { kind: 'call', fn, args: c.arguments.map(convert) };
      }
      case 'ConditionalExpression': {
        const c = n as jsep.ConditionalExpression;
        return { kind: 'if', test: convert(c.test), then: convert(c.consequent), else: convert(c.alternate) };
      }
      default: throw new Error(n.type);
    }
  };
  try { return convert(node); } catch { return null; }
}

const src = { model: 'm', where: 'test' };
function ours(text: string, refused: (message: string) => void = () => {}): Expr | null {
  try { return parseExpression(text, src); } catch (e) {
    expect(e, text).toBeInstanceOf(ModelError);  // never a TypeError or a RangeError from the parser itself
    refused((e as Error).message);
    return null;
  }
}
const hasNumber = (e: Expr, which: (x: number) => boolean): boolean => {
  let found = false;
  JSON.stringify(e, (_, v: unknown) => { if (typeof v === 'number' && which(v)) found = true; return v; });
  return found || JSON.stringify(e).includes('null');  // JSON writes ±Infinity and NaN as null
};
/**
 * Where jsep read a NaN (`.e5`), a number past the f32 range (`1e39`), or skipped a ',' or ';'
 * outside a call (`a;`, `(a,)`), this parser refuses.
 */
function agree(text: string): void {
  const want = oracle(text);
  let refusal = '';
  const got = ours(text, (m) => { refusal = m; });
  if (want !== null && hasNumber(want, Number.isNaN)) expect(got, `'${text}': jsep reads a NaN here, which is refused`).toBeNull();
  else if (want !== null && got === null) {
    expect(refusal, `'${text}'`).toMatch(/only separates a function's arguments|';' is not part of the model language|does not fit an f32/);
    if (/does not fit an f32/.test(refusal)) expect(hasNumber(want, (x) => !(Math.abs(x) <= F32_MAX)), `'${text}'`).toBe(true);
  } else expect(got, `'${text}'`).toEqual(want);
}

const TOKENS = ['a', 'b', 'x1', 'exp', 'pow', 'clip', 'foo', 'this', 'e', '2', '0.5', '.5', '1e3', '1.', '3e-2', '.', '+', '-', '*', '/', '**', '^',
  '<', '<=', '>', '>=', '==', '!=', '=', '&&', '||', '!', '&', '%', '?', ':', '(', ')', ',', ';', '[', ']', '"q"', "'", ' '];

describe('the parser reads the model language as jsep did', () => {
  test('token soup: both refuse, or both read the same tree', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...TOKENS), { minLength: 0, maxLength: 14 }), fc.boolean(), (tokens, spaced) => {
      agree(tokens.join(spaced ? ' ' : ''));
    }), { numRuns: 20_000 });
  });

  const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
    e: fc.oneof({ depthSize: 'small', withCrossShrink: true },
      fc.constantFrom('v', 'tau', 'g_na', '1', '2.5', '1e-3', '.25', '0'),
      fc.tuple(fc.constantFrom('-', '!', '- '), tie('e')).map(([u, a]) => u + a),
      fc.tuple(tie('e'), fc.constantFrom(...ALLOWED), tie('e'), fc.constantFrom('', ' ')).map(([l, op, r, s]) => l + s + op + s + r),
      fc.tuple(tie('e'), tie('e'), tie('e')).map(([t, a, b]) => `${t} ? ${a} : ${b}`),
      tie('e').map((a) => `(${a})`),
      fc.tuple(fc.constantFrom('exp', 'min', 'clip', 'exprel'), fc.array(tie('e'), { minLength: 1, maxLength: 3 })).map(([f, args]) => `${f}(${args.join(', ')})`),
    ),
  })).e;
  test('generated expressions: the same tree, precedence, associativity and unary minus included', () => {
    fc.assert(fc.property(expr, agree), { numRuns: 5_000 });
  });

  test.each([
    '-2 ** 2', '2 ^ 3 ^ 2', '2 ** -2 ** 2', 'a < b < c', '!a && b || c', 'a ? b ? c : d : e ? f : g', '(f)(x)', 'exp(x).y', 'a;', '(a,)', '1.e5',
    'a === b', 'a - -b', '-(-2)', 'clip(v, -1, 1) * exprel(-v / 10)', 'x > 1 ? 10 : 20', '.e5', '5e', '2(3)', 'a?.b', '((v + 65) * (v - v_c) / 15 + I / tau',
  ])('%s', (text) => agree(text));
});

describe('its messages name the character and the token', () => {
  test.each([
    [' ((v + 65) * (v - v_c) / 15 + I / tau', /cannot parse '.*' at character 37$/],  // counted in the text shown
    ['  v + * 2', /cannot parse 'v \+ \* 2' at character 5 \('\*'\)/],
    ['(v; 1)', /';' is not part of the model language/],
    ['('.repeat(5000) + 'v' + ')'.repeat(5000), /nested too deeply \(more than 1000 levels/],
    [Array(20_000).fill('v').join(' ** '), /nested too deeply/],
    [Array(20_000).fill('-').join('') + 'v', /nested too deeply/],
    ['v + * 2', /cannot parse 'v \+ \* 2' at character 5 \('\*'\)/],
    ['v v', /two expressions without an operator between them/],
    ['v % 2', /at character 3 \('%'\)/],
    ['', /an empty expression/],
    ["'mV'", /''mV'' is not a number/],
    ['v[0]', /'\.' and '\[ \]' are not part of the model language/],
    ['exp(1)(2)', /only named functions can be called/],
    ['(v, 1)', /',' only separates a function's arguments/],
    ['exp(1, 2)', /exp takes 1 argument, got 2/],
  ])('%s', (text, message) => {
    expect(() => parseExpression(text, src)).toThrow(message);
  });
});
