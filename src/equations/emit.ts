// The two emitters: WGSL for the GPU and JavaScript for the CPU, from the same statements, so
// the backends cannot drift apart by hand (docs/equations.md#emitters). JavaScript can round every
// operation to f32 (Math.fround), which is what the GPU computes, up to its per-operation error.
import type { Expr } from './expression.js';
import type { Statement } from './model.js';

/**
 * How symbols that are not locals are read: parameters, the input and dt (e.g. `p[3]`, or a
 * folded constant). Returning undefined makes the symbol a local or state variable.
 */
export type Resolve = (name: string) => string | undefined;

/** Model names get a trailing '_' in generated code, so no name can hit a keyword of either language. */
export const local = (name: string) => (name.startsWith('_') ? name : `${name}_`);

export type Lang = 'wgsl' | 'js64' | 'js32';

/** A number as a literal of the language (f32 rounding for 'js32'); negative ones in parentheses. */
export function literal(value: number, lang: Lang): string {
  const v = lang === 'js32' ? Math.fround(value) : value;
  // String(-0) is '0': the sign is written out (1 / -0 is -inf).
  if (lang !== 'wgsl') return Object.is(v, -0) ? '(-0)' : v < 0 ? `(${v})` : String(v);
  if (!Number.isFinite(v)) throw new Error(`the number ${value} has no WGSL literal`);
  if (Object.is(v, -0)) return '(-0.0)';
  const text = Number.isInteger(v) && Math.abs(v) < 1e21 ? `${v}.0` : String(v);
  return v < 0 ? `(${text})` : text;
}

/**
 * An operand of an operation on numbers alone, which folding left because its value is not a
 * finite f32 (1 / 0, exp(1000)): WGSL would evaluate it while compiling and refuse the shader, so
 * its first number becomes a run-time value (spk_runtime), as the CPU computes it at run time.
 */
const operand = (e: Expr, lang: Lang, resolve: Resolve, numbersOnly: boolean): string =>
  (lang === 'wgsl' && numbersOnly && e.kind === 'num' ? `spk_runtime(${literal(e.value, lang)})` : emitExpr(e, lang, resolve));

const WGSL_FUNCTION: Readonly<Record<string, string>> = { exprel: 'spk_exprel' };

function emitExpr(e: Expr, lang: Lang, resolve: Resolve): string {
  const go = (x: Expr) => emitExpr(x, lang, resolve);
  const round = (code: string) => (lang === 'js32' ? `F(${code})` : code);
  switch (e.kind) {
    case 'num': return literal(e.value, lang);
    case 'sym': return resolve(e.name) ?? local(e.name);
    case 'neg': return `(-${go(e.arg)})`;
    case 'not': return `(!${go(e.arg)})`;
    case 'if': return lang === 'wgsl' ? `select(${go(e.else)}, ${go(e.then)}, ${go(e.test)})` : `(${go(e.test)} ? ${go(e.then)} : ${go(e.else)})`;
    case 'call': {
      const numbersOnly = e.args.every((a) => a.kind === 'num');
      const args = e.args.map((a, k) => (k === 0 ? operand(a, lang, resolve, numbersOnly) : go(a)));
      // clip as min(max()), as the CPU computes it: WGSL's clamp refuses numbers with low > high, and may take the median.
      if (lang === 'wgsl') return e.fn === 'clip' ? `min(max(${args[0]}, ${args[1]}), ${args[2]})` : `${WGSL_FUNCTION[e.fn] ?? e.fn}(${args.join(', ')})`;
      if (e.fn === 'exprel') return lang === 'js32' ? `exprel32(${args[0]})` : `exprel64(${args[0]})`;
      if (e.fn === 'clip') return round(`Math.min(Math.max(${args[0]}, ${args[1]}), ${args[2]})`);
      return round(`Math.${e.fn}(${args.join(', ')})`);
    }
    case 'bin': {
      if (e.op === '**') return power(e.left, e.right, lang, resolve);
      const op = lang !== 'wgsl' && (e.op === '==' || e.op === '!=') ? `${e.op}=` : e.op;
      const numbersOnly = e.left.kind === 'num' && e.right.kind === 'num' && '+-*/'.includes(e.op);
      const code = `(${operand(e.left, lang, resolve, numbersOnly)} ${op} ${go(e.right)})`;
      return '+-*/'.includes(e.op) ? round(code) : code;
    }
  }
}

/**
 * The exponent of a power every emitter writes as products, x·x, (x·x)·x, (x·x)·(x·x) (and 1/that
 * for negative ones): a whole number of at most 4 in size; null for others, which are pow().
 */
export function productPower(exponent: Expr): number | null {
  const n = exponent.kind === 'num' ? exponent.value : NaN;
  return Number.isInteger(n) && Math.abs(n) <= 4 ? n : null;
}

/** Small integer powers are products (exact for negative bases; what the models' rates use), others pow(). */
function power(base: Expr, exponent: Expr, lang: Lang, resolve: Resolve): string {
  const b = operand(base, lang, resolve, base.kind === 'num' && exponent.kind === 'num');
  const product = productPower(exponent);
  if (product === null) {
    const n = exponent.kind === 'num' ? exponent.value : NaN;
    const x = emitExpr(exponent, lang, resolve);
    // WGSL's pow is undefined for a negative base; a whole exponent keeps its sign rule (spk_powi).
    const wgsl = Number.isInteger(n) ? `spk_powi(${b}, ${literal(n, 'wgsl')})` : `pow(${b}, ${x})`;
    return lang === 'wgsl' ? wgsl : lang === 'js32' ? `F(Math.pow(${b}, ${x}))` : `Math.pow(${b}, ${x})`;
  }
  const n = product;
  if (n === 0) return literal(1, lang);
  const r = (code: string) => (lang === 'js32' ? `F(${code})` : code);
  const k = Math.abs(n);
  const simple = base.kind === 'sym' || base.kind === 'num';
  const products = !simple ? `spk_pow${k}${lang === 'js32' ? '_32' : ''}(${b})` : k === 1 ? b : k === 2 ? r(`(${b} * ${b})`)
    : k === 3 ? r(`(${r(`(${b} * ${b})`)} * ${b})`) : r(`(${r(`(${b} * ${b})`)} * ${r(`(${b} * ${b})`)})`);
  const positive = k === 1 && !simple ? b : products;
  return n > 0 ? positive : r(`(${literal(1, lang)} / ${positive})`);
}

function emitStatements(stmts: readonly Statement[], lang: Lang, resolve: Resolve, declared: Set<string>, indent: string): string[] {
  const out: string[] = [];
  for (const s of stmts) {
    if (s.kind === 'if') {
      out.push(`${indent}if (${emitExpr(s.test, lang, resolve)}) {`);
      out.push(...emitStatements(s.body, lang, resolve, new Set(declared), `${indent}  `));
      out.push(`${indent}}`);
      continue;
    }
    const name = local(s.target), value = emitExpr(s.expr, lang, resolve);
    if (declared.has(s.target)) out.push(`${indent}${name} = ${value};`);
    else {
      out.push(`${indent}${lang === 'wgsl' ? 'var' : 'let'} ${name} = ${value};`);
      declared.add(s.target);
    }
  }
  return out;
}

/** WGSL lines of the statements; `declared` holds the names already declared (state variables). */
export function wgslStatements(stmts: readonly Statement[], resolve: Resolve, declared: Set<string>, indent = '  '): string[] {
  return emitStatements(stmts, 'wgsl', resolve, declared, indent);
}

/** JavaScript lines of the statements, in f64 or rounding every operation to f32. */
export function jsStatements(stmts: readonly Statement[], precision: 'f64' | 'f32', resolve: Resolve, declared: Set<string>, indent = '  '): string[] {
  return emitStatements(stmts, precision === 'f32' ? 'js32' : 'js64', resolve, declared, indent);
}

export function jsExpression(e: Expr, precision: 'f64' | 'f32', resolve: Resolve): string {
  return emitExpr(e, precision === 'f32' ? 'js32' : 'js64', resolve);
}

/** Series below this |x|: (exp(x) − 1)/x loses digits to cancellation in f32. */
const EXPREL_SERIES = 0.25;

/**
 * Helpers every generated WGSL step may call. spk_runtime makes a number a run-time value: WGSL
 * refuses a shader whose expressions of numbers alone divide by zero or overflow while compiling,
 * where the CPU computes them (inf, NaN) at run time (see `operand`).
 */
export const WGSL_HELPERS = `// Helpers of generated model code (src/equations/emit.ts).
fn spk_exprel(x: f32) -> f32 {
  if (abs(x) < ${EXPREL_SERIES}) {
    return 1.0 + x * (0.5 + x * (${1 / 6} + x * (${1 / 24} + x * (${1 / 120} + x * (${1 / 720} + x * ${1 / 5040})))));
  }
  return (exp(x) - 1.0) / x;
}
fn spk_powi(x: f32, n: f32) -> f32 {
  let m = pow(abs(x), n);
  return select(m, -m, x < 0.0 && (i32(abs(n)) & 1) == 1);
}
fn spk_runtime(x: f32) -> f32 { return x; }
fn spk_pow2(x: f32) -> f32 { return x * x; }
fn spk_pow3(x: f32) -> f32 { return (x * x) * x; }
fn spk_pow4(x: f32) -> f32 { let y = x * x; return y * y; }
`;

const F = Math.fround;
/**
 * exprel as the GPU computes it, every operation rounded to f32: the series of WGSL_HELPERS below
 * EXPREL_SERIES. Self-contained (constants written out): CPU worker threads evaluate its source.
 */
function exprel32(x: number): number {
  const F = Math.fround;
  if (Math.abs(x) < 0.25) {
    let s = F(x * F(1 / 5040));
    s = F(x * F(F(1 / 720) + s));
    s = F(x * F(F(1 / 120) + s));
    s = F(x * F(F(1 / 24) + s));
    s = F(x * F(F(1 / 6) + s));
    return F(1 + F(x * F(0.5 + s)));
  }
  return F(F(F(Math.exp(x)) - 1) / x);
}
/** exprel in f64, from expm1 (no cancellation, as Brian2's numpy target computes it; in V8 as fast as exp). */
const exprel64 = (x: number) => (x === 0 ? 1 : Math.expm1(x) / x);

/** What generated JavaScript may call, passed in as arguments of its factory; each self-contained (see jsHelpersSource). */
export const JS_HELPERS = {
  F, exprel32, exprel64,
  spk_pow2: (x: number) => x * x, spk_pow3: (x: number) => x * x * x, spk_pow4: (x: number) => { const y = x * x; return y * y; },
  spk_pow2_32: (x: number) => Math.fround(x * x), spk_pow3_32: (x: number) => Math.fround(Math.fround(x * x) * x),
  spk_pow4_32: (x: number) => { const y = Math.fround(x * x); return Math.fround(y * y); },
};

/** JS_HELPERS as the source of an object literal, for CPU worker threads (src/engine/cpu_threads.ts). */
export function jsHelpersSource(): string {
  const entries = Object.entries(JS_HELPERS).map(([k, f]) => `${k}: ${f === Math.fround ? 'Math.fround' : `(${f.toString()})`}`);
  return `({ ${entries.join(', ')} })`;
}

/**
 * The factory of a generated function: `body` with `params`, the helpers passed in by name.
 * Self-contained: CPU worker threads compile population steps with its source, as compileJs does.
 */
export function compileWith<T>(helpers: Readonly<Record<string, unknown>>, params: readonly string[], body: string): T {
  const names = Object.keys(helpers);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const factory = new Function(...names, `return function generated(${params.join(', ')}) {\n${body}\n};`) as (...h: unknown[]) => T;
  return factory(...names.map((k) => helpers[k]));
}

const cache = new Map<string, unknown>();

/** Compiles a generated function body once per source (the CPU's counterpart of a pipeline cache). */
export function compileJs<T>(params: readonly string[], body: string): T {
  const key = `${params.join(',')}\n${body}`;
  let fn = cache.get(key) as T | undefined;
  if (!fn) {
    fn = compileWith<T>(JS_HELPERS, params, body);
    cache.set(key, fn);
  }
  return fn;
}
