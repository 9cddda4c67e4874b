// Analysis of continuous traces (seed 003's synchrony measures, spike detection for
// continuous models, rates and intervals). Reads recorded arrays, never the simulator.

/**
 * Upward crossings of `threshold` in a sampled trace, as times (ms) interpolated linearly
 * between the samples around each crossing. Sample k is at time t0 + k · dt.
 */
export function detectSpikes(trace: ArrayLike<number>, threshold: number, dt: number, t0 = 0): Float64Array {
  const out: number[] = [];
  for (let k = 1; k < trace.length; k++) {
    const a = trace[k - 1]!, b = trace[k]!;
    if (a < threshold && b >= threshold) out.push(t0 + dt * (k - 1 + (threshold - a) / (b - a)));
  }
  return Float64Array.from(out);
}

/** Pearson correlation of two equally long series (numpy.corrcoef(a, b)[0, 1]); NaN if one is constant. */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length < 2) throw new RangeError(`correlation needs two series of equal length ≥ 2, got ${a.length} and ${b.length}`);
  const n = a.length;
  let ma = 0, mb = 0;
  for (let k = 0; k < n; k++) { ma += a[k]!; mb += b[k]!; }
  ma /= n; mb /= n;
  let sab = 0, saa = 0, sbb = 0;
  for (let k = 0; k < n; k++) {
    const da = a[k]! - ma, db = b[k]! - mb;
    sab += da * db; saa += da * da; sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** Mean absolute difference, seed 003's "phase difference": mean(|a − b|). */
export function meanAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length === 0) throw new RangeError(`meanAbsDifference needs two non-empty series of equal length, got ${a.length} and ${b.length}`);
  let s = 0;
  for (let k = 0; k < a.length; k++) s += Math.abs(a[k]! - b[k]!);
  return s / a.length;
}

/** Firing rate in Hz of spikes (ms) within [from, to) ms. */
export function firingRate(spikeTimes: ArrayLike<number>, from: number, to: number): number {
  if (!(to > from)) throw new RangeError(`firingRate needs to > from, got [${from}, ${to})`);
  let k = 0;
  for (let q = 0; q < spikeTimes.length; q++) if (spikeTimes[q]! >= from && spikeTimes[q]! < to) k++;
  return (1000 * k) / (to - from);
}

/** Intervals between consecutive spike times (same unit as the times). */
export function intervals(spikeTimes: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: Math.max(0, spikeTimes.length - 1) }, (_, k) => spikeTimes[k + 1]! - spikeTimes[k]!);
}
