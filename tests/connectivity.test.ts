// Sparse connectivity: the GPU build equals the CPU build exactly (same synapses, same weight
// words, same row lengths), rows split over several buffers, and the rules' statistics.
import { describe, expect, it } from 'vitest';
import { allocateScoped, dispatchGrid } from '../src/gpu/chunks';
import { buildConnectivityGpu, packRows, readProjection } from '../src/engine/gpu_build';
import { gpuLayout } from '../src/engine/gpu_layout';
import { buildStores } from '../src/engine/gpu_stores';
import { compileNetwork } from '../src/compile/plan';
import { type BuildSpec, type ConnectRule, binomialThresholds, buildCsr, scaleWord } from '../src/compile/csr';
import { NetworkSpecError } from '../src/spec/validate';
import { testGpu } from './helpers';

function spec(connect: ConnectRule, nPre: number, nPost: number, extra: Partial<BuildSpec> = {}): BuildSpec {
  return { connect, nPre, nPost, stream: 3, seed: 1234, noSelf: false, randomWeights: true, ...extra };
}

/** Each row's (target, word) pairs sorted: the synapse set of a row, whatever order it was filled in. */
function canonicalRows(rowStart: Uint32Array, targets: Uint32Array, words: Uint32Array | null): string[] {
  const rows: string[] = [];
  for (let i = 0; i + 1 < rowStart.length; i++) {
    const pairs: [number, number][] = [];
    for (let s = rowStart[i]!; s < rowStart[i + 1]!; s++) pairs.push([targets[s]!, words ? words[s]! : 0]);
    pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    rows.push(pairs.map((p) => `${p[0]}:${p[1]}`).join(','));
  }
  return rows;
}

/** Builds projections together on the GPU and reads each back. */
async function gpuBuildAll(specs: BuildSpec[], maxWords: number, together = false) {
  const { device } = await testGpu();
  const { value, buffers } = await allocateScoped(device, async (make) => {
    const g = await buildConnectivityGpu(device, make, specs, maxWords, together);
    const read = [];
    for (let q = 0; q < specs.length; q++) read.push(await readProjection(device, g, q));
    return { g, read };
  });
  for (const b of buffers) b.destroy();
  return value;
}

async function gpuBuild(s: BuildSpec, maxWords: number) {
  const { g, read } = await gpuBuildAll([s], maxWords);
  return { g: g.projections[0]!, stores: g.stores.length, read: read[0]! };
}

function inDegrees(targets: Uint32Array, nPost: number): Float64Array {
  const d = new Float64Array(nPost);
  for (const t of targets) d[t]!++;
  return d;
}

const meanSd = (x: ArrayLike<number>) => {
  let m = 0;
  for (let k = 0; k < x.length; k++) m += x[k]!;
  m /= x.length;
  let v = 0;
  for (let k = 0; k < x.length; k++) v += (x[k]! - m) ** 2;
  return { mean: m, sd: Math.sqrt(v / (x.length - 1)) };
};

describe('integer helpers shared with the WGSL', () => {
  it('scaleWord is ⌊x·n/2³²⌋ exactly', () => {
    for (const [x, n] of [[0xffffffff, 0xffffffff], [0x80000000, 3], [12345, 1000], [0xffffffff, 1]] as const) {
      expect(scaleWord(x, n)).toBe(Number((BigInt(x) * BigInt(n)) >> 32n));
    }
  });
  it('binomial thresholds are the CDF of Bin(m, p) in units of 2⁻³²', () => {
    const t = binomialThresholds(32, 0.1);
    expect(t[0]! / 2 ** 32).toBeCloseTo(0.9 ** 32, 9);
    expect(t[1]! / 2 ** 32).toBeCloseTo(0.9 ** 32 + 32 * 0.1 * 0.9 ** 31, 9);
    for (let k = 1; k < 32; k++) expect(t[k]!).toBeGreaterThanOrEqual(t[k - 1]!);
  });
  it('stores hold whole rows, projections share them, and a row larger than one binding is refused', () => {
    const a = Uint32Array.from([0, 3, 3, 8, 10]), b = Uint32Array.from([0, 1, 2]);
    const piece = (projection: number, row0: number, row1: number, first: number, count: number, store: number, at: number) =>
      ({ projection, row0, row1, first, count, store, at });
    expect(packRows([a, b], [false, false], 5)).toEqual({
      pieces: [piece(0, 0, 2, 0, 3, 0, 0), piece(0, 2, 3, 3, 5, 1, 0), piece(0, 3, 4, 8, 2, 2, 0), piece(1, 0, 2, 0, 2, 2, 2)],
      stores: [{ size: 3, words: false }, { size: 5, words: false }, { size: 4, words: false }],
    });
    // Weight words apart, unless together.
    expect(packRows([a, b], [true, false], 10).stores).toEqual([{ size: 2, words: false }, { size: 10, words: true }]);
    expect(packRows([a, b], [true, false], 12, true)).toEqual({
      pieces: [piece(0, 0, 4, 0, 10, 0, 0), piece(1, 0, 2, 0, 2, 0, 10)], stores: [{ size: 12, words: true }],
    });
    // Named by the projection's index in the description.
    expect(() => packRows([a], [false], 4)).toThrow(/projections\[0\]\.connectivity: row 2 holds 5 synapses, more than one GPU buffer binding holds \(4\)/);
    expect(() => packRows([b, a], [false, false], 4, false, [1, 3])).toThrow(/projections\[3\]\.connectivity: row 2 holds 5 synapses/);
  });
});

describe('the GPU build names what it refuses by the description', () => {
  it("a target past the in-degree bound its arrivals were scaled for: the projection's index in the description, not among the rows drawn", async () => {
    const { device } = await testGpu();
    const L = gpuLayout(compileNetwork({
      dt: 1, seed: 1, populations: [{ name: 'a', size: 50, model: 'lif' }],
      projections: [
        { source: 'a', target: 'a', connectivity: { rule: 'list', pre: [0], post: [1] }, synapse: { kind: 'pulse', target: 'v' } },
        { source: 'a', target: 'a', connectivity: { rule: 'fixed-probability', p: 0.5 }, synapse: { kind: 'pulse', target: 'v' } },
      ],
    }));
    expect(L.projections.map((pl) => pl.rows !== null)).toEqual([false, true]);
    L.projections[1]!.rows!.degreeBound = 1;
    const err = await allocateScoped(device, (make) => buildStores(device, make, L, 1 << 20, false)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkSpecError);
    expect((err as NetworkSpecError).issues.map((i) => i.path)).toEqual(['projections[1].connectivity']);
    expect((err as Error).message).toMatch(/a target received \d+ synapses, past the bound 1 its arrivals were scaled for/);
  });
  it('dispatch grids stay within the limit per dimension', () => {
    expect(dispatchGrid(0, 65535)).toEqual([1, 1]);
    expect(dispatchGrid(70_000, 65535)).toEqual([65535, 2]);
    expect(dispatchGrid(70_000, 1000)).toEqual([1000, 70]);
  });
});

describe('GPU build equals the CPU build', () => {
  const cases: [string, ConnectRule, number, number, Partial<BuildSpec>][] = [
    ['fixed probability, recurrent, no self', { rule: 'fixed-probability', p: 0.05 }, 300, 300, { noSelf: true }],
    ['fixed probability, tail block, p = 0.5', { rule: 'fixed-probability', p: 0.5 }, 70, 45, {}],
    ['fixed in-degree, no self', { rule: 'fixed-in-degree', k: 20 }, 250, 250, { noSelf: true }],
    ['fixed out-degree', { rule: 'fixed-out-degree', k: 15 }, 200, 333, {}],
    ['fixed out-degree, one weight', { rule: 'fixed-out-degree', k: 7 }, 120, 120, { noSelf: true, randomWeights: false }],
  ];
  for (const [name, rule, nPre, nPost, extra] of cases) {
    it(name, async () => {
      const s = spec(rule, nPre, nPost, extra);
      const cpu = buildCsr(s);
      // Force several buffers: at most a fifth of the synapses in each.
      const maxWords = Math.max(Math.ceil(cpu.targets.length / 5), 64);
      const { g, stores, read } = await gpuBuild(s, maxWords);
      expect(stores).toBeGreaterThan(1);
      expect(Array.from(g.rowStart)).toEqual(Array.from(cpu.rowStart));
      expect(g.maxInDegree).toBe(cpu.maxInDegree);
      if (rule.rule === 'fixed-in-degree') {
        expect(canonicalRows(g.rowStart, read.targets, read.words)).toEqual(canonicalRows(cpu.rowStart, cpu.targets, cpu.words));
      } else {
        expect(Array.from(read.targets)).toEqual(Array.from(cpu.targets));
        expect(read.words ? Array.from(read.words) : null).toEqual(cpu.words ? Array.from(cpu.words) : null);
      }
    });
  }
});

describe('several projections packed into shared stores', () => {
  const specs = [
    spec({ rule: 'fixed-probability', p: 0.1 }, 90, 90, { noSelf: true, stream: 1 }),
    spec({ rule: 'fixed-out-degree', k: 6 }, 50, 90, { randomWeights: false, stream: 2 }),
    spec({ rule: 'fixed-in-degree', k: 5 }, 90, 50, { stream: 3 }),
    spec({ rule: 'list', pre: [0, 4, 4, 2], post: [1, 0, 3, 3] }, 5, 5, { stream: 4, randomWeights: false }),
  ];
  it.each([false, true])('each reads back as its CPU build (together: %s)', async (together) => {
    const cpu = specs.map(buildCsr);
    const { g, read } = await gpuBuildAll(specs, 300, together);
    expect(g.stores.length).toBeGreaterThan(1);
    // Some store holds rows of more than one projection.
    expect(g.stores.some((_, st) => new Set(g.pieces.filter((x) => x.store === st).map((x) => x.projection)).size > 1)).toBe(true);
    specs.forEach((s, q) => {
      expect(Array.from(g.projections[q]!.rowStart)).toEqual(Array.from(cpu[q]!.rowStart));
      const rows = (r: { targets: Uint32Array; words: Uint32Array | null }) => canonicalRows(cpu[q]!.rowStart, r.targets, s.randomWeights || s.connect.rule === 'list' ? r.words : null);
      expect(rows(read[q]!)).toEqual(rows(cpu[q]!));
    });
  });
});

describe('connectivity statistics (CPU build; the GPU build is the same)', () => {
  it('fixed probability: in-degree mean p·N and binomial spread, no self-connections', () => {
    const n = 2000, p = 0.02;
    const c = buildCsr(spec({ rule: 'fixed-probability', p }, n, n, { noSelf: true }));
    const d = meanSd(inDegrees(c.targets, n));
    const mean = p * (n - 1), sd = Math.sqrt((n - 1) * p * (1 - p));
    expect(Math.abs(d.mean - mean)).toBeLessThan(4 * sd / Math.sqrt(n));
    expect(d.sd / sd).toBeGreaterThan(0.9);
    expect(d.sd / sd).toBeLessThan(1.1);
    for (let i = 0; i < n; i++) for (let s = c.rowStart[i]!; s < c.rowStart[i + 1]!; s++) expect(c.targets[s]).not.toBe(i);
  });
  it('fixed probability with self-connections allowed makes some', () => {
    const n = 400;
    const c = buildCsr(spec({ rule: 'fixed-probability', p: 0.3 }, n, n));
    let self = 0;
    for (let i = 0; i < n; i++) for (let s = c.rowStart[i]!; s < c.rowStart[i + 1]!; s++) if (c.targets[s] === i) self++;
    expect(self).toBeGreaterThan(0.3 * n - 4 * Math.sqrt(n * 0.21));
    expect(self).toBeLessThan(0.3 * n + 4 * Math.sqrt(n * 0.21));
  });
  it('fixed in-degree: every post has exactly k, out-degrees spread as a multinomial', () => {
    const n = 1000, k = 50;
    const c = buildCsr(spec({ rule: 'fixed-in-degree', k }, n, n, { noSelf: true }));
    const d = inDegrees(c.targets, n);
    expect(d.every((x) => x === k)).toBe(true);
    const rows = meanSd(Array.from({ length: n }, (_, i) => c.rowStart[i + 1]! - c.rowStart[i]!));
    expect(rows.mean).toBe(k);
    expect(rows.sd / Math.sqrt(k)).toBeGreaterThan(0.9);
    expect(rows.sd / Math.sqrt(k)).toBeLessThan(1.1);
    for (let i = 0; i < n; i++) for (let s = c.rowStart[i]!; s < c.rowStart[i + 1]!; s++) expect(c.targets[s]).not.toBe(i);
  });
  it('fixed out-degree: every row has k, in-degree mean k and Poisson-like spread', () => {
    const n = 1000, k = 40;
    const c = buildCsr(spec({ rule: 'fixed-out-degree', k }, n, n, { noSelf: true }));
    const d = meanSd(inDegrees(c.targets, n));
    expect(d.mean).toBe(k);
    expect(d.sd / Math.sqrt(k)).toBeGreaterThan(0.9);
    expect(d.sd / Math.sqrt(k)).toBeLessThan(1.1);
  });
  it('fixed probability targets are uniform over the post population', () => {
    const c = buildCsr(spec({ rule: 'fixed-probability', p: 0.1 }, 500, 64));
    const d = inDegrees(c.targets, 64);
    const { mean } = meanSd(d);
    // χ² over 64 posts against a uniform expectation.
    let chi2 = 0;
    for (const x of d) chi2 += (x - mean) ** 2 / mean;
    expect(chi2).toBeLessThan(110); // 63 degrees of freedom: p < 1e-4
  });
});
