// The third emitter: a model's step as WebAssembly SIMD over two neurons at a time, for the CPU
// backend in f64 (docs/equations.md#emitters). Arithmetic is IEEE f64 per lane, as JavaScript's;
// exp and exprel are inlined polynomials within a few ulp of Math.exp and expm1(x)/x; conditions
// are lane masks, and a guarded block assigns under its mask. What it cannot express (other
// functions, booleans used as numbers) returns null, and the step stays JavaScript.
import { Code, I32, type SimdOp, V128, wasmModule } from './wasm_encode.js';
import type { Expr } from './expression.js';
import { productPower } from './emit.js';
import type { Statement } from './model.js';

class Unsupported extends Error {}

/** Where a block's values live: one array of `block` f64 per slot, slot k at byte k · 8 · block. */
export interface WasmStepLayout {
  /** Slots loaded into the named locals before the statements (state variables, the input, …). */
  inputs: ReadonlyMap<string, number>;
  /** Slots the named locals are stored to after them (state variables, the spike mask). */
  outputs: ReadonlyMap<string, number>;
}

const ARITHMETIC: Readonly<Record<string, SimdOp>> = { '+': 'f64x2.add', '-': 'f64x2.sub', '*': 'f64x2.mul', '/': 'f64x2.div' };
const COMPARE: Readonly<Record<string, SimdOp>> = { '<': 'f64x2.lt', '<=': 'f64x2.le', '>': 'f64x2.gt', '>=': 'f64x2.ge', '==': 'f64x2.eq', '!=': 'f64x2.ne' };
const UNARY: Readonly<Record<string, SimdOp>> = { sqrt: 'f64x2.sqrt', abs: 'f64x2.abs', floor: 'f64x2.floor', ceil: 'f64x2.ceil' };
/** 1/n! for n = 0 … 16: e^r's Taylor series (to n = 13), and from n = 1 on exprel's. */
const INVERSE_FACTORIAL = Array.from({ length: 17 }, (_, n) => { let f = 1; for (let k = 2; k <= n; k++) f *= k; return 1 / f; });
/** Below this |x|, exprel's series (to x¹⁵, truncation under 1e-19); above, (e^x − 1)/x loses at most 1.5 bits. */
const EXPREL_SERIES = 0.5;
const LOG2E = 1.4426950408889634, LN2_HI = 0.6931471803691238, LN2_LO = 1.9082149292705877e-10;
/** 1.5 · 2⁵²: adding it rounds to an integer held in the low mantissa bits. */
const SHIFT = 6755399441055744, SHIFT_BITS = 0x4338000000000000n;

type Kind = 'num' | 'mask';

class StepEmitter {
  readonly code = new Code(1);
  private readonly at: number;
  private readonly locals = new Map<string, { index: number; kind: Kind }>();
  private readonly constants = new Map<number | string, number>();
  private readonly prologue = new Code(1);
  /** The mask of the guarded block being emitted (a local), or null outside one. */
  private mask: number | null = null;

  constructor() {
    this.at = this.code.local(I32);
  }

  /** A constant, splatted once before the loop into a local (re-materialising it each turn is slow in V8). */
  private constant(value: number): void {
    // −0 keeps its sign, as the other emitters write it (1 / −0 is −inf); a Map alone would give 0 and −0 one local.
    const key = Object.is(value, -0) ? '-0' : value;
    let i = this.constants.get(key);
    if (i === undefined) {
      i = this.code.local(V128);
      this.constants.set(key, i);
      this.prologue.f64x2(value).set(i);
    }
    this.code.get(i);
  }

  private temp(): number { return this.code.local(V128); }

  /** Emits e; its value (two f64 lanes, or two lane masks) is left on the stack. */
  expr(e: Expr): Kind {
    const c = this.code;
    const num = (x: Expr) => { if (this.expr(x) !== 'num') throw new Unsupported('a condition used as a number'); };
    const bool = (x: Expr) => { if (this.expr(x) !== 'mask') throw new Unsupported('a number used as a condition'); };
    switch (e.kind) {
      case 'num': this.constant(e.value); return 'num';
      case 'sym': {
        const l = this.locals.get(e.name);
        // Shared parameters and dt are folded into numbers before this (fold.ts): any other name is not a local.
        if (!l) throw new Unsupported(`symbol ${e.name}`);
        c.get(l.index);
        return l.kind;
      }
      case 'neg': num(e.arg); c.simd('f64x2.neg'); return 'num';
      case 'not': bool(e.arg); c.simd('not'); return 'mask';
      case 'if': num(e.then); num(e.else); bool(e.test); c.simd('bitselect'); return 'num';
      case 'bin': {
        if (e.op === '&&' || e.op === '||') { bool(e.left); bool(e.right); c.simd(e.op === '&&' ? 'and' : 'or'); return 'mask'; }
        if (e.op === '**') { this.power(e.left, e.right); return 'num'; }
        num(e.left); num(e.right);
        if (COMPARE[e.op]) { c.simd(COMPARE[e.op]!); return 'mask'; }
        c.simd(ARITHMETIC[e.op]!);
        return 'num';
      }
      case 'call': {
        const [a, b, d] = e.args;
        if (UNARY[e.fn]) { num(a!); c.simd(UNARY[e.fn]!); return 'num'; }
        if (e.fn === 'min' || e.fn === 'max') { num(a!); num(b!); c.simd(e.fn === 'min' ? 'f64x2.min' : 'f64x2.max'); return 'num'; }
        if (e.fn === 'clip') { num(a!); num(b!); c.simd('f64x2.max'); num(d!); c.simd('f64x2.min'); return 'num'; }
        if (e.fn === 'exp') { num(a!); this.exp(); return 'num'; }
        if (e.fn === 'exprel') { num(a!); this.exprel(); return 'num'; }
        throw new Unsupported(`function ${e.fn}`);
      }
    }
  }

  /** Whole powers up to 4 as the JavaScript emitter writes them: x·x, (x·x)·x, (x·x)·(x·x), and 1/that for negative ones. */
  private power(base: Expr, exponent: Expr): void {
    const n = productPower(exponent);
    if (n === null) throw new Unsupported('power');
    const c = this.code;
    if (n === 0) { this.constant(1); return; }
    if (n < 0) this.constant(1);
    if (this.expr(base) !== 'num') throw new Unsupported('power of a condition');
    const k = Math.abs(n), x = this.temp();
    c.set(x);
    if (k === 1) c.get(x);
    else if (k === 2) c.get(x).get(x).simd('f64x2.mul');
    else if (k === 3) c.get(x).get(x).simd('f64x2.mul').get(x).simd('f64x2.mul');
    else { const y = this.temp(); c.get(x).get(x).simd('f64x2.mul').tee(y).get(y).simd('f64x2.mul'); }
    if (n < 0) c.simd('f64x2.div');
  }

  /** Σ coef[n]·x^n in Estrin's scheme (pairs c0 + c1·x combined by x², x⁴, x⁸): a shorter dependency chain than Horner's. */
  private polynomial(coef: readonly number[], x: number): void {
    const c = this.code;
    const powers = [x];
    let terms: (() => void)[] = [];
    for (let k = 0; k < coef.length; k += 2) {
      const [c0, c1] = [coef[k]!, coef[k + 1]];
      terms.push(c1 === undefined ? () => this.constant(c0) : () => { this.constant(c0); this.constant(c1); c.get(x).simd('f64x2.mul').simd('f64x2.add'); });
    }
    for (let level = 0; terms.length > 1; level++) {
      const p = this.temp();
      c.get(powers[level]!).get(powers[level]!).simd('f64x2.mul').set(p);
      powers.push(p);
      const next: (() => void)[] = [];
      for (let k = 0; k < terms.length; k += 2) {
        const [lo, hi] = [terms[k]!, terms[k + 1]];
        next.push(hi === undefined ? lo : () => { lo(); c.get(p); hi(); c.simd('f64x2.mul').simd('f64x2.add'); });
      }
      terms = next;
    }
    terms[0]!();
  }

  /**
   * e^x of the value on the stack: x = k·ln2 + r (Cody–Waite), |r| ≤ ln2/2, Taylor to r¹³, times
   * 2^k in two halves h and k − h (x clamped to ±760, so k + 2048 > 0: halving it needs only a
   * logical shift, which x64 has for 64-bit lanes where it lacks the arithmetic one).
   */
  private exp(): void {
    const c = this.code, x = this.temp(), kf = this.temp(), k = this.temp(), r = this.temp(), ki = this.temp(), h = this.temp();
    c.set(x);
    c.get(x); this.constant(-760); c.simd('f64x2.pmax'); this.constant(760); c.simd('f64x2.pmin').set(x);
    c.get(x); this.constant(LOG2E); c.simd('f64x2.mul'); this.constant(SHIFT); c.simd('f64x2.add').tee(kf);
    this.constant(SHIFT); c.simd('f64x2.sub').set(k);
    c.get(x).get(k); this.constant(LN2_HI); c.simd('f64x2.mul').simd('f64x2.sub').get(k); this.constant(LN2_LO); c.simd('f64x2.mul').simd('f64x2.sub').set(r);
    // ki = k + 2048 as integers; h = ki >> 1 (so the halves are h − 1024 and k − (h − 1024)).
    c.get(kf).i64x2(SHIFT_BITS - 2048n).simd('i64x2.sub').tee(ki).i32(1).simd('i64x2.shr_u').set(h);
    this.polynomial(INVERSE_FACTORIAL.slice(0, 14), r);
    c.get(h).i64x2(1023n - 1024n).simd('i64x2.add').i32(52).simd('i64x2.shl').simd('f64x2.mul');
    c.get(ki).get(h).simd('i64x2.sub').i64x2(1023n - 1024n).simd('i64x2.add').i32(52).simd('i64x2.shl').simd('f64x2.mul');
  }

  /**
   * (e^x − 1)/x of the value on the stack, 1 at 0: below |x| = 1/2 its Taylor series (e^x − 1 would
   * cancel), else from e^x; a pair of lanes on one side computes only that side.
   */
  private exprel(): void {
    const c = this.code, x = this.temp(), small = this.temp();
    c.set(x).get(x);
    const series = () => this.polynomial(INVERSE_FACTORIAL.slice(1), x);
    const big = () => { c.get(x); this.exp(); this.constant(1); c.simd('f64x2.sub').get(x).simd('f64x2.div'); };
    c.simd('f64x2.abs'); this.constant(EXPREL_SERIES); c.simd('f64x2.lt').tee(small);
    c.simd('i64x2.all_true').if(V128);
    series();
    c.else().get(small).simd('any_true').if(V128);
    series(); big(); c.get(small).simd('bitselect');
    c.else();
    big();
    c.end().end();
  }

  /** A local by name (declared on first use). */
  private named(name: string, kind: Kind): number {
    const l = this.locals.get(name);
    if (l) { if (l.kind !== kind) throw new Unsupported(`${name} changes kind`); return l.index; }
    const index = this.code.local(V128);
    this.locals.set(name, { index, kind });
    return index;
  }

  statements(stmts: readonly Statement[]): void {
    const c = this.code;
    for (const s of stmts) {
      if (s.kind === 'set') {
        const existed = this.locals.has(s.target);
        const kind = this.expr(s.expr), i = this.named(s.target, kind);
        // Under a guard, lanes outside it keep their value.
        if (this.mask !== null && existed) c.get(i).get(this.mask).simd('bitselect');
        c.set(i);
        continue;
      }
      if (this.expr(s.test) !== 'mask') throw new Unsupported('a number as a condition');
      const outer = this.mask, m = this.temp();
      if (outer !== null) c.get(outer).simd('and');
      c.set(m);
      this.mask = m;
      this.statements(s.body);
      this.mask = outer;
    }
  }

  /** The function `step(n)`: n (even) neurons of the block, two per turn. */
  build(stmts: readonly Statement[], inputs: readonly string[], outputs: readonly string[], block: number): Uint8Array<ArrayBuffer> {
    const c = this.code, end = c.local(I32), slot = (k: number) => 8 * block * k;
    const loaded = inputs.map((n) => this.named(n, 'num'));
    // The loop goes into `code`; the constants it meets go into the prologue, which runs before it.
    c.block().loop();
    c.get(this.at).get(end).op(0x4f).brIf(1);
    loaded.forEach((i, k) => c.get(this.at).load(slot(k)).set(i));
    this.statements(stmts);
    outputs.forEach((n, k) => {
      const l = this.locals.get(n);
      if (!l) throw new Unsupported(`${n} never set`);
      c.get(this.at).get(l.index).store(slot(inputs.length + k));
    });
    c.get(this.at).i32(16).op(0x6a).set(this.at).br(0).end().end();
    const body = new Code(1);
    body.bytes.push(...this.prologue.bytes);
    body.get(0).i32(3).op(0x74).set(end);
    for (const b of c.bytes) body.bytes.push(b);
    body.locals.push(...c.locals);
    const bytes = (inputs.length + outputs.length) * 8 * block;
    return wasmModule('step', body, Math.max(1, Math.ceil(bytes / 65536)));
  }
}

/**
 * The statements as a module whose `step(n)` advances neurons 0 … n − 1 (n even) of a block:
 * locals `inputs` loaded from slots 0 …, the statements, `outputs` stored to the slots after.
 * The statements come folded (shared parameters and dt as numbers). Null when they use what SIMD
 * code here cannot express.
 */
export function wasmStep(
  stmts: readonly Statement[], inputs: readonly string[], outputs: readonly string[],
  block: number,
): { bytes: Uint8Array<ArrayBuffer>; layout: WasmStepLayout } | null {
  try {
    const bytes = new StepEmitter().build(stmts, inputs, outputs, block);
    return {
      bytes,
      layout: { inputs: new Map(inputs.map((n, k) => [n, k])), outputs: new Map(outputs.map((n, k) => [n, inputs.length + k])) },
    };
  } catch (e) {
    if (e instanceof Unsupported) return null;
    throw e;
  }
}
