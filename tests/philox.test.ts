// Philox4x32-10: known-answer vectors (docs/conventions.md#random-numbers) in TS, WebAssembly and
// WGSL, and TS ≡ WebAssembly ≡ WGSL on many counters.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { philox4x32, normalFromWords, uniform01, PhiloxStream, Purpose } from '../src/rng/philox';
import { PHILOX_WASM, philoxBlocks } from '../src/rng/philox_blocks';
import { PHILOX_WGSL } from '../src/gpu/shaders';
import { runKernel } from './helpers';

const KNOWN: [number[], number[], number[]][] = [
  [[0, 0, 0, 0], [0, 0], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]],
  [[0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]],
  [[0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]],
];

// Each invocation reads (counter, key) as 6 words and writes the 4 output words and the normal's bits.
const KERNEL = `${PHILOX_WGSL}
@group(0) @binding(0) var<storage, read> inp: array<u32>;
@group(0) @binding(1) var<storage, read_write> outp: array<u32>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3u) {
  let n = arrayLength(&inp) / 6u;
  if (g.x >= n) { return; }
  let b = g.x * 6u;
  let w = philox4x32(vec4u(inp[b], inp[b + 1u], inp[b + 2u], inp[b + 3u]), vec2u(inp[b + 4u], inp[b + 5u]));
  outp[g.x * 6u] = w.x; outp[g.x * 6u + 1u] = w.y; outp[g.x * 6u + 2u] = w.z; outp[g.x * 6u + 3u] = w.w;
  outp[g.x * 6u + 4u] = bitcast<u32>(philox_normal(w));
  outp[g.x * 6u + 5u] = bitcast<u32>(philox_uniform01(w.z));
}`;

function hex(a: ArrayLike<number>): string[] {
  return Array.from(a, (x) => (x >>> 0).toString(16).padStart(8, '0'));
}

describe('Philox4x32-10 in TypeScript', () => {
  it.each(KNOWN)('counter %j key %j gives the known answer', (c, k, want) => {
    expect(hex(philox4x32(c[0]!, c[1]!, c[2]!, c[3]!, k[0]!, k[1]!))).toEqual(hex(want));
  });

  it('uniforms are exact multiples of 2^-24 in [0, 1)', () => {
    expect(uniform01(0)).toBe(0);
    expect(uniform01(0xffffffff)).toBe(1 - 2 ** -24);
    expect(uniform01(0x80000000)).toBe(0.5);
  });

  it('normals have mean 0 and variance 1 (100k draws)', () => {
    const rng = new PhiloxStream(7, Purpose.noise);
    let s = 0, s2 = 0;
    const N = 100_000;
    for (let k = 0; k < N; k++) { const z = rng.normal(k, 3); s += z; s2 += z * z; }
    expect(Math.abs(s / N)).toBeLessThan(0.015); // 4.7 standard errors
    expect(Math.abs(s2 / N - 1)).toBeLessThan(0.02);
  });

  it('streams differ by purpose and by seed', () => {
    expect(new PhiloxStream(1, Purpose.noise).uniform(5, 6)).not.toBe(new PhiloxStream(1, Purpose.weights).uniform(5, 6));
    expect(new PhiloxStream(1, Purpose.noise).uniform(5, 6)).not.toBe(new PhiloxStream(2, Purpose.noise).uniform(5, 6));
  });
});

describe('Philox4x32-10 in WebAssembly, over runs of counters (the CPU noise)', () => {
  const blocks = philoxBlocks(PHILOX_WASM);
  const word = fc.integer({ min: 0, max: 0xffffffff });

  it.each(KNOWN)('counter %j key %j gives the known answer', (c, k, want) => {
    blocks.fill(c[0]!, c[1]!, c[2]!, c[3]!, k[0]!, k[1]!, 1);
    expect(hex(blocks.words.slice(0, 4))).toEqual(hex(want));
  });

  it('every word equals philox4x32 of its counter, bit for bit (random counters, keys and lengths; c1 + i wrapping past 2³²)', () => {
    const want = new Uint32Array(4);
    fc.assert(fc.property(word, fc.oneof(word, fc.integer({ min: 0xffffff00, max: 0xffffffff })), word, word, word, word, fc.integer({ min: 1, max: blocks.size }),
      (c0, c1, c2, c3, k0, k1, count) => {
        blocks.fill(c0, c1, c2, c3, k0, k1, count);
        for (const i of [0, count >> 1, count - 1]) {
          philox4x32(c0, (c1 + i) >>> 0, c2, c3, k0, k1, want);
          for (let j = 0; j < 4; j++) if (blocks.words[4 * i + j] !== want[j]) return false;
        }
        return true;
      }), { numRuns: 300 });
  });

  it('a whole block of 4096 counters, every word', () => {
    const want = new Uint32Array(4);
    blocks.fill(17, 2 ** 31 - 100, Purpose.noise, 0, 0x12345678, 7, blocks.size);
    let wrong = 0;
    for (let i = 0; i < blocks.size; i++) {
      philox4x32(17, 2 ** 31 - 100 + i, Purpose.noise, 0, 0x12345678, 7, want);
      for (let j = 0; j < 4; j++) if (blocks.words[4 * i + j] !== want[j]) wrong++;
    }
    expect(wrong).toBe(0);
  });
});

describe('Philox4x32-10 in WGSL', () => {
  it('matches the known answers and the TS implementation bit for bit on 1000 counters', async () => {
    const cases: number[][] = KNOWN.map(([c, k]) => [...c, ...k]);
    for (let t = 0; t < 1000; t++) cases.push([t * 7919, t, Purpose.noise, 0, 12345 + t, t >>> 1]);
    const out = await runKernel(KERNEL, Uint32Array.from(cases.flat()), cases.length * 6, Math.ceil(cases.length / 64));
    const f = new Float32Array(out.buffer);
    cases.forEach((c, k) => {
      const want = philox4x32(c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!);
      expect(hex(out.subarray(k * 6, k * 6 + 4)), `counter ${hex(c.slice(0, 4))}`).toEqual(hex(want));
      // Uniforms are exact on both sides; normals go through log and cos, so f32 accuracy only.
      expect(f[k * 6 + 5]).toBe(uniform01(want[2]!));
      const z = normalFromWords(want[0]!, want[1]!);
      expect(Math.abs(f[k * 6 + 4]! - z)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(z)));
    });
    KNOWN.forEach(([, , want], k) => expect(hex(out.subarray(k * 6, k * 6 + 4))).toEqual(hex(want)));
  });
});

// The normal's own log and cos (philox.wgsl says why not the builtins), against f64 on inputs
// chosen where builtins go wrong: u1 next to 1 and the smallest u1 = 2^-24, every quarter turn
// and its neighbours, and a dense grid of both.
const MATH_KERNEL = `${PHILOX_WGSL}
@group(0) @binding(0) var<storage, read> inp: array<u32>;
@group(0) @binding(1) var<storage, read_write> outp: array<u32>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3u) {
  if (g.x >= arrayLength(&inp)) { return; }
  let x = bitcast<f32>(inp[g.x]);
  outp[2u * g.x] = bitcast<u32>(philox_ln(x));
  outp[2u * g.x + 1u] = bitcast<u32>(philox_cos_turns(x));
}`;

describe("the normal's log and cos in WGSL", () => {
  it('ln is within 4 f32 ulps (relative), cos(2πu) within 2e-7 (absolute), also at the edges', async () => {
    const ulp = 2 ** -24;
    const xs: number[] = [];
    for (let j = 1; j <= 2000; j++) xs.push(j * ulp, 1 - (j - 1) * ulp);                    // u1's smallest values, and next to 1
    for (let j = 0; j < 4096; j++) xs.push(j / 4096, Math.fround(Math.exp(-17 * (j + 0.5) / 4096)));  // a grid of u2, a log grid of u1
    for (const q of [0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875]) xs.push(q - ulp, q + ulp);      // either side of each eighth turn
    xs.push(Math.SQRT1_2, Math.fround(Math.SQRT2 / 2 + ulp), 1 - ulp);
    const input = Float32Array.from(xs);
    const out = new Float32Array((await runKernel(MATH_KERNEL, new Uint32Array(input.buffer), 2 * input.length, Math.ceil(input.length / 64))).buffer);
    let lnWorst = 0, cosWorst = 0;
    input.forEach((x, k) => {
      const ln = Math.log(x), cos = Math.cos(2 * Math.PI * x);
      if (x > 0) lnWorst = Math.max(lnWorst, Math.abs(out[2 * k]! - ln) / Math.abs(ln || 1));
      cosWorst = Math.max(cosWorst, Math.abs(out[2 * k + 1]! - cos));
    });
    // Measured on llvmpipe and SwiftShader's Vulkan: ln 1.6e-7 relative, cos 8e-8; with the builtins
    // log and cos, 0.73 and 3.7e-7 on llvmpipe, 0.39 and 1.9e-4 on SwiftShader.
    expect(lnWorst).toBeLessThanOrEqual(2 ** -21);  // 4 ulps: an f32 ulp is at most 2^-23 of the value
    expect(cosWorst).toBeLessThanOrEqual(2e-7);
  });
});
