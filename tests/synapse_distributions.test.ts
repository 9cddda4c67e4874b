// Normal weights and delays redrawn into bounds (NEST's redraw; docs/network.md#normal-weights-and-delays-redrawn-into-bounds):
// draw 0 is the plain normal, the kept values follow the truncated normal (rejection, never
// clipping), delays are rounded halves up after the bound, the memory estimate's delay bound, the
// placements that take one delay route such projections to host-built rows, and both backends
// run the same synapses. Statistical checks allow 5 standard errors over 20,000 synapses.
import { describe, expect, it } from 'vitest';
import { buildSynapses } from '../src/compile/connectivity';
import { delayBound, placement } from '../src/compile/gpu_sizes';
import { compileNetwork } from '../src/compile/plan';
import { gpuLayout } from '../src/engine/gpu_layout';
import { Purpose, normalFromWords, philox4x32, seedKey } from '../src/rng/philox';
import { normalMass } from '../src/spec/check';
import type { Network, Projection } from '../src/spec/network';
import { roundedDelays, runBoth } from './helpers';

const N = 20_000, SEED = 1234, STREAM = 2;

/** N synapses between two populations of 200 (fixed total), built as projection number `stream`. */
function build(over: Partial<Projection>, stream = STREAM, n = N) {
  const pr: Projection = { source: 'a', target: 'b', connectivity: { rule: 'fixed-total', n }, synapse: { kind: 'pulse', target: 'v' }, ...over };
  return buildSynapses(pr, stream, SEED, { start: 0, size: 200 }, { start: 200, size: 200 });
}
const weightsOf = (over: Partial<Projection>) => build(over).weight as Float64Array;

/** Sample mean, sd and fourth central moment. */
const moments = (x: ArrayLike<number>) => {
  let m = 0, v = 0, m4 = 0;
  for (let k = 0; k < x.length; k++) m += x[k]!;
  m /= x.length;
  for (let k = 0; k < x.length; k++) { v += (x[k]! - m) ** 2; m4 += (x[k]! - m) ** 4; }
  return { mean: m, sd: Math.sqrt(v / (x.length - 1)), m4: m4 / x.length };
};

/** Mean and sd of N(mean, sd) truncated to [lo, hi] (Johnson, Kotz & Balakrishnan 1994, §10.1). */
function truncated(mean: number, sd: number, lo: number, hi: number) {
  const phi = (x: number) => (Number.isFinite(x) ? Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI) : 0), xphi = (x: number) => (Number.isFinite(x) ? x * phi(x) : 0);
  const a = (lo - mean) / sd, b = (hi - mean) / sd, z = normalMass(0, 1, a, b), d = (phi(a) - phi(b)) / z;
  return { mean: mean + sd * d, sd: sd * Math.sqrt(1 + (xphi(a) - xphi(b)) / z - d * d) };
}

/** Sample mean and sd within 5 standard errors of `want` (the sd's by the delta method, √((m₄ − s⁴) / 4n) / s: skewed cuts spread it more). */
function expectMoments(x: ArrayLike<number>, want: { mean: number; sd: number }) {
  const got = moments(x), n = x.length;
  expect(Math.abs(got.mean - want.mean)).toBeLessThan(5 * want.sd / Math.sqrt(n));
  expect(Math.abs(got.sd - want.sd)).toBeLessThan(5 * Math.sqrt((got.m4 - got.sd ** 4) / (4 * n)) / got.sd);
  return got;
}

describe('normal weights redrawn into bounds', () => {
  it("draw 0 is today's plain normal draw, bit for bit, wherever no redraw happens", () => {
    const s = build({ weight: { normal: [87.8, 8.78] } }), [k0, k1] = seedKey(SEED), w = new Uint32Array(4);
    // The plain draw computed here from its counter, apart from the build.
    const plain = (mean: number, sd: number) => {
      const out = new Float64Array(N);
      for (let i = 0; i < 200; i++) {
        for (let q = s.rowStart[i]!; q < s.rowStart[i + 1]!; q++) {
          philox4x32(i, q - s.rowStart[i]!, Purpose.synapseWeight, ((STREAM << 16) | 1) >>> 0, k0, k1, w);
          out[q] = Math.fround(mean + sd * normalFromWords(w[0]!, w[1]!));
        }
      }
      return out;
    };
    expect(s.weight).toEqual(plain(87.8, 8.78));
    expect(weightsOf({ weight: { normal: [87.8, 8.78], min: 0 } })).toEqual(plain(87.8, 8.78));
    // Cut at the mean: every draw ≥ 0 is kept as it was, every other one is drawn again into [0, ∞).
    const want = plain(0, 1), got = weightsOf({ weight: { normal: [0, 1], min: 0 } });
    const kept = want.filter((y) => y >= 0), redrawn = got.filter((_, q) => want[q]! < 0);
    expect(got.filter((_, q) => want[q]! >= 0)).toEqual(kept);
    expect(redrawn.every((y) => y >= 0)).toBe(true);
    expect(Math.abs(redrawn.length - N / 2)).toBeLessThan(5 * Math.sqrt(N / 4));
  });

  it.each([
    ['excitatory', { normal: [87.8, 8.78] as [number, number], min: 0 }, 0, Infinity],
    ['inhibitory', { normal: [-351.2, 35.12] as [number, number], max: 0 }, -Infinity, 0],
  ])('%s weights keep their sign, with the mean and sd of the truncated normal', (_, weight, lo, hi) => {
    const x = weightsOf({ weight });
    expect(x.every((y) => y >= lo && y <= hi)).toBe(true);
    expectMoments(x, truncated(weight.normal[0], weight.normal[1], lo, hi));
  });

  it('a heavy cut is rejection, not clipping: {normal: [0, 1], min: 0} is the half-normal', () => {
    const x = weightsOf({ weight: { normal: [0, 1], min: 0 } });
    expect(x.every((y) => y >= 0)).toBe(true);
    // Clipping would put half the weights at exactly 0.
    expect(x.filter((y) => y === 0).length).toBe(0);
    const got = expectMoments(x, { mean: Math.sqrt(2 / Math.PI), sd: Math.sqrt(1 - 2 / Math.PI) });
    expect(got.mean).toBeCloseTo(0.798, 1);
    // The share below 0.1: 2·(Φ(0.1) − ½) = 0.0797, within 5 binomial standard errors.
    const p = 2 * normalMass(0, 1, 0, 0.1);
    expect(Math.abs(x.filter((y) => y < 0.1).length / N - p)).toBeLessThan(5 * Math.sqrt(p * (1 - p) / N));
  });

  it('a synapse that finds no value in 4096 draws stops the build, naming the projection and the field', () => {
    expect(() => build({ weight: { normal: [0, 1], min: 100 } }, 3, 1)).toThrow(/^projections\[3\]\.weight: no draw of N\(0, 1\) fell in \[100, Infinity\] in 4096 tries/);
    expect(() => build({ synapse: { kind: 'electrical', g2: { normal: [0, 1], max: -100 } } }, 4, 1)).toThrow(/^projections\[4\]\.synapse\.g2: no draw/);
    expect(() => build({ delay: { normal: [0, 1], min: 100 } }, 5, 1)).toThrow(/^projections\[5\]\.delay: no draw/);
  });

  it('the mass helper of the 1 % rule agrees with tables of the normal to 1e-7', () => {
    expect(normalMass(0, 1, -1, 1)).toBeCloseTo(0.682689492, 7);
    expect(normalMass(0, 1, -Infinity, 0)).toBeCloseTo(0.5, 7);
    expect(normalMass(0, 1, 2.5, Infinity) / 0.00620966532).toBeCloseTo(1, 6);
    expect(normalMass(10, 2, -Infinity, 5) / 0.00620966532).toBeCloseTo(1, 6);
    expect(normalMass(0, 1, 1, 2)).toBeCloseTo(0.135905122, 7);
  });
});

describe('normal delays redrawn into bounds, rounded halves up', () => {
  // The second cuts between half steps: bounding after rounding would keep [0.5, 1) too, P(1 step) 0.55 rather than 0.38.
  it.each([[15, 7.5, 0.5, 15.47], [1, 1, 1, 1.76]])('{normal: [%s, %s], min: %s}: whole steps ≥ 1, the rounded truncated normal (mean %s) in mean, sd and P(1 step)', (mean, sd, lo, expected) => {
    const hi = 4096;
    const s = build({ delay: { normal: [mean, sd], min: lo } }), d = s.delay as Uint32Array;
    expect(d).toBeInstanceOf(Uint32Array);
    expect(d.every((x) => x >= 1)).toBe(true);
    expect(s.maxDelay).toBe(Math.max(...d));
    const { p, ...want } = roundedDelays(mean, sd, lo, hi);
    expect(want.mean).toBeCloseTo(expected, 2);
    expectMoments(d, want);
    // Clipping the cut-off share to the bound, rather than drawing it again, would pile it up here (N(15, 7.5): 2.7 %, over twice P(1 step)).
    const ones = d.filter((x) => x === 1).length / N;
    expect(Math.abs(ones - p(1))).toBeLessThan(5 * Math.sqrt(p(1) * (1 - p(1)) / N));
  });

  it('rounds halves up and keeps sd 0 as one delay', () => {
    expect(new Set(build({ delay: { normal: [2.5, 0] } }, STREAM, 50).delay as Uint32Array)).toEqual(new Set([3]));
    expect(new Set(build({ delay: { normal: [2.49, 0] } }, STREAM, 50).delay as Uint32Array)).toEqual(new Set([2]));
  });

  it("the memory estimate's bound: min(max, mean + 7 sd), rounded", () => {
    expect(delayBound({ normal: [15, 7.5], min: 0.5 })).toBe(68);
    expect(delayBound({ normal: [5, 1.5], max: 10.4 })).toBe(10);
    expect(delayBound({ normal: [4000, 100] })).toBe(4096);
  });
});

/** 20 sources driven at different constant currents, 20 targets each of which any one pulse makes spike. */
function circuit(over: Partial<Projection>): Network {
  return {
    dt: 0.1, seed: 7,
    populations: [{ name: 'src', size: 20, model: 'lif' }, { name: 'dst', size: 20, model: 'lif' }],
    projections: [{
      source: 'src', target: 'dst', connectivity: { rule: 'fixed-in-degree', k: 3 }, synapse: { kind: 'pulse', target: 'v' },
      weight: { normal: [30, 10], min: 16 }, delay: { normal: [15, 7.5], min: 0.5 }, ...over,
    }],
    inputs: [{ kind: 'constant', target: 'src', amplitude: { uniform: [400, 800] } }],
  };
}

describe('where normal delays and weights are placed', () => {
  it('a dense rule and a rule the GPU would draw take one delay: with a normal one they are host-built rows', () => {
    const dense = circuit({ connectivity: { rule: 'dense', weights: new Array(400).fill(20) }, weight: undefined });
    const drawn = circuit({ weight: { uniform: [16, 30] } });
    for (const net of [dense, drawn]) {
      expect(placement(net.projections![0]!, false)).toBe('rows');
      expect(placement({ ...net.projections![0]!, delay: 3 }, false)).not.toBe('rows');
      const L = gpuLayout(compileNetwork(net)), pl = L.projections[0]!;
      expect(pl.dense).toBeNull();
      expect(pl.rows).toBeNull();
      expect(pl.delay).not.toBeNull();
      // The ring is as deep as the built delays need, not the estimate's bound.
      expect(L.ring).toBe(1 + pl.synapses.maxDelay);
      expect(pl.synapses.maxDelay).toBeLessThan(delayBound(net.projections![0]!.delay));
    }
  });

  it('the CPU and the GPU give the same spikes, each target spiking 1 + delay steps after a source', async () => {
    const net = circuit({});
    const s = buildSynapses(net.projections![0]!, 0, net.seed, { start: 0, size: 20 }, { start: 20, size: 20 });
    await runBoth(net, { steps: 600 }, ({ cpu, gpu }) => {
      const a = cpu.spikes(), b = gpu.spikes();
      expect(Array.from(b.step)).toEqual(Array.from(a.step));
      expect(Array.from(b.neuron)).toEqual(Array.from(a.neuron));
      const src = a.step.filter((_, k) => a.neuron[k]! < 20), dst = a.step.filter((_, k) => a.neuron[k]! >= 20);
      expect(src.length).toBeGreaterThan(40);
      expect(dst.length).toBeGreaterThan(40);
      // The first spike of each target: 1 + delay after the first spike of a source that reaches it.
      const first = (n: number) => a.step[Array.from(a.neuron).indexOf(n)] ?? Infinity;
      const d = s.delay as Uint32Array;
      for (let j = 0; j < 20; j++) {
        let want = Infinity;
        for (let i = 0; i < 20; i++) for (let q = s.rowStart[i]!; q < s.rowStart[i + 1]!; q++) if (s.post[q] === j) want = Math.min(want, first(i) + 1 + d[q]!);
        expect(first(20 + j), `target ${j}`).toBe(want < 600 ? want : Infinity);
      }
    });
  });
});
