// Analysis of continuous traces (src/analysis/continuous.ts) on hand-made series.
import { expect, test } from 'vitest';
import { correlation, detectSpikes, firingRate, intervals, meanAbsDifference } from '../src/analysis/continuous';

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
