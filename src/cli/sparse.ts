// `spikegpu run cobahh | sparse-izhikevich | FILE.json`: a sparse network (src/sparse/) from a
// preset or a JSON description, written as spikes.csv, rates.csv, summary.json and raster.svg.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { lineChartSvg } from '../plot/lines';
import { rasterSvg } from '../plot/raster';
import { type SparseNetworkDescription, cobahh, sparseIzhikevich } from '../sparse/description';
import { SparseSimulation } from '../sparse/simulation';
import { UsageError, numberOption, outAndBackend, parseOptions, prepareOut, progress } from './args';

export const SPARSE_NETWORKS = ['cobahh', 'sparse-izhikevich'] as const;

export const SPARSE_USAGE = `       spikegpu run cobahh|sparse-izhikevich|FILE.json --out DIR [options]

Sparse networks (event-driven, connectivity built on the GPU): COBAHH (docs/models.md#cobahh; 4000 neurons,
p = 0.02, or the scaled benchmark), the seed's neurons with fixed in-degree, or any description
saved as JSON (SparseNetworkDescription). Writes spikes.csv, rates.csv (1 ms bins), summary.json
and raster.svg (at most 1000 neurons drawn, evenly spaced); with --trace also traces.csv (every
state variable of those neurons after every step) and v.svg (their membrane potentials).

  --neurons N            network size (default 4000 for cobahh, 1000 for sparse-izhikevich)
  --scaled               cobahh: the benchmark (p = 1000/N, weights 0)
  --in-degree K          sparse-izhikevich: synapses per neuron (default min(1000, N))
  --delay STEPS          sparse-izhikevich: axonal delay of every projection (default 0)
  --duration MS          simulated time (default 1000)
  --seed N               seed of every random draw (default: the description's)
  --record all|rates|none  what is recorded (none: only summary.json, for speed runs)
  --trace I,J,...        neurons (global indices) whose state is traced, as Brian2's COBAHH
                         example does for 1,10,100 (at most 1024)
  --launch auto|one-workgroup|per-step  GPU launch shape (default auto)
  --connectivity stored|procedural  procedural: fixed-probability and out-degree rows are drawn
                         again at each spike instead of stored (no synapse memory)
  --memory-limit BYTES   memory the GPU may use (WebGPU does not report it; an H100: 80e9)
  --backend, --force, --quiet as above`;

const RASTER_NEURONS = 1000;

export function isSparseNetwork(name: string): boolean {
  return (SPARSE_NETWORKS as readonly string[]).includes(name) || name.endsWith('.json');
}

interface SparseArgs {
  out: string; backend: 'gpu' | 'cpu'; duration: number; record: 'all' | 'rates' | 'none';
  launch: 'auto' | 'one-workgroup' | 'per-step'; connectivity: 'stored' | 'procedural'; memoryLimit?: number; force: boolean; quiet: boolean;
  traced: boolean;
}

async function parse(network: string, rest: string[]): Promise<{ desc: SparseNetworkDescription; args: SparseArgs }> {
  const json = network.endsWith('.json');
  const names = ['out', 'backend', 'duration', 'seed', 'record', 'launch', 'connectivity', 'memory-limit', 'trace',
    ...(json ? [] : ['neurons']), ...(network === 'sparse-izhikevich' ? ['in-degree', 'delay'] : [])];
  const { opts, flags } = parseOptions(rest, names, ['force', 'quiet', ...(network === 'cobahh' ? ['scaled'] : [])], ` for ${network}`);
  const { out, backend } = outAndBackend(opts);
  const number = numberOption(opts);
  const count = (x: number) => Number.isInteger(x) && x >= 1;
  const neurons = number('neurons', undefined, (x) => count(x) && x >= 2 && x <= 1 << 26, 'an integer in [2, 67108864]');
  const seed = number('seed', undefined, (x) => Number.isSafeInteger(x) && x >= 0, 'a non-negative integer');
  const record = opts.record ?? 'all';
  if (record !== 'all' && record !== 'rates' && record !== 'none') throw new UsageError(`--record must be all, rates or none, got ${record}`);
  const launch = opts.launch ?? 'auto';
  if (launch !== 'auto' && launch !== 'one-workgroup' && launch !== 'per-step') throw new UsageError(`--launch must be auto, one-workgroup or per-step, got ${launch}`);
  const connectivity = opts.connectivity ?? 'stored';
  if (connectivity !== 'stored' && connectivity !== 'procedural') throw new UsageError(`--connectivity must be stored or procedural, got ${connectivity}`);
  // The list's indices are checked against the network by the description's validation.
  const traces = opts.trace?.split(',').map((x) => {
    if (!/^\d+$/.test(x.trim())) throw new UsageError(`--trace must be neuron indices separated by commas, got ${opts.trace}`);
    return Number(x);
  });
  const recording = { spikes: record === 'all', rates: record !== 'none', ...(traces ? { traces } : {}) };
  let desc: SparseNetworkDescription;
  if (json) {
    let text: string;
    try { text = await readFile(network, 'utf8'); } catch (e) { throw new UsageError(`cannot read ${network}: ${(e as Error).message}`); }
    try { desc = JSON.parse(text) as SparseNetworkDescription; } catch (e) { throw new UsageError(`${network} is not JSON: ${(e as Error).message}`); }
    if (typeof desc === 'object' && desc !== null) desc = { ...desc, ...(seed !== undefined ? { seed } : {}), record: { ...desc.record, ...recording } };
  } else if (network === 'cobahh') {
    desc = cobahh({ n: neurons, seed, scaled: flags.has('scaled'), record: recording });
  } else {
    const n = neurons ?? 1000;
    const k = number('in-degree', Math.min(1000, n), (x) => Number.isInteger(x) && x >= 0 && x <= n, `an integer in [0, ${n}]`);
    const delay = number('delay', 0, (x) => Number.isInteger(x) && x >= 0, 'an integer number of steps ≥ 0');
    desc = sparseIzhikevich({ n, k, delay, seed, record: recording });
  }
  return {
    desc,
    args: {
      out, backend, record, launch, connectivity, force: flags.has('force'), quiet: flags.has('quiet'),
      traced: (desc as { record?: { traces?: unknown[] } })?.record?.traces?.length ? true : false,
      duration: number('duration', 1000, (x) => Number.isFinite(x) && x > 0 && x <= 1e7, 'a duration in ms in (0, 1e7]'),
      memoryLimit: number('memory-limit', undefined, (x) => Number.isFinite(x) && x > 0, 'a number of bytes > 0'),
    },
  };
}

function outputs(a: SparseArgs): string[] {
  return ['summary.json', ...(a.record !== 'none' ? ['rates.csv'] : []), ...(a.record === 'all' ? ['spikes.csv', 'raster.svg'] : []),
    ...(a.traced ? ['traces.csv', 'v.svg'] : [])];
}

/** Population rates in Hz per bin of `bin` steps: a header, then t_ms (bin start) and one column per population. */
export function ratesCsv(counts: Uint32Array, ranges: readonly { name: string; size: number }[], steps: number, dt: number, bin: number): string {
  const pops = ranges.length;
  const lines = [['t_ms', ...ranges.map((r) => `${r.name}_hz`)].join(',')];
  for (let s0 = 0; s0 < steps; s0 += bin) {
    const width = Math.min(bin, steps - s0);
    const cols = ranges.map((r, p) => {
      let c = 0;
      for (let s = s0; s < s0 + width; s++) c += counts[s * pops + p]!;
      return +(c / r.size / (width * dt / 1000)).toPrecision(6);
    });
    lines.push([+(s0 * dt).toPrecision(10), ...cols].join(','));
  }
  return lines.join('\n') + '\n';
}

export async function sparseMain(network: string, rest: string[]): Promise<number> {
  const { desc, args } = await parse(network, rest);
  await prepareOut(args.out, args.force, outputs(args));
  const sim = await SparseSimulation.create(desc, {
    backend: args.backend, launch: args.launch, connectivity: args.connectivity, memoryLimit: args.memoryLimit,
  });
  try {
    const { plan } = sim;
    const steps = Math.round(args.duration / plan.dt);
    const { wallSeconds: wall, spikes } = await sim.run({ steps, onProgress: progress(args.quiet) });
    const files: Record<string, string> = {};
    const populations = plan.ranges.map((r) => ({ name: r.name, start: r.start, size: r.size }));
    const summary = {
      network: desc.name ?? network, model: plan.model, neurons: plan.n, populations,
      projections: plan.projections.map((p, q) => ({
        pre: p.pre.name, post: p.post.name, synapses: sim.backend.synapses[q], maxInDegree: sim.backend.maxInDegree[q], delay: p.delay,
      })),
      dt: plan.dt, steps, durationMs: steps * plan.dt, seed: desc.seed, record: args.record, traced: [...plan.traced],
      backend: sim.backend.kind, adapter: sim.backend.adapter,
      launch: sim.backend.launch, connectivity: sim.backend.kind === 'gpu' ? args.connectivity : 'stored',
      wallSeconds: wall, secondsPerSimulatedSecond: wall / (steps * plan.dt / 1000),
      spikes: args.record === 'none' ? null : spikes,
      meanRatesHz: args.record === 'none' ? null : sim.meanRates(),
    };
    files['summary.json'] = JSON.stringify(summary, null, 2) + '\n';
    if (args.record !== 'none') files['rates.csv'] = ratesCsv(sim.rateCounts(), plan.ranges, steps, plan.dt, Math.max(1, Math.round(1 / plan.dt)));
    if (args.record === 'all') {
      const s = sim.spikes();
      const lines = ['t_ms,neuron'];
      for (let k = 0; k < s.steps.length; k++) lines.push(`${+(s.steps[k]! * plan.dt).toPrecision(10)},${s.neurons[k]}`);
      files['spikes.csv'] = lines.join('\n') + '\n';
      // Every stride-th neuron, so the picture stays readable and small for any N.
      const stride = Math.ceil(plan.n / RASTER_NEURONS);
      const keep = Array.from(s.neurons, (i) => i % stride === 0);
      const shown = { step: s.steps.filter((_, k) => keep[k]), neuron: s.neurons.filter((_, k) => keep[k]).map((i) => i / stride) };
      files['raster.svg'] = rasterSvg(shown, {
        steps, dt: plan.dt, neurons: Math.ceil(plan.n / stride),
        populations: populations.map((p) => ({ name: p.name, start: Math.ceil(p.start / stride), size: p.size / stride })),
        title: `${summary.network} — ${spikes} spikes (${sim.backend.kind}${stride > 1 ? `; every ${stride}th neuron drawn` : ''})`,
      });
    }
    if (plan.traced.length) Object.assign(files, tracesFiles(sim, summary.network));
    for (const [file, text] of Object.entries(files)) await writeFile(join(args.out, file), text);
    if (!args.quiet) {
      const rates = summary.meanRatesHz ? Object.entries(summary.meanRatesHz).map(([p, r]) => `${p} ${r.toFixed(2)} Hz`).join(', ') : 'nothing recorded';
      console.log(`${summary.network}: ${plan.n} neurons, ${summary.durationMs} ms in ${wall.toFixed(3)} s on ${summary.adapter}` +
        `${summary.launch ? ` (${summary.launch})` : ''}: ${rates}; wrote ${args.out}/{${Object.keys(files).join(',')}}`);
    }
    return 0;
  } finally {
    sim.destroy();
  }
}

/** traces.csv (t_ms, then every traced neuron's variables) and v.svg (their membrane potentials). */
function tracesFiles(sim: SparseSimulation, title: string): Record<string, string> {
  const { traced, traceVariables, dt } = sim.plan;
  const steps = sim.currentStep;
  const t = Float64Array.from({ length: steps }, (_, k) => (k + 1) * dt);  // value k: the state after step k
  const columns = [...traced].flatMap((i) => traceVariables.map((v) => ({ i, v, name: `n${i}_${v}`, values: sim.trace(i, v) })));
  const lines = [['t_ms', ...columns.map((c) => c.name)].join(',')];
  for (let k = 0; k < steps; k++) lines.push([+t[k]!.toPrecision(10), ...columns.map((c) => +c.values[k]!.toPrecision(7))].join(','));
  const v = lineChartSvg(columns.filter((c) => c.v === 'v').map((c) => ({ x: t, y: c.values, label: `neuron ${c.i}` })), {
    title: `${title}: membrane potential (${sim.backend.kind})`, xLabel: 'Time (ms)', yLabel: 'v (mV)',
  });
  return { 'traces.csv': lines.join('\n') + '\n', 'v.svg': v };
}
