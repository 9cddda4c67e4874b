// The Potjans–Diesmann microcircuit (src/spec/presets/microcircuit.ts) against NEST's reference
// implementation (docs/microcircuit.md): the numbers below were computed with numpy from the
// reference's own formulas (network.py, helpers.py at nest-simulator e0a07455), independently of
// this code: population sizes, synapses per pair, weights, background and DC at full and 0.1 scale.
import { describe, expect, test } from 'vitest';
import { buildSynapses } from '../src/compile/connectivity';
import { compileNetwork } from '../src/compile/plan';
import { microcircuit, microcircuitParameters, pscOverPsp } from '../src/spec/presets/microcircuit';
import { assertNetwork } from '../src/spec/validate';
import { roundedDelays, runBoth } from './helpers';

/** numpy: np.round(num_synapses_from_conn_probs(conn_probs, N_full, N_full)), [target][source]. */
const FULL_SYNAPSES = [
  [45499805, 22323577, 20253647, 9670918, 3293578, 0, 2271404, 0],
  [17443694, 5018763, 4105338, 1690074, 2221213, 0, 353461, 0],
  [3503670, 756561, 24482849, 17413576, 714524, 7003, 14624432, 0],
  [8114254, 92832, 9933538, 5223272, 87836, 0, 8810905, 0],
  [10613575, 1817058, 5507804, 151900, 2040738, 2407889, 1438969, 0],
  [1241436, 169424, 607667, 12851, 319602, 430444, 132414, 0],
  [4681225, 556108, 6727570, 1320234, 4112225, 305029, 8372649, 10827677],
  [2260836, 17207, 220033, 8078, 401638, 25218, 2888426, 1354320],
];
/** numpy at N_scaling = K_scaling = 0.1 (the reference's default). */
const TENTH_SYNAPSES = [
  [454998, 223236, 202536, 96709, 32936, 0, 22714, 0],
  [174437, 50188, 41053, 16901, 22212, 0, 3535, 0],
  [35037, 7566, 244828, 174136, 7145, 70, 146244, 0],
  [81143, 928, 99335, 52233, 878, 0, 88109, 0],
  [106136, 18171, 55078, 1519, 20407, 24079, 14390, 0],
  [12414, 1694, 6077, 129, 3196, 4304, 1324, 0],
  [46812, 5561, 67276, 13202, 41122, 3050, 83726, 108277],
  [22608, 172, 2200, 81, 4016, 252, 28884, 13543],
];
const close = (got: readonly number[], want: readonly number[], tolerance: number) => {
  expect(got.length).toBe(want.length);
  got.forEach((x, k) => expect(Math.abs(x - want[k]!), `[${k}]: ${x} vs ${want[k]}`).toBeLessThan(tolerance));
};

describe('parameters as the reference derives them', () => {
  test('PSP to PSC: 585.3899568613896 pA/mV for C = 250 pF, tau_m = 10 ms, tau_syn = 0.5 ms', () => {
    expect(Math.abs(pscOverPsp(250, 10, 0.5) - 585.3899568613896)).toBeLessThan(1e-9);
  });

  test('full scale: 77,169 neurons, 298,880,968 synapses pair by pair, Poisson 8 Hz × K_ext, no DC', () => {
    const m = microcircuitParameters({ scale: 1 });
    expect(m.sizes).toEqual([20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948]);
    expect(m.synapses).toEqual(FULL_SYNAPSES);
    expect(m.synapses.flat().reduce((a, b) => a + b, 0)).toBe(298_880_968);
    expect(m.externalIndegree).toEqual([1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100]);
    expect(m.dc).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    close([m.weight[0]![0]!, m.weight[0]![1]!, m.weight[0]![2]!, m.weight[3]![2]!, m.externalWeight], [87.80849352920843, -351.23397411683374, 175.61698705841687, 87.80849352920843, 87.80849352920843], 1e-9);
  });

  test('full scale with DC background: the mean of the missing Poisson input, ν·K_ext·J·τ_syn', () => {
    close(microcircuitParameters({ scale: 1, background: 'dc' }).dc, [561.97435859, 526.85096118, 737.59134565, 667.34455082, 702.46794823, 667.34455082, 1018.57852494, 737.59134565], 1e-6);
  });

  test('scale 0.1: sizes and synapses rounded as numpy rounds, weights × 1/√0.1, DC compensating the in-degrees lost', () => {
    const m = microcircuitParameters({ scale: 0.1 });
    expect(m.sizes).toEqual([2068, 583, 2192, 548, 485, 106, 1440, 295]);
    expect(m.synapses).toEqual(TENTH_SYNAPSES);
    expect(m.externalIndegree).toEqual([160, 150, 210, 190, 200, 190, 290, 210]);
    close([m.weight[0]![0]!, m.weight[5]![7]!, m.weight[0]![2]!, m.externalWeight], [277.67483746, -1110.69934984, 555.34967492, 277.67483746045554], 1e-7);
    close(m.dc, [29.03500917, 112.37119818, 112.96972162, 114.99034928, 125.41827676, 151.68446639, 43.84688964, 153.70971965], 1e-6);
    close(microcircuitParameters({ scale: 0.1, background: 'dc' }).dc, [206.74690515, 278.97610066, 346.21658509, 326.02322575, 347.55814673, 362.71734286, 365.94970109, 386.95658312], 1e-6);
  });

  test('a scale outside (0, 1] is refused, naming the option', () => {
    expect(() => microcircuit({ scale: 0 })).toThrow(/microcircuit: scale must be in \(0, 1\], got 0/);
    expect(() => microcircuit({ indegreeScale: 2 })).toThrow(/indegreeScale/);
    expect(() => microcircuit({ scale: 0.0004 })).toThrow(/at neuronScale 0\.0004 L5I would have no neuron; the smallest scale is 0\.0005/);
    expect(microcircuitParameters({ scale: 0.0005 }).sizes.every((n) => n >= 1)).toBe(true);
  });
});

describe('the network description', () => {
  test('validates at scales 0.02, 0.1 and 1; 8 populations of iaf_psc_exp, 60 projections (the pairs with synapses), 8 Poisson inputs', () => {
    for (const scale of [0.02, 0.1, 1]) {
      const net = assertNetwork(microcircuit({ scale }));
      expect(net.populations.map((p) => p.model)).toEqual(Array(8).fill('iaf_psc_exp'));
      expect(net.projections!.length).toBe(FULL_SYNAPSES.flat().filter((n) => n > 0).length);
      expect(net.inputs!.map((i) => i.kind === 'poisson' && i.variable)).toEqual(Array(8).fill('i_ex'));
    }
    const net = microcircuit({ scale: 0.1 });
    const l4eToL23e = net.projections!.find((p) => p.name === 'L4E_to_L23E')!;
    expect(l4eToL23e).toMatchObject({ connectivity: { rule: 'fixed-total', n: 202536, autapses: true }, synapse: { kind: 'pulse', target: 'i_ex' }, weight: { min: 0 } });
    expect(net.projections!.find((p) => p.name === 'L23I_to_L23E')).toMatchObject({ synapse: { target: 'i_in' }, weight: { max: 0 }, delay: { normal: [7.5, 3.75], min: 0.5 } });
  });

  test('at scale 0.02 each pair gets exactly its synapses; initial v as the reference draws it (per-population normal)', () => {
    const net = microcircuit({ scale: 0.02 }), plan = compileNetwork(net);
    const want = microcircuitParameters({ scale: 0.02 });
    for (const pr of plan.projections) {
      const s = buildSynapses(pr.spec, pr.index, plan.seed, pr.source, pr.target);
      expect(s.post.length).toBe(want.synapses[pr.target.index]![pr.source.index]!);
    }
    const l23e = plan.populations[0]!.init[0]!;
    const mean = l23e.reduce((a, b) => a + b, 0) / l23e.length;
    const sd = Math.sqrt(l23e.reduce((a, b) => a + (b - mean) ** 2, 0) / (l23e.length - 1));
    expect(Math.abs(mean - -68.28)).toBeLessThan(5 * 5.36 / Math.sqrt(l23e.length));
    expect(Math.abs(sd - 5.36)).toBeLessThan(0.1 * 5.36);
  });
});

describe('weights and delays as the reference draws them (scale 0.1, the largest pairs)', () => {
  const net = microcircuit({ scale: 0.1 }), plan = compileNetwork(net);
  const built = (name: string) => {
    const pr = plan.projections.find((p) => p.name === name)!;
    return buildSynapses(pr.spec, pr.index, plan.seed, pr.source, pr.target);
  };
  const moments = (a: ArrayLike<number>) => {
    let m = 0, v = 0, min = Infinity, max = -Infinity;
    for (let k = 0; k < a.length; k++) { m += a[k]!; min = Math.min(min, a[k]!); max = Math.max(max, a[k]!); }
    m /= a.length;
    for (let k = 0; k < a.length; k++) v += (a[k]! - m) ** 2;
    return { mean: m, sd: Math.sqrt(v / a.length), min, max };
  };
  test.each([
    ['L4E_to_L23E', 555.34967492, 1, 15],
    ['L23E_to_L23E', 277.67483746, 1, 15],
    ['L23I_to_L23E', -1110.69934984, -1, 7.5],
  ] as const)('%s: weights N(%s pA, 10 %%) keeping the sign %s, delays N(%s steps, half that) from 1 step, within 5 standard errors', (name, w, sign, d) => {
    const s = built(name), n = s.post.length, weight = moments(s.weight as Float64Array), delay = moments(s.delay as Uint32Array);
    expect(Math.sign(weight.min)).toBe(sign);
    expect(Math.sign(weight.max)).toBe(sign);
    expect(Math.abs(weight.mean - w)).toBeLessThan(5 * 0.1 * Math.abs(w) / Math.sqrt(n));
    expect(Math.abs(weight.sd / (0.1 * Math.abs(w)) - 1)).toBeLessThan(5 / Math.sqrt(2 * n));
    const want = roundedDelays(d, d / 2, 0.5);
    expect(delay.min).toBe(1);
    expect(Math.abs(delay.mean - want.mean)).toBeLessThan(5 * want.sd / Math.sqrt(n));
    expect(Math.abs(delay.sd / want.sd - 1)).toBeLessThan(5 / Math.sqrt(n));
  });
});

test('the GPU (f32) against the CPU (f64) at scale 0.02 over 200 ms: the same spikes, in every population', async () => {
  await runBoth(microcircuit({ scale: 0.02 }), { duration: 200 }, ({ cpu, gpu }) => {
    const a = cpu.spikes(), b = gpu.spikes();
    const key = (s: typeof a, k: number) => `${s.step[k]}:${s.neuron[k]}`;
    const mine = new Set(Array.from(a.step, (_, k) => key(a, k)));
    const shared = Array.from(b.step, (_, k) => key(b, k)).filter((x) => mine.has(x)).length;
    expect(a.step.length).toBeGreaterThan(150);
    // Measured on llvmpipe: all 245 spikes the same. The bounds leave room for a GPU whose exp
    // rounds differently to move a few late spikes (f32 against f64 in a recurrent network).
    expect(shared).toBeGreaterThanOrEqual(0.95 * a.step.length);
    expect(Math.abs(b.step.length - a.step.length)).toBeLessThanOrEqual(0.05 * a.step.length);
    for (const [name, rate] of Object.entries(cpu.summary().meanRateHz)) expect(rate, name).toBeGreaterThan(0);
  });
});
