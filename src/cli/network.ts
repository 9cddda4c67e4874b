// `spikegpu run cobahh | sparse-izhikevich | microcircuit | FILE.json`: a preset or any network description saved
// as JSON (docs/network.md) through the one API, written as spikes.csv, rates.csv, summary.json,
// raster.svg and, with probes, traces.csv and v.svg.
import { type Command, Option } from 'commander';
import { readFile } from 'node:fs/promises';
import type { Network, Probe } from '../spec/network.js';
import { canDrawAgain } from '../compile/connectivity.js';
import { microcircuit } from '../spec/presets/microcircuit.js';
import { cobahh, sparseIzhikevich } from '../spec/presets/sparse.js';
import { populationModel } from '../spec/check.js';
import { networkSize, probesOf } from '../spec/probes.js';
import { MAX_DELAY, MAX_NEURONS } from '../spec/value_kinds.js';
import { assertNetwork } from '../spec/validate.js';
import { type CommonOptions, UsageError, checkSteps, choiceOption, commonOptions, durationOption, given, seedOption, integerIn, numberIn, valueOption } from './args.js';
import { FILE_ABOUT, LIST_HINT, NETWORKS, type NetworkName, RUN_NAMES } from './catalog.js';
import { subcommand } from './command.js';
import { type NetworkRun, runNetwork } from './network_run.js';

/** 80 % of 3 rounds to 2, so 3 is the smallest network with both an excitatory and an inhibitory neuron. */
const NEURONS = [3, MAX_NEURONS] as const;
const MAX_TRACED = 1024;

interface NetworkOptions extends CommonOptions {
  duration: number; neurons?: number; scaled?: boolean; inDegree?: number; delay: number; seed?: number; scale: number; background: 'poisson' | 'dc';
  record: NetworkRun['record']; trace?: number[]; launch: NetworkRun['launch']; connectivity: NetworkRun['connectivity']; memoryLimit?: number;
}

/** A description file's JSON, or a UsageError naming what is wrong with the file. */
export async function readNetwork(file: string): Promise<unknown> {
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

/** --trace I,J,...: distinct global indices, in the order given. */
function traceList(value: string): number[] {
  const traced = given('--trace', value).split(',').map((x) => {
    if (!/^\d+$/.test(x.trim())) throw new UsageError(`--trace must be neuron indices separated by commas, got ${value}`);
    return Number(x);
  });
  const distinct = [...new Set(traced)];
  if (distinct.length > MAX_TRACED) throw new UsageError(`--trace names more than ${MAX_TRACED} neurons`);
  return distinct;
}

/** The network `name` stands for, with the command line's choices over the description's: seed, what is recorded, traces, storage. */
async function networkFor(name: string, o: NetworkOptions): Promise<Network> {
  let net: Network;
  if (name.endsWith('.json')) net = assertNetwork(await readNetwork(name));
  else if (name === 'cobahh') net = cobahh({ n: o.neurons, seed: o.seed, scaled: o.scaled ?? false });
  else if (name === 'microcircuit') net = microcircuit({ scale: o.scale, background: o.background, seed: o.seed });
  else {
    const n = o.neurons ?? 1000, k = o.inDegree ?? Math.min(1000, n);
    // Each neuron draws its k inputs from the n neurons; k = 0 would scale the weights by 1000/0.
    if (k < 1 || k > n) throw new UsageError(`--in-degree must be an integer in [1, ${n}], got ${k}`);
    net = sparseIzhikevich({ n, k, delay: o.delay, seed: o.seed });
  }
  const probes = [...(net.record?.probes ?? []), ...traceProbes(net, o.trace ?? [])];
  return assertNetwork({
    ...net, seed: o.seed ?? net.seed,
    record: { ...net.record, spikes: o.record === 'all', rates: o.record !== 'none', ...(probes.length ? { probes } : {}) },
    ...(net.projections && o.connectivity === 'procedural' ? {
      // Only the rows that can be drawn again; electrical and diffusion synapses stay stored.
      projections: net.projections.map((pr) => (canDrawAgain(pr) ? { ...pr, storage: 'procedural' as const } : pr)),
    } : {}),
  });
}

/** What run's default command takes: a name ending in .json; any other is an unknown network. */
function checkFileName(name: string): void {
  if (name.endsWith('.json')) return;
  // A known name lands here only when options came before it (`run --out DIR cobahh`).
  throw new UsageError(RUN_NAMES.includes(name) ? `put the network's name first: spikegpu run ${name} --out DIR [options]`
    : `unknown network ${JSON.stringify(name)}; available: ${RUN_NAMES.join(', ')}`, LIST_HINT);
}

/** `run cobahh`, `run sparse-izhikevich`, `run microcircuit` and `run FILE.json` (the `file` command, run's default). */
export function addNetworkCommands(run: Command): void {
  for (const name of [...Object.keys(NETWORKS) as NetworkName[], 'file'] as const) {
    const file = name === 'file';
    const command = file
      // run's default: `spikegpu run net.json` is `spikegpu run file net.json`, and an unknown name lands here too.
      ? subcommand(run, 'file <FILE.json>', {
        isDefault: true, label: (c) => c.args[0] ?? 'FILE.json', checkArgument: checkFileName,
        missingArgument: () => `run needs a network: ${RUN_NAMES.join(', ')}`, missingHint: LIST_HINT,
      })
      : subcommand(run, name);
    command.summary(file ? `${FILE_ABOUT}; \`spikegpu run FILE.json\` for short` : NETWORKS[name])
      .description(`Runs ${file ? FILE_ABOUT : NETWORKS[name]}. Writes spikes.csv, rates.csv (1 ms bins), summary.json and raster.svg ` +
        '(at most 1000 neurons drawn, evenly spaced); with --trace, or probes in the description, also traces.csv and v.svg.');
    const options = [
      ...commonOptions(),
      durationOption(1000, 1e7),
      ...(file || name === 'microcircuit' ? [] : [valueOption('--neurons <N>', `network size, 80 % excitatory, in [${NEURONS.join(', ')}] (default: ${name === 'cobahh' ? 4000 : 1000})`, integerIn('--neurons', ...NEURONS))]),
      ...(name === 'cobahh' ? [new Option('--scaled', 'the benchmark: p = 1000/N, weights 0')] : []),
      ...(name === 'microcircuit' ? [
        valueOption('--scale <S>', 'neurons and in-degrees × S, in [0.0005, 1] (every population keeps a neuron); below 1 the reference raises weights by 1/√S and adds DC', numberIn('--scale', 'a number in [0.0005, 1]', (x) => x >= 0.0005 && x <= 1), 0.1),
        choiceOption('--background <KIND>', 'Poisson trains per neuron (8 Hz × in-degree) or the DC current of their mean', ['poisson', 'dc'] as const, 'poisson'),
      ] : []),
      ...(name === 'sparse-izhikevich' ? [
        // Its upper limit is --neurons, so the range is checked once both are known.
        valueOption('--in-degree <K>', 'synapses per neuron, in [1, N] (default: min(1000, N))', numberIn('--in-degree', 'an integer in [1, N]', Number.isInteger)),
        valueOption('--delay <STEPS>', `axonal delay of every projection in steps, in [0, ${MAX_DELAY}]`, integerIn('--delay', 0, MAX_DELAY), 0),
      ] : []),
      seedOption(" (default: the description's)"),
      choiceOption('--record <WHAT>', 'what is recorded (none: only summary.json, for speed runs)', ['all', 'rates', 'none'] as const, 'all'),
      valueOption('--trace <I,J,...>', `neurons (global indices) whose state variables are traced, at most ${MAX_TRACED}`, traceList),
      choiceOption('--launch <SHAPE>', 'GPU launch shape', ['auto', 'one-workgroup', 'per-step'] as const, 'auto'),
      choiceOption('--connectivity <HOW>', 'procedural: rows drawn again at each spike on the GPU, not stored, where the rule allows (fixed probability, out-degree, total)', ['stored', 'procedural'] as const, 'stored'),
      valueOption('--memory-limit <BYTES>', 'memory the GPU may use, > 0 (WebGPU does not report it; an H100: 80e9)',
        numberIn('--memory-limit', 'a number of bytes > 0', (x) => x > 0)),
    ];
    for (const option of options) command.addOption(option);
    command.action(async (...args: unknown[]) => {
      const [target, o] = (file ? args : [name, ...args]) as [string, NetworkOptions];
      if (file) checkFileName(target);
      const net = await networkFor(target, o);
      checkSteps(o.duration, net.dt, `the network's dt, ${net.dt} ms`);
      await runNetwork(target, net, {
        out: o.out, backend: o.backend, force: o.force ?? false, quiet: o.quiet ?? false, duration: o.duration, record: o.record,
        launch: o.launch, connectivity: o.connectivity, memoryLimit: o.memoryLimit, traced: o.trace ?? [],
      });
    });
  }
}
