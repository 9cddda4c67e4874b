// Rates and synchrony computed from recorded spikes (never from simulator internals).
import type { SpikeList } from '../run/recorder.js';

/** Mean firing rate in Hz over `neurons` neurons and `steps` steps of `dt` ms. */
export function meanRateHz(spikes: SpikeList, neurons: number, steps: number, dt: number): number {
  return steps > 0 && neurons > 0 ? spikes.step.length / neurons / ((steps * dt) / 1000) : 0;
}

/** Spikes per bin of `binSteps` steps over neurons in [from, to). */
export function populationCounts(spikes: SpikeList, steps: number, binSteps = 1, from = 0, to = Infinity): Float64Array {
  const counts = new Float64Array(Math.ceil(steps / binSteps));
  for (let k = 0; k < spikes.step.length; k++) {
    const i = spikes.neuron[k]!;
    if (i >= from && i < to && spikes.step[k]! < steps) counts[Math.floor(spikes.step[k]! / binSteps)]! += 1;
  }
  return counts;
}

/**
 * Population synchrony as the Fano factor of the population spike count per bin, over steps
 * [fromStep, steps): ≈ 1 for independent (Poisson-like) firing, ≫ 1 when neurons fire together.
 * Start after the initial transient to measure the network's own rhythm. Bins are aligned to step
 * 0 and start at the first whole bin at or after `fromStep`; neurons in [from, to) only.
 */
export function synchronyIndex(spikes: SpikeList, steps: number, binSteps = 1, fromStep = 0, from = 0, to = Infinity): number {
  const c = populationCounts(spikes, steps, binSteps, from, to).subarray(Math.ceil(fromStep / binSteps));
  if (c.length === 0) return 0;
  const { mean, variance } = meanVariance(c);
  return mean === 0 ? 0 : variance / mean;
}

/** Mean and population variance (ddof 0) of a non-empty series. */
function meanVariance(xs: ArrayLike<number>): { mean: number; variance: number } {
  let s = 0, ss = 0;
  for (let k = 0; k < xs.length; k++) s += xs[k]!;
  const mean = s / xs.length;
  for (let k = 0; k < xs.length; k++) ss += (xs[k]! - mean) * (xs[k]! - mean);
  return { mean, variance: ss / xs.length };
}

/** Inter-spike intervals (in steps) of one neuron. */
export function interSpikeIntervals(spikes: SpikeList, neuron: number): number[] {
  const times: number[] = [];
  for (let k = 0; k < spikes.step.length; k++) if (spikes.neuron[k] === neuron) times.push(spikes.step[k]!);
  return times.slice(1).map((t, k) => t - times[k]!);
}

/** Spike k is of a neuron in [from, to) at a step in [fromStep, toStep). */
const inWindow = (spikes: SpikeList, k: number, from: number, to: number, fromStep: number, toStep: number) =>
  spikes.neuron[k]! >= from && spikes.neuron[k]! < to && spikes.step[k]! >= fromStep && spikes.step[k]! < toStep;

/** Mean rate in Hz of the neurons in [from, to) over steps [fromStep, toStep) of `dt` ms, silent neurons included. */
export function populationRateHz(spikes: SpikeList, from: number, to: number, fromStep: number, toStep: number, dt: number): number {
  let n = 0;
  for (let k = 0; k < spikes.step.length; k++) if (inWindow(spikes, k, from, to, fromStep, toStep)) n++;
  return to > from && toStep > fromStep ? n / (to - from) / (((toStep - fromStep) * dt) / 1000) : 0;
}

/**
 * Irregularity: the coefficient of variation (population sd over mean) of each neuron's
 * inter-spike intervals within steps [fromStep, toStep), averaged over the neurons in [from, to)
 * with at least `minSpikes` spikes there (≈ 1 for Poisson firing, 0 for clockwork); NaN if none has.
 */
export function isiCv(spikes: SpikeList, from: number, to: number, fromStep = 0, toStep = Infinity, minSpikes = 3): number {
  const times = new Map<number, number[]>();
  for (let k = 0; k < spikes.step.length; k++) {
    if (!inWindow(spikes, k, from, to, fromStep, toStep)) continue;
    const t = times.get(spikes.neuron[k]!);
    if (t) t.push(spikes.step[k]!); else times.set(spikes.neuron[k]!, [spikes.step[k]!]);
  }
  let sum = 0, n = 0;
  for (const t of times.values()) {
    if (t.length < Math.max(2, minSpikes)) continue;
    t.sort((a, b) => a - b);
    const { mean, variance } = meanVariance(t.slice(1).map((x, k) => x - t[k]!));
    sum += Math.sqrt(variance) / mean;
    n++;
  }
  return n > 0 ? sum / n : NaN;
}
