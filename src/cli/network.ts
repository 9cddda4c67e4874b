// `spikegpu run cobahh | sparse-izhikevich | FILE.json`: a preset or any network description saved
// as JSON (docs/network.md) through the one API, written as spikes.csv, rates.csv, summary.json,
// raster.svg and, with probes, traces.csv and v.svg.
import { readFile } from 'node:fs/promises';
import { createSimulation } from '../run/simulation';
import type { Network, Probe } from '../spec/network';
import { cobahh, sparseIzhikevich } from '../spec/presets/sparse';
import { populationModel } from '../spec/check';
import { globalIndex, networkSize, probesOf } from '../spec/probes';
import { assertNetwork } from '../spec/validate';
import { UsageError, numberOption, outAndBackend, parseOptions, prepareOut, progress } from './args';
import { json, rasterFile, ratesCsv, spikesCsv, traceFileNames, traceFiles, writeFiles } from './outputs';

export const NETWORKS = ['cobahh', 'sparse-izhikevich'] as const;

export const NETWORK_USAGE = `       spikegpu run cobahh|sparse-izhikevich|FILE.json --out DIR [options]

Any network (docs/network.md): COBAHH (docs/models.md#cobahh; 4000 neurons, p = 0.02, or the
scaled benchmark), the seed's neurons with fixed in-degree, or any network description saved as
JSON (its errors are named by field). Writes spikes.csv, rates.csv (1 ms bins), summary.json and
raster.svg (at most 1000 neurons drawn, evenly spaced); with --trace, or probes in the
description, also traces.csv (the probed variables after every step) and v.svg (their membrane
potentials).

  --neurons N            network size (default 4000 for cobahh, 1000 for sparse-izhikevich)
  --scaled               cobahh: the benchmark (p = 1000/N, weights 0)
  --in-degree K          sparse-izhikevich: synapses per neuron (default min(1000, N))
  --delay STEPS          sparse-izhikevich: axonal delay of every projection (default 0)
  --duration MS          simulated time (default 1000)
  --seed N               seed of every random draw (default: the description's)
  --record all|rates|none  what is recorded (none: only summary.json, for speed runs)
  --trace I,J,...        neurons (global indices) whose state variables (and I, where something
                         drives it) are traced, as Brian2's COBAHH example does for 1,10,100 (at most 1024)
  --launch auto|one-workgroup|per-step  GPU launch shape (default auto)
  --connectivity stored|procedural  procedural: fixed-probability and out-degree rows are drawn
                         again at each spike on the GPU instead of stored (no synapse memory)
  --memory-limit BYTES   memory the GPU may use (WebGPU does not report it; an H100: 80e9)
  --backend, --force, --quiet as above`;

const RASTER_NEURONS = 1000;
const MAX_TRACED = 1024;

export function isNetwork(name: string): boolean {
  return (NETWORKS as readonly string[]).includes(name) || name.endsWith('.json');
}

interface NetworkArgs {
  out: string; backend: 'gpu' | 'cpu'; duration: number; record: 'all' | 'rates' | 'none';
  launch: 'auto' | 'one-workgroup' | 'per-step'; connectivity: 'stored' | 'procedural'; memoryLimit?: number; force: boolean; quiet: boolean;
  /** Global indices of the neurons --trace names, in its order. */
  traced: number[];
}

async function readNetwork(file: string): Promise<unknown> {
  let text: string;
  try { text = await readFile(file, 'utf8'); } catch (e) { throw new UsageError(`cannot read ${file}: ${(e as Error).message}`); }
  let json: unknown;
  try { json = JSON.parse(text); } catch (e) { throw new UsageError(`${file} is not JSON: ${(e as Error).message}`); }
  if (isEarlierSparseFormat(json)) {
    throw new UsageError(`${file} is a sparse description of spikegpu before the one network description (a top-level 'model', projections with 'pre', 'post', 'connect'): ` +
      "write it as a network description (docs/network.md: populations with their model, projections with source, target, connectivity and synapse)");
  }
  return json;
}

/** The sparse description the CLI read before issue 14: its keys, so the refusal can say what changed. */
function isEarlierSparseFormat(x: unknown): boolean {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as { model?: unknown; projections?: unknown };
  return typeof o.model === 'string' || (Array.isArray(o.projections) && o.projections.some((p) => typeof p === 'object' && p !== null && 'connect' in p && 'pre' in p));
}

/** Probes of every state variable of the traced neurons, and of I where a projection or an input drives it. */
function traceProbes(net: Network, traced: readonly number[]): Probe[] {
  const n = networkSize(net);
  const bad = traced.find((i) => i >= n);
  if (bad !== undefined) throw new UsageError(`--trace must name neuron indices in [0, ${n}), got ${bad}`);
  return probesOf(net, traced, (p) => {
    const model = populationModel(p), variables = typeof model === 'string' ? [] : model.variables;
    const drivesI = (net.projections ?? []).some((pr) => pr.target === p.name && (!('target' in pr.synapse) || pr.synapse.target === 'I'))
      || (net.inputs ?? []).some((inp) => inp.target === p.name && (inp.variable ?? 'I') === 'I');
    return [...variables, ...(drivesI ? ['I'] : [])];
  });
}

async function parse(name: string, rest: string[]): Promise<{ net: Network; args: NetworkArgs }> {
  const file = name.endsWith('.json');
  const names = ['out', 'backend', 'duration', 'seed', 'record', 'launch', 'connectivity', 'memory-limit', 'trace',
    ...(file ? [] : ['neurons']), ...(name === 'sparse-izhikevich' ? ['in-degree', 'delay'] : [])];
  const { opts, flags } = parseOptions(rest, names, ['force', 'quiet', ...(name === 'cobahh' ? ['scaled'] : [])], ` for ${name}`);
  const { out, backend } = outAndBackend(opts);
  const number = numberOption(opts);
  const neurons = number('neurons', undefined, (x) => Number.isInteger(x) && x >= 2 && x <= 1 << 26, 'an integer in [2, 67108864]');
  const seed = number('seed', undefined, (x) => Number.isSafeInteger(x) && x >= 0, 'a non-negative integer');
  const record = opts.record ?? 'all';
  if (record !== 'all' && record !== 'rates' && record !== 'none') throw new UsageError(`--record must be all, rates or none, got ${record}`);
  const launch = opts.launch ?? 'auto';
  if (launch !== 'auto' && launch !== 'one-workgroup' && launch !== 'per-step') throw new UsageError(`--launch must be auto, one-workgroup or per-step, got ${launch}`);
  const connectivity = opts.connectivity ?? 'stored';
  if (connectivity !== 'stored' && connectivity !== 'procedural') throw new UsageError(`--connectivity must be stored or procedural, got ${connectivity}`);
  const traced = opts.trace?.split(',').map((x) => {
    if (!/^\d+$/.test(x.trim())) throw new UsageError(`--trace must be neuron indices separated by commas, got ${opts.trace}`);
    return Number(x);
  }) ?? [];
  if (new Set(traced).size > MAX_TRACED) throw new UsageError(`--trace names more than ${MAX_TRACED} neurons`);
  let net: Network;
  if (file) net = assertNetwork(await readNetwork(name));
  else if (name === 'cobahh') net = cobahh({ n: neurons, seed, scaled: flags.has('scaled') });
  else {
    const n = neurons ?? 1000;
    const k = number('in-degree', Math.min(1000, n), (x) => Number.isInteger(x) && x >= 0 && x <= n, `an integer in [0, ${n}]`);
    const delay = number('delay', 0, (x) => Number.isInteger(x) && x >= 0, 'an integer number of steps ≥ 0');
    net = sparseIzhikevich({ n, k, delay, seed });
  }
  // The command line's choices over the description's: seed, what is recorded, traces, storage.
  const probes = [...(net.record?.probes ?? []), ...traceProbes(net, [...new Set(traced)])];
  net = {
    ...net, seed: seed ?? net.seed,
    record: { ...net.record, spikes: record === 'all', rates: record !== 'none', ...(probes.length ? { probes } : {}) },
    ...(net.projections && connectivity === 'procedural' ? {
      // Only the rows that can be drawn again (fixed probability or out-degree) of spiking synapses; electrical and diffusion ones stay stored.
      projections: net.projections.map((pr) => ((pr.connectivity.rule === 'fixed-probability' || pr.connectivity.rule === 'fixed-out-degree') && (pr.synapse.kind === 'pulse' || pr.synapse.kind === 'exponential') ? { ...pr, storage: 'procedural' as const } : pr)),
    } : {}),
  };
  return {
    net,
    args: {
      out, backend, record, launch, connectivity, force: flags.has('force'), quiet: flags.has('quiet'), traced: [...new Set(traced)],
      duration: number('duration', 1000, (x) => Number.isFinite(x) && x > 0 && x <= 1e7, 'a duration in ms in (0, 1e7]'),
      memoryLimit: number('memory-limit', undefined, (x) => Number.isFinite(x) && x > 0, 'a number of bytes > 0'),
    },
  };
}

function outputs(net: Network, a: NetworkArgs): string[] {
  return ['summary.json', ...(a.record !== 'none' ? ['rates.csv'] : []), ...(a.record === 'all' ? ['spikes.csv', 'raster.svg'] : []), ...traceFileNames(net)];
}

export async function networkMain(name: string, rest: string[]): Promise<number> {
  const { net, args } = await parse(name, rest);
  await prepareOut(args.out, args.force, outputs(net, args));
  const sim = await createSimulation(net, { backend: args.backend, launch: args.launch, memoryLimit: args.memoryLimit });
  try {
    const { plan } = sim;
    const { wallSeconds } = await sim.run({ duration: args.duration, onProgress: progress(args.quiet) });
    const s = sim.summary(), synapses = sim.synapseCounts(), inDegrees = sim.maxInDegrees();
    const models = [...new Set(plan.populations.map((p) => p.model.name))];
    const summary = {
      network: net.name ?? name, model: models.length === 1 ? models[0] : models, neurons: plan.n,
      ...(plan.copies > 1 ? { copies: plan.copies } : {}),
      populations: plan.populations.map((p) => ({ name: p.name, start: p.start, size: p.size, model: p.model.name })),
      projections: plan.projections.map((p, k) => ({
        name: p.name, pre: p.source.name, post: p.target.name,
        synapses: synapses[k] ?? null, maxInDegree: inDegrees[k] ?? null, delay: p.spec.delay ?? 0,
      })),
      dt: plan.dt, steps: s.steps, durationMs: s.durationMs, seed: net.seed, record: args.record,
      traced: [...new Set((net.record?.probes ?? []).flatMap((p) => p.neurons.map((j) => globalIndex(net, p.population, j))))],
      backend: args.backend, adapter: sim.backend, launch: sim.launch, connectivity: args.backend === 'gpu' ? args.connectivity : 'stored',
      wallSeconds, secondsPerSimulatedSecond: wallSeconds / (s.durationMs / 1000),
      spikes: args.record === 'none' ? null : s.spikes,
      meanRatesHz: args.record === 'none' ? null : s.meanRateHz,
      ...(s.failures.length ? { failures: s.failures } : {}),
    };
    const files: Record<string, string> = { 'summary.json': json(summary) };
    if (args.record !== 'none') files['rates.csv'] = ratesCsv(sim, Math.max(1, Math.round(1 / plan.dt)));
    if (args.record === 'all') {
      files['spikes.csv'] = spikesCsv(sim);
      files['raster.svg'] = rasterFile(sim, `${summary.network} — ${s.spikes} spikes`, args.backend, RASTER_NEURONS);
    }
    if (net.record?.probes?.length) Object.assign(files, traceFiles(sim, summary.network, args.backend, args.traced));
    await writeFiles(args.out, files);
    if (!args.quiet) {
      const rates = summary.meanRatesHz ? Object.entries(summary.meanRatesHz).map(([p, r]) => `${p} ${r.toFixed(2)} Hz`).join(', ') : 'nothing recorded';
      console.log(`${summary.network}: ${plan.n} neurons, ${summary.durationMs} ms in ${wallSeconds.toFixed(3)} s on ${summary.adapter}` +
        `${summary.launch ? ` (${summary.launch})` : ''}: ${rates}; wrote ${args.out}/{${Object.keys(files).join(',')}}`);
    }
    return 0;
  } finally {
    sim.destroy();
  }
}
