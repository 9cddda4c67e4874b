// The WebAssembly SIMD emitter (src/equations/emit_wasm.ts) and its encoder: opcodes read back by
// wabt by name; arithmetic, conditions and guarded blocks bit for bit what the JavaScript emitter
// computes (generated expressions, fast-check); exp and exprel within stated ulp of Math's; and
// every built-in model's step through it against the JavaScript loop.
import fc from 'fast-check';
import wabtInit from 'wabt';
import { describe, expect, test } from 'vitest';
import { wasmStep } from '../src/equations/emit_wasm';
import { compileJs, jsStatements } from '../src/equations/emit';
import type { Expr } from '../src/equations/expression';
import { parseExpression } from '../src/equations/parse';
import type { Statement } from '../src/equations/model';
import { Code, SIMD, type SimdOp, V128, I32, wasmModule } from '../src/equations/wasm_encode';

const parse = (text: string) => parseExpression(text, { model: 'test', where: 'test' });
const BLOCK = 256;

/** Runs statements over `inputs` (arrays of BLOCK values) through the module; returns each output's values. */
function viaWasm(stmts: Statement[], inputs: Record<string, Float64Array>, outputs: string[]): Float64Array[] | null {
  const names = Object.keys(inputs);
  const built = wasmStep(stmts, names, outputs, BLOCK);
  if (!built) return null;
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(built.bytes), {}) as unknown as { exports: { step(n: number): void; memory: WebAssembly.Memory } };
  const W = new Float64Array(exports.memory.buffer);
  names.forEach((n, k) => W.set(inputs[n]!, k * BLOCK));
  exports.step(BLOCK);
  return outputs.map((n) => W.slice(built.layout.outputs.get(n)! * BLOCK, (built.layout.outputs.get(n)! + 1) * BLOCK));
}

/** The same statements as the JavaScript emitter writes them, per value. */
function viaJs(stmts: Statement[], inputs: Record<string, Float64Array>, outputs: string[]): Float64Array[] {
  const names = Object.keys(inputs);
  const body = [...names.map((n, k) => `let ${n}_ = _in[${k}][_i];`), ...jsStatements(stmts, 'f64', () => undefined, new Set(names), ''),
    ...outputs.map((n, k) => `_out[${k}][_i] = ${n.startsWith('_') ? n : `${n}_`};`)].join('\n');
  const f = compileJs<(_in: Float64Array[], _out: Float64Array[], _i: number) => void>(['_in', '_out', '_i'], body);
  const out = outputs.map(() => new Float64Array(BLOCK));
  for (let i = 0; i < BLOCK; i++) f(names.map((n) => inputs[n]!), out, i);
  return out;
}

const ulps = (a: number, b: number) => (Object.is(a, b) ? 0 : Math.abs(a - b) / (Math.abs(b) * 2 ** -52));

describe('the encoder', () => {
  test('every SIMD opcode it writes reads back under its own name (wabt)', async () => {
    const wabt = await wabtInit();
    const c = new Code(1), v = [c.local(V128), c.local(V128), c.local(V128)], n = c.local(I32);
    const unary = ['not', 'f64x2.ceil', 'f64x2.floor', 'f64x2.abs', 'f64x2.neg', 'f64x2.sqrt'];
    const used: string[] = [];
    for (const op of Object.keys(SIMD) as SimdOp[]) {
      if (op === 'load' || op === 'store' || op === 'const') continue;
      const args = op === 'bitselect' ? 3 : unary.includes(op) || op.endsWith('true') ? 1 : 2;
      for (let k = 0; k < args; k++) (op.startsWith('i64x2.sh') && k === 1 ? c.i32(3) : c.get(v[k]!));
      c.simd(op);
      if (op.endsWith('true')) c.set(n); else c.set(v[0]!);
      used.push(op === 'any_true' ? 'v128.any_true' : op.includes('.') ? op : `v128.${op}`);
    }
    c.get(0).load(32).set(v[1]!).get(0).get(v[1]!).store(48).f64x2(1.5).set(v[2]!);
    used.push('v128.load', 'v128.store', 'v128.const');
    const module = wabt.readWasm(wasmModule('f', c, 1), { readDebugNames: false });
    module.validate();
    const text = module.toText({});
    const seen = [...text.matchAll(/\b((?:f64x2|i64x2|v128)\.[a-z_]+)/g)].map((m) => m[1]);
    expect(seen).toEqual(used);
    expect(text).toContain('v128.load offset=32');
  });
});

describe('arithmetic and conditions: bit for bit the JavaScript emitter', () => {
  const leaf = fc.oneof(fc.constant('x'), fc.constant('y'), fc.double({ min: -50, max: 50, noNaN: true }).map((d) => `(${d})`));
  const expr = fc.letrec<{ e: string }>((tie) => ({
    e: fc.oneof({ depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.tuple(tie('e'), fc.constantFrom('+', '-', '*', '/'), tie('e')).map(([a, op, b]) => `(${a} ${op} ${b})`),
      fc.tuple(fc.constantFrom('min', 'max'), tie('e'), tie('e')).map(([f, a, b]) => `${f}(${a}, ${b})`),
      fc.tuple(fc.constantFrom('abs', 'sqrt', 'floor', 'ceil', '-'), tie('e')).map(([f, a]) => (f === '-' ? `(-${a})` : `${f}(${a})`)),
      fc.tuple(tie('e'), fc.constantFrom(2, 3, 4, -1, -2, 0)).map(([a, k]) => `(${a}) ** ${k}`),
      fc.tuple(tie('e'), tie('e'), tie('e')).map(([a, b, d]) => `clip(${a}, ${b}, ${d})`),
      fc.tuple(tie('e'), fc.constantFrom('<', '<=', '>', '>=', '==', '!='), tie('e'), tie('e'), tie('e'), fc.constantFrom('&&', '||'))
        .map(([a, cmp, b, t, f, join]) => `(((${a} ${cmp} ${b}) ${join} !(${t} > ${f})) ? ${t} : ${f})`),
    ),
  })).e;
  const values = () => ({
    x: Float64Array.from({ length: BLOCK }, (_, i) => (i < 8 ? [0, -0, 1, -1, Infinity, -Infinity, NaN, 1e-310][i]! : (i * 7.31) % 23 - 11)),
    y: Float64Array.from({ length: BLOCK }, (_, i) => (i * 3.17) % 13 - 6),
  });

  test('300 generated expressions (operators, min/max/clip, abs/sqrt/floor/ceil, whole powers, comparisons, && || !, ?:)', () => {
    fc.assert(fc.property(expr, (text) => {
      const stmts: Statement[] = [{ kind: 'set', target: 'z', expr: parse(text) }];
      const wasm = viaWasm(stmts, values(), ['z']), js = viaJs(stmts, values(), ['z']);
      expect(wasm, text).not.toBeNull();
      for (let i = 0; i < BLOCK; i++) if (!Object.is(wasm![0]![i], js[0]![i])) return false;
      return true;
    }), { numRuns: 300 });
  });

  test('guarded blocks, nested: lanes outside the guard keep their values', () => {
    const stmts: Statement[] = [
      { kind: 'set', target: 'z', expr: parse('x * 2') },
      { kind: 'set', target: 'w', expr: parse('y') },
      { kind: 'if', test: parse('x > 0'), body: [
        { kind: 'set', target: 'z', expr: parse('z + 100') },
        { kind: 'if', test: parse('y < 0'), body: [{ kind: 'set', target: 'w', expr: parse('w - 1000') }] },
      ] },
      { kind: 'set', target: 'b', expr: parse('z > 50 && w < -900') },
      { kind: 'set', target: 'c', expr: parse('b ? 1 : 0') },
    ];
    const [z, w, c] = viaWasm(stmts, values(), ['z', 'w', 'c'])!, js = viaJs(stmts, values(), ['z', 'w', 'c']);
    expect(Array.from(z!)).toEqual(Array.from(js[0]!));
    expect(Array.from(w!)).toEqual(Array.from(js[1]!));
    expect(Array.from(c!)).toEqual(Array.from(js[2]!));
    expect(c!.filter((v) => v === 1).length).toBeGreaterThan(10);
  });

  test('−0 and 0 constants stay apart as the JavaScript emitter keeps them (it writes both as 0)', () => {
    const stmts: Statement[] = [{ kind: 'set', target: 'a', expr: parse('x * -0') }, { kind: 'set', target: 'b', expr: parse('x * 0') }];
    const wasm = viaWasm(stmts, values(), ['a', 'b'])!, js = viaJs(stmts, values(), ['a', 'b']);
    for (const k of [0, 1]) for (let i = 0; i < BLOCK; i++) expect(Object.is(wasm[k]![i], js[k]![i]), `${k} ${i}`).toBe(true);
  });

  test('what it cannot express is left to JavaScript: other functions, a condition as a number', () => {
    for (const text of ['log(x)', 'pow(x, 2.5)', 'x ** 1.5', 'tanh(x)', '(x > 0) * 2']) {
      expect(viaWasm([{ kind: 'set', target: 'z', expr: parse(text) }], values(), ['z']), text).toBeNull();
    }
  });
});

describe('exp and exprel', () => {
  const run = (fn: string, xs: number[]) => {
    const out: number[] = [];
    for (let k = 0; k < xs.length; k += BLOCK) {
      const x = new Float64Array(BLOCK);
      x.set(xs.slice(k, k + BLOCK));
      out.push(...viaWasm([{ kind: 'set', target: 'z', expr: { kind: 'call', fn, args: [{ kind: 'sym', name: 'x' }] } as Expr }], { x }, ['z'])![0]!.slice(0, Math.min(BLOCK, xs.length - k)));
    }
    return out;
  };
  const exprel = (x: number) => (x === 0 ? 1 : Math.expm1(x) / x);
  const spread = (lo: number, hi: number, n = 20000) => Array.from({ length: n }, (_, i) => lo + ((hi - lo) * ((i * 0.6180339887) % 1)));

  test('exp within 2 ulp of Math.exp from −708 to 709.7 (normal results; measured 1.9); 0, ∞, NaN at the edges', () => {
    for (const [lo, hi] of [[-1, 1], [-40, 40], [-708, 709.7]] as const) {
      const xs = spread(lo, hi), got = run('exp', xs);
      expect(Math.max(...xs.map((x, i) => ulps(got[i]!, Math.exp(x)))), `[${lo}, ${hi}]`).toBeLessThanOrEqual(2);
    }
    expect(run('exp', [0, -0, Infinity, -Infinity, NaN, 710, -746, -1000, 1000])).toEqual([1, 1, Infinity, 0, NaN, Infinity, 0, 0, Infinity]);
  });

  test('exprel within 5 ulp of expm1(x)/x (its series below |x| = 1/2, then (e^x − 1)/x; measured 4.1); 1 at 0, NaN for NaN and +∞, 0 at −∞', () => {
    for (const [lo, hi] of [[-0.6, 0.6], [-1e-6, 1e-6], [-5, 5], [-700, 700]] as const) {
      const xs = spread(lo, hi), got = run('exprel', xs);
      expect(Math.max(...xs.map((x, i) => ulps(got[i]!, exprel(x)))), `[${lo}, ${hi}]`).toBeLessThanOrEqual(5);
    }
    // Pairs with one lane each side of 1/2 take the mixed path.
    const mixed = [0.1, 3, -0.2, -2, 0.49, 0.51, -0.51, -0.49];
    run('exprel', mixed).forEach((v, i) => expect(ulps(v, exprel(mixed[i]!))).toBeLessThanOrEqual(5));
    expect(run('exprel', [0, -0, NaN, Infinity, -Infinity, 710])).toEqual([1, 1, NaN, NaN, 0, Infinity]);
  });
});
