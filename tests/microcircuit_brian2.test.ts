// The microcircuit (src/spec/presets/microcircuit.ts) against an independent Brian2 2.5.1
// implementation of NEST's reference (tests/fixtures/brian2_microcircuit.py writes
// fixtures/brian2-microcircuit.json): per population, the mean rate, the mean ISI CV and the
// synchrony (Fano factor of 3 ms counts) over 1 s after a 200 ms warm-up, at the fixture's scale;
// ours on the CPU (f64) for several seeds and on the GPU (f32) for one. The networks are equal in
// distribution only, so the comparison is statistical (docs/microcircuit.md#validated-against-brian2).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { isiCv, populationRateHz, synchronyIndex } from '../src/analysis/rates';
import { type SimulationOptions } from '../src/run/simulation';
import { createSimulation } from '../src/run/create';
import { MICROCIRCUIT_POPULATIONS, microcircuit, microcircuitParameters } from '../src/spec/presets/microcircuit';
import { testGpu } from './helpers';

type Measure = 'rate' | 'cv' | 'synchrony';
const MEASURES: readonly Measure[] = ['rate', 'cv', 'synchrony'];
interface Fixture {
  brian2: string; codegen: string; scale: number; dt: number; steps: number;
  window: { fromStep: number; toStep: number; binSteps: number };
  populations: string[]; sizes: number[]; synapses: number[][]; weight: number[][];
  externalWeight: number; externalIndegree: number[]; dc: number[]; seeds: number[];
  summary: Record<Measure, { mean: number[]; sd: number[]; n: number[] }>;
}
const fixture = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'brian2-microcircuit.json'), 'utf8')) as Fixture;
const { fromStep, toStep, binSteps } = fixture.window;

// Six CPU seeds and one GPU seed keep the file under 1.5 minutes on a 2-core machine (a run of 1.2 s
// at scale 0.05: 9 s on the CPU, 30–45 s on llvmpipe). Brian2's seeds are its own: nothing is paired.
const CPU_SEEDS = [1, 2, 3, 4, 5, 6];
const GPU_SEED = 7;
// |ours − Brian2| ≤ Z·√(sd_b²/n_b + sd²/n) + floor, where sd is ours but never below Brian2's: 6
// seeds can underestimate an sd twofold, and over 128 seeds ours was 0.8–1.35 times Brian2's. Z = 4
// standard errors: a false alarm per comparison of 2e-4 if the two agree (t, 47 degrees of freedom;
// 0.5 % over 24). Every comparison is reported (expect.soft): a failure shows what moved.
const Z = 4;
// Only matters where a population is near silent in every seed (sd ≈ 0); small next to every sd here.
const FLOOR: Record<Measure, number> = { rate: 0.01, cv: 0.01, synchrony: 0.02 };

/** Each population's three measures over the fixture's window, from one run of `seed`. */
async function measure(seed: number, options: SimulationOptions): Promise<Record<Measure, number[]>> {
  const net = microcircuit({ scale: fixture.scale, seed });
  const sim = await createSimulation(net, options);
  try {
    await sim.run({ steps: fixture.steps });
    const spikes = sim.spikes(), out: Record<Measure, number[]> = { rate: [], cv: [], synchrony: [] };
    let from = 0;
    for (const p of net.populations) {
      const to = from + (p.size as number);
      out.rate.push(populationRateHz(spikes, from, to, fromStep, toStep, fixture.dt));
      out.cv.push(isiCv(spikes, from, to, fromStep, toStep));
      out.synchrony.push(synchronyIndex(spikes, toStep, binSteps, fromStep, from, to));
      from = to;
    }
    return out;
  } finally {
    sim.destroy();
  }
}

/** Brian2's mean, sd and number of seeds for one measure and population. */
const brian2 = (m: Measure, i: number) => ({ mean: fixture.summary[m].mean[i]!, sd: fixture.summary[m].sd[i]!, n: fixture.summary[m].n[i]! });
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('the microcircuit against Brian2 2.5.1', () => {
  test('the fixture: Brian2 2.5.1; its own derivation of the network equals ours (sizes, all 64 synapse counts, weights, DC)', () => {
    expect(fixture.brian2).toBe('2.5.1');
    expect(fixture.populations).toEqual([...MICROCIRCUIT_POPULATIONS]);
    expect([fixture.dt, fixture.steps, fromStep, toStep, binSteps]).toEqual([0.1, 12000, 2000, 12000, 30]);
    const m = microcircuitParameters({ scale: fixture.scale });
    expect(fixture.sizes).toEqual(m.sizes);
    expect(fixture.synapses).toEqual(m.synapses);
    expect(fixture.externalIndegree).toEqual(m.externalIndegree);
    const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(1e-9);
    fixture.weight.forEach((row, i) => row.forEach((w, j) => close(w, m.weight[i]![j]!)));
    fixture.dc.forEach((x, i) => close(x, m.dc[i]!));
    close(fixture.externalWeight, m.externalWeight);
    expect(fixture.summary.rate.n).toEqual(Array(8).fill(fixture.seeds.length));
    expect(fixture.summary.synchrony.n).toEqual(Array(8).fill(fixture.seeds.length));
  });

  test(`CPU (f64), seeds ${CPU_SEEDS.join(', ')}: each population's mean of each measure within ${Z} standard errors of Brian2's`, async () => {
    const runs: Record<Measure, number[]>[] = [];
    for (const seed of CPU_SEEDS) runs.push(await measure(seed, {}));
    for (const m of MEASURES) {
      MICROCIRCUIT_POPULATIONS.forEach((pop, i) => {
        const ours = runs.map((r) => r[m][i]!).filter(Number.isFinite), b = brian2(m, i);
        // A CV needs a neuron with 3 spikes in the window: L2/3E (≈ 0.26 Hz) lacked one once in ~300 runs.
        expect.soft(ours.length, `${m} ${pop}: seeds with a value`).toBeGreaterThanOrEqual(m === 'cv' ? CPU_SEEDS.length - 2 : CPU_SEEDS.length);
        const sd = Math.max(b.sd, Math.sqrt(ours.reduce((a, x) => a + (x - mean(ours)) ** 2, 0) / (ours.length - 1)));
        const tolerance = Z * Math.sqrt(b.sd ** 2 / b.n + sd ** 2 / ours.length) + FLOOR[m];
        expect.soft(Math.abs(mean(ours) - b.mean), `${m} ${pop}: ours ${mean(ours)} (${ours}), Brian2 ${b.mean} ± ${b.sd}`).toBeLessThanOrEqual(tolerance);
      });
    }
  }, 600_000);

  test(`GPU (f32), seed ${GPU_SEED}: each population's measures within Brian2's spread over seeds`, async () => {
    const ours = await measure(GPU_SEED, { backend: 'gpu', device: (await testGpu()).device });
    for (const m of MEASURES) {
      MICROCIRCUIT_POPULATIONS.forEach((pop, i) => {
        // One run against the seeds' distribution: the prediction interval of a new draw, sd·√(1 + 1/n).
        const x = ours[m][i]!, b = brian2(m, i), tolerance = Z * b.sd * Math.sqrt(1 + 1 / b.n) + FLOOR[m];
        if (Number.isNaN(x) && b.n < fixture.seeds.length) return; // no CV, as in some of Brian2's seeds
        expect.soft(Math.abs(x - b.mean), `${m} ${pop}: GPU ${x}, Brian2 ${b.mean} ± ${b.sd}`).toBeLessThanOrEqual(tolerance);
      });
    }
  }, 600_000);
});
