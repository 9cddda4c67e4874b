// The few pieces of the WebAssembly binary format the CPU backend's generated steps use
// (src/equations/emit_wasm.ts): one module with its own memory and one exported function of
// i32 parameters and typed locals. Opcodes: the WebAssembly 2.0 core specification, §5.4
// (tests/emit_wasm.test.ts checks them against wabt's assembler).

export const I32 = 0x7f, V128 = 0x7b;

/** Unsigned LEB128. */
function uleb(n: number, out: number[]): void {
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
}

/** Signed LEB128 of a 32-bit integer. */
function sleb(n: number, out: number[]): void {
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) { out.push(b); return; }
    out.push(b | 0x80);
  }
}

/** SIMD instructions (prefix 0xfd) by name. */
export const SIMD = {
  load: 0, store: 11, const: 12,
  not: 77, and: 78, andnot: 79, or: 80, bitselect: 82, any_true: 83, 'i64x2.all_true': 195,
  'f64x2.eq': 71, 'f64x2.ne': 72, 'f64x2.lt': 73, 'f64x2.gt': 74, 'f64x2.le': 75, 'f64x2.ge': 76,
  'f64x2.ceil': 116, 'f64x2.floor': 117,
  'i64x2.shl': 203, 'i64x2.shr_u': 205, 'i64x2.add': 206, 'i64x2.sub': 209,
  'f64x2.abs': 236, 'f64x2.neg': 237, 'f64x2.sqrt': 239, 'f64x2.add': 240, 'f64x2.sub': 241, 'f64x2.mul': 242,
  'f64x2.div': 243, 'f64x2.min': 244, 'f64x2.max': 245, 'f64x2.pmin': 246, 'f64x2.pmax': 247,
} as const;
export type SimdOp = keyof typeof SIMD;

/** A function body under construction. */
export class Code {
  readonly bytes: number[] = [];
  /** Local types after the parameters, in index order. */
  readonly locals: number[] = [];
  constructor(readonly params: number) {}

  local(type: number): number { this.locals.push(type); return this.params + this.locals.length - 1; }
  get(i: number): this { this.bytes.push(0x20); uleb(i, this.bytes); return this; }
  set(i: number): this { this.bytes.push(0x21); uleb(i, this.bytes); return this; }
  tee(i: number): this { this.bytes.push(0x22); uleb(i, this.bytes); return this; }
  i32(n: number): this { this.bytes.push(0x41); sleb(n | 0, this.bytes); return this; }
  /** i32 instructions by opcode: add 0x6a, shl 0x74, ge_u 0x4f. */
  op(code: number): this { this.bytes.push(code); return this; }
  simd(op: SimdOp): this { this.bytes.push(0xfd); uleb(SIMD[op], this.bytes); return this; }
  /** v128.load / v128.store at the address on the stack plus `offset` (16-byte aligned). */
  load(offset: number): this { this.simd('load'); this.bytes.push(4); uleb(offset, this.bytes); return this; }
  store(offset: number): this { this.simd('store'); this.bytes.push(4); uleb(offset, this.bytes); return this; }
  /** v128.const of two f64 lanes (or raw 16 bytes). */
  f64x2(a: number, b = a): this {
    this.simd('const');
    const v = new DataView(new ArrayBuffer(16));
    v.setFloat64(0, a, true); v.setFloat64(8, b, true);
    for (let k = 0; k < 16; k++) this.bytes.push(v.getUint8(k));
    return this;
  }
  i64x2(a: bigint): this {
    this.simd('const');
    const v = new DataView(new ArrayBuffer(16));
    v.setBigInt64(0, a, true); v.setBigInt64(8, a, true);
    for (let k = 0; k < 16; k++) this.bytes.push(v.getUint8(k));
    return this;
  }
  block(): this { this.bytes.push(0x02, 0x40); return this; }
  /** if with a result of `type` (i32 condition on the stack), else, end. */
  if(type: number): this { this.bytes.push(0x04, type); return this; }
  else(): this { this.bytes.push(0x05); return this; }
  loop(): this { this.bytes.push(0x03, 0x40); return this; }
  br(depth: number): this { this.bytes.push(0x0c); uleb(depth, this.bytes); return this; }
  brIf(depth: number): this { this.bytes.push(0x0d); uleb(depth, this.bytes); return this; }
  end(): this { this.bytes.push(0x0b); return this; }
}

const append = (out: number[], more: readonly number[]) => { for (const b of more) out.push(b); };

function section(id: number, body: number[], out: number[]): void {
  out.push(id);
  uleb(body.length, out);
  append(out, body);
}

const name = (s: string, out: number[]) => { uleb(s.length, out); for (const c of s) out.push(c.charCodeAt(0)); };

/** A module with `pages` pages of memory (exported as "memory") and one function `code` exported as `fn`, of i32 parameters and no result. */
export function wasmModule(fn: string, code: Code, pages: number): Uint8Array<ArrayBuffer> {
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const type = [1, 0x60];
  uleb(code.params, type);
  for (let k = 0; k < code.params; k++) type.push(I32);
  type.push(0);
  section(1, type, out);
  section(3, [1, 0], out);
  const memory = [1, 0x00];
  uleb(pages, memory);
  section(5, memory, out);
  const exports = [2];
  name(fn, exports); exports.push(0x00, 0);
  name('memory', exports); exports.push(0x02, 0);
  section(7, exports, out);
  // Locals as runs of one type.
  const runs: [number, number][] = [];
  for (const t of code.locals) {
    const last = runs[runs.length - 1];
    if (last && last[1] === t) last[0]++;
    else runs.push([1, t]);
  }
  const body: number[] = [];
  uleb(runs.length, body);
  for (const [n, t] of runs) { uleb(n, body); body.push(t); }
  append(body, code.bytes);
  body.push(0x0b);
  const entry: number[] = [1];
  uleb(body.length, entry);
  append(entry, body);
  section(10, entry, out);
  return new Uint8Array(out);
}
