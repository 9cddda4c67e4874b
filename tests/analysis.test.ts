// Analysis of continuous traces (src/analysis/continuous.ts) on hand-made series.
import { describe, expect, test } from 'vitest';
import { correlation, detectSpikes, firingRate, intervals, meanAbsDifference } from '../src/analysis/continuous';
import { isiCv, populationRateHz, synchronyIndex } from '../src/analysis/rates';

test('detectSpikes finds upward crossings only, interpolated between samples', () => {
  const v = [-65, -10, 10, 40, 0, -70, -30, 30, 50, 60, -65];
  // crossings of 0: between samples 1→2 (at 1.5) and 6→7 (at 6.5); the fall at 3→4 does not count
  expect(Array.from(detectSpikes(v, 0, 0.1))).toEqual([0.1 * 1.5, 0.1 * 6.5].map((x) => expect.closeTo(x, 12)));
  expect(detectSpikes(v, 0, 0.1, 5)[0]).toBeCloseTo(5.15, 12);
  expect(detectSpikes([1, 2, 3], 0, 1).length).toBe(0); // starts above: no crossing
});

test("correlation is numpy's corrcoef, mean absolute difference is seed 003's 'phase difference'", () => {
  const a = [1, 2, 3, 4, 5], b = [2, 4, 6, 8, 10], c = [5, 4, 3, 2, 1];
  expect(correlation(a, b)).toBeCloseTo(1, 14);
  expect(correlation(a, c)).toBeCloseTo(-1, 14);
  expect(correlation([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(0.8, 14);
  expect(Number.isNaN(correlation([1, 1, 1], [1, 2, 3]))).toBe(true);
  expect(meanAbsDifference([0, 1, 2], [1, 1, 4])).toBeCloseTo(1, 14);
  expect(() => correlation([1, 2], [1])).toThrow(RangeError);
});

test('firing rate in Hz over a window and inter-spike intervals', () => {
  const t = [5, 15, 25, 35, 120];
  expect(firingRate(t, 0, 100)).toBe(40);       // 4 spikes in 100 ms
  expect(firingRate(t, 10, 30)).toBe(100);      // 2 spikes in 20 ms
  expect(Array.from(intervals(t))).toEqual([10, 10, 10, 85]);
  expect(intervals([3]).length).toBe(0);
  expect(() => firingRate(t, 5, 5)).toThrow(RangeError);
});

describe('per-population measures over a window (src/analysis/rates.ts)', () => {
  // neuron 0 at steps 0, 10, 20, 40; neuron 1 at 5, 15, 25; neuron 2 at 3, 33; neuron 3 silent
  const spikes = { step: Int32Array.from([0, 3, 5, 10, 15, 20, 25, 33, 40]), neuron: Int32Array.from([0, 2, 1, 0, 1, 0, 1, 2, 0]) };

  test('isiCv: mean over neurons with ≥ minSpikes of sd/mean of their intervals (ddof 0), NaN if none', () => {
    // neuron 0: intervals 10, 10, 20 (mean 40/3, sd 10√2/3, CV √2/4); neuron 1: 10, 10 (CV 0); neuron 2 has 2 spikes
    expect(isiCv(spikes, 0, 4)).toBeCloseTo(Math.SQRT2 / 8, 14);
    expect(isiCv(spikes, 0, 4, 0, Infinity, 2)).toBeCloseTo((Math.SQRT2 / 4 + 0 + 0) / 3, 14); // neuron 2: one interval, CV 0
    expect(isiCv(spikes, 0, 4, 10)).toBeCloseTo(1 / 3, 14);   // from step 10: neuron 0 has 10, 20 (mean 15, sd 5); neuron 1 two spikes
    expect(isiCv(spikes, 0, 4, 0, 40)).toBe(0);               // step 40 left out: neuron 0 10, 10 and neuron 1 10, 10
    expect(isiCv(spikes, 1, 2)).toBe(0);
    expect(Number.isNaN(isiCv(spikes, 2, 4))).toBe(true);
  });

  test('populationRateHz counts silent neurons; synchronyIndex over one population, bins from the first whole bin at fromStep', () => {
    expect(populationRateHz(spikes, 0, 2, 10, 30, 0.1)).toBe(1000);  // 4 spikes, 2 neurons, 2 ms
    expect(populationRateHz(spikes, 0, 4, 0, 50, 0.1)).toBe(9 / 4 / 0.005);
    expect(populationRateHz(spikes, 3, 4, 0, 50, 0.1)).toBe(0);
    // neurons [0, 2), 10-step bins: counts 2, 2, 2, 0, 1 (steps 0–49); mean 7/5, variance 16/25 → 16/35
    expect(synchronyIndex(spikes, 50, 10, 0, 0, 2)).toBeCloseTo(16 / 35, 14);
    // from step 15: bins start at 20 (counts 2, 0, 1): mean 1, variance 2/3
    expect(synchronyIndex(spikes, 50, 10, 15, 0, 2)).toBeCloseTo(2 / 3, 14);
    // all neurons (the default range): counts 3, 2, 2, 1, 1 → mean 9/5, variance 14/25 → 14/45
    expect(synchronyIndex(spikes, 50, 10)).toBeCloseTo(14 / 45, 14);
    expect(synchronyIndex(spikes, 50, 10, 0, 3, 4)).toBe(0);
  });
});
