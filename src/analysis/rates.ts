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
 * Start after the initial transient to measure the network's own rhythm.
 */
export function synchronyIndex(spikes: SpikeList, steps: number, binSteps = 1, fromStep = 0): number {
  const c = populationCounts(spikes, steps, binSteps).subarray(Math.ceil(fromStep / binSteps));
  if (c.length === 0) return 0;
  const mean = c.reduce((s, x) => s + x, 0) / c.length;
  if (mean === 0) return 0;
  const variance = c.reduce((s, x) => s + (x - mean) * (x - mean), 0) / c.length;
  return variance / mean;
}

/** Inter-spike intervals (in steps) of one neuron. */
export function interSpikeIntervals(spikes: SpikeList, neuron: number): number[] {
  const times: number[] = [];
  for (let k = 0; k < spikes.step.length; k++) if (spikes.neuron[k] === neuron) times.push(spikes.step[k]!);
  return times.slice(1).map((t, k) => t - times[k]!);
}
