// What the run commands write, in one format whatever the network: spikes.csv, rates.csv, the
// raster, the probes' traces and summary.json (docs/conventions.md#spike-times: a spike of step s is at s·dt).
import { lineChartSvg } from '../plot/lines.js';
import { rasterSvg } from '../plot/raster.js';
import type { Simulation } from '../run/simulation.js';
import type { Network } from '../spec/network.js';
import { globalIndex } from '../spec/probes.js';

/** A time in ms with at most 10 significant digits, so that 3 steps of 0.1 ms print as 0.3. */
export const ms = (x: number): number => +x.toPrecision(10);

/** A CSV of equal-length columns under `header`. */
export function csv(header: readonly string[], columns: readonly ArrayLike<number>[]): string {
  const rows = [header.join(',')];
  const n = columns[0]?.length ?? 0;
  for (let k = 0; k < n; k++) rows.push(columns.map((c) => c[k]).join(','));
  return rows.join('\n') + '\n';
}

/** JSON with non-finite numbers (a diverged copy's measures) as null. */
export const json = (x: unknown): string => JSON.stringify(x, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n';

/** t_ms,neuron (global index) per recorded spike, in step order; a batch adds the copy. */
export function spikesCsv(sim: Simulation): string {
  const s = sim.spikes(), dt = sim.plan.dt, batch = sim.plan.copies > 1;
  const lines = [batch ? 't_ms,neuron,copy' : 't_ms,neuron'];
  for (let k = 0; k < s.step.length; k++) lines.push(`${ms(s.step[k]! * dt)},${s.neuron[k]}${batch ? `,${s.copy[k]}` : ''}`);
  return lines.join('\n') + '\n';
}

/** Population rates in Hz (all copies) per bin of `bin` steps: t_ms (bin start), then one column per population. */
export function ratesCsv(sim: Simulation, bin: number): string {
  const { populations, copies, dt } = sim.plan;
  const counts = populations.map((p) => sim.rates(p.name));
  const steps = counts[0]?.length ?? 0;
  const lines = [['t_ms', ...populations.map((p) => `${p.name}_hz`)].join(',')];
  for (let s0 = 0; s0 < steps; s0 += bin) {
    const width = Math.min(bin, steps - s0);
    const cols = populations.map((p, q) => {
      let c = 0;
      for (let s = s0; s < s0 + width; s++) c += counts[q]![s]!;
      return +(c / (p.size * copies) / ((width * dt) / 1000)).toPrecision(6);
    });
    lines.push([ms(s0 * dt), ...cols].join(','));
  }
  return lines.join('\n') + '\n';
}

/** The raster of copy 0, every stride-th neuron when there are more than `maxNeurons`, so the picture stays readable for any N. */
export function rasterFile(sim: Simulation, title: string, note: string, maxNeurons = Infinity): string {
  const { n, dt, populations, copies } = sim.plan;
  const s = sim.spikes(), stride = Math.ceil(n / Math.min(n, maxNeurons));
  const keep = Array.from(s.neuron, (i, k) => i % stride === 0 && s.copy[k] === 0);
  const shown = { step: s.step.filter((_, k) => keep[k]), neuron: s.neuron.filter((_, k) => keep[k]).map((i) => i / stride) };
  return rasterSvg(shown, {
    steps: sim.step, dt, neurons: Math.ceil(n / stride),
    populations: populations.map((p) => ({ name: p.name, start: Math.ceil(p.start / stride), size: p.size / stride })),
    title: `${title} (${[note, stride > 1 ? `every ${stride}th neuron drawn` : '', copies > 1 ? 'copy 0' : ''].filter(Boolean).join('; ')})`,
  });
}

/** One traced column: a probed neuron's variable (copy 0), named n<global index>_<variable>; `first`: its model's first state variable. */
interface Column { q: number; neuron: number; variable: string; first: boolean; name: string; values: Float64Array }

/** Every probed neuron's columns, in the order of `order` (global indices) then of the probes. */
function columns(sim: Simulation, order: readonly number[]): Column[] {
  const cols: Column[] = [];
  (sim.plan.network.record?.probes ?? []).forEach((p, q) => {
    const pop = sim.plan.populations.find((x) => x.name === p.population)!, first = pop.model.variables[0] === p.variable;
    for (const j of p.neurons) {
      const neuron = globalIndex(sim.plan.network, p.population, j);
      cols.push({ q, neuron, variable: p.variable, first, name: `n${neuron}_${p.variable}`, values: sim.trace({ population: p.population, variable: p.variable, neuron: j }) });
    }
  });
  const rank = (i: number) => (order.includes(i) ? order.indexOf(i) : order.length + i);
  return cols.sort((a, b) => rank(a.neuron) - rank(b.neuron));  // stable: variables stay in probe order
}

/** The files the probes fill: traces.csv (the first probe's sampling interval; others traces-every-K.csv) and v.svg. */
export function traceFileNames(net: Network): string[] {
  const probes = net.record?.probes ?? [];
  if (probes.length === 0) return [];
  const every = [...new Set(probes.map((p) => p.every ?? 1))];
  return [...every.map((k, i) => (i === 0 ? 'traces.csv' : `traces-every-${k}.csv`)), 'v.svg'];
}

/**
 * The probes' traces: t_ms (the state after steps every − 1, 2·every − 1, …) then every traced
 * neuron's variables, and v.svg with their membrane potentials (each model's first state variable).
 */
export function traceFiles(sim: Simulation, title: string, note: string, order: readonly number[]): Record<string, string> {
  const cols = columns(sim, order), probes = sim.plan.network.record?.probes ?? [];
  const names = traceFileNames(sim.plan.network), files: Record<string, string> = {};
  [...new Set(probes.map((p) => p.every ?? 1))].forEach((every, i) => {
    const mine = cols.filter((c) => (probes[c.q]!.every ?? 1) === every);
    const t = sim.times(mine[0]!.q);
    files[names[i]!] = csv(['t_ms', ...mine.map((c) => c.name)], [Array.from(t, ms), ...mine.map((c) => Array.from(c.values, (x) => +x.toPrecision(7)))]);
  });
  const shown = cols.filter((c) => c.first);
  files['v.svg'] = lineChartSvg(shown.map((c) => ({ x: sim.times(c.q), y: c.values, label: `neuron ${c.neuron}` })), {
    title: `${title}: membrane potential (${note})`, xLabel: 'Time (ms)', yLabel: `${shown[0]?.variable ?? 'v'} (mV)`,
  });
  return files;
}
