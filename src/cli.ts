#!/usr/bin/env node
// The `spikegpu` command line: run a preset network and write spikes.csv, summary.json, raster.svg.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSimulation } from './simulation';
import { izhikevich2003, SCENARIOS, TYPE_COMBINATIONS, type Scenario } from './network/presets';
import { INTEGRATORS, IZHIKEVICH_TYPES, type IzhikevichType } from './network/description';
import { rasterSvg } from './plot/raster';
import { synchronyIndex } from './analysis/rates';
import { NetworkValidationError } from './network/validate';
import { type Divergence, EXPERIMENTS, type ExperimentName, runExperiment } from './circuit/experiments';
import { CIRCUIT_INTEGRATORS, type CircuitIntegrator } from './equations/integrators';
import { UsageError, numberOption, outAndBackend, parseOptions, prepareOut, progress } from './cli/args';
import { SPARSE_NETWORKS, isSparseNetwork, sparseMain, SPARSE_USAGE } from './cli/sparse';

const USAGE = `usage: spikegpu run izhikevich2003 --out DIR [options]
       spikegpu run EXPERIMENT --out DIR [--backend gpu|cpu] [--integrator euler|rk4|rk6] [--dt MS] [--duration MS] [--force] [--quiet]

Runs the seed's Izhikevich network and writes DIR/spikes.csv, DIR/summary.json and DIR/raster.svg.

options:
  --backend gpu|cpu      where to simulate (default gpu; a software GPU when the machine has none)
  --duration MS          simulated time in ms (default 1000)
  --seed N               seed of every random draw (default 0)
  --scenario NAME        weights: original, S1, S2, S3, S4, S5 (default original)
  --types EXC,INH        neuron types, e.g. RS,LTS; or a combination 1..4 of the seed
  --neurons N            network size, 80 % excitatory (default 1000)
  --integrator NAME      izhikevich2003 (the seed's half-step scheme, default) or euler
  --dt MS                time step in ms (default 1, as in the seed)
  --precision f64|f32    arithmetic of the CPU backend (default f64)
  --force                write into a DIR that already has files (they are overwritten)
  --quiet                no progress on stderr

${SPARSE_USAGE}

experiments (the seeds' examples; CSV, summary.json and SVG pictures):
${Object.entries(EXPERIMENTS).map(([name, e]) => `  ${name.padEnd(22)} ${e.about}`).join('\n')}`;

interface Args {
  preset: string; out: string; backend: 'gpu' | 'cpu'; duration: number; seed: number; scenario: Scenario;
  types: readonly [IzhikevichType, IzhikevichType]; neurons: number; precision: 'f64' | 'f32'; force: boolean; quiet: boolean;
  integrator: (typeof INTEGRATORS)[number]; dt: number;
}

function parseArgs(argv: string[]): Args | 'help' {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) return 'help';
  const [command, preset, ...rest] = argv;
  if (command !== 'run') throw new UsageError(`unknown command ${JSON.stringify(command)}; expected: run`);
  if (preset !== 'izhikevich2003') {
    throw new UsageError(`unknown network ${JSON.stringify(preset ?? '')}; available: izhikevich2003, ${[...SPARSE_NETWORKS, 'FILE.json'].join(', ')}, ${Object.keys(EXPERIMENTS).join(', ')}`);
  }
  const { opts, flags } = parseOptions(rest, ['out', 'backend', 'duration', 'seed', 'scenario', 'types', 'neurons', 'precision', 'integrator', 'dt'], ['force', 'quiet']);
  const number = numberOption(opts);
  const { out, backend } = outAndBackend(opts);
  const precision = opts.precision ?? 'f64';
  if (precision !== 'f64' && precision !== 'f32') throw new UsageError(`--precision must be f64 or f32, got ${precision}`);
  const integrator = (opts.integrator ?? 'izhikevich2003') as Args['integrator'];
  if (!INTEGRATORS.includes(integrator)) throw new UsageError(`--integrator must be ${INTEGRATORS.join(' or ')}, got ${integrator}`);
  const scenario = opts.scenario ?? 'original';
  if (!Object.hasOwn(SCENARIOS, scenario)) throw new UsageError(`--scenario must be one of ${Object.keys(SCENARIOS).join(', ')}, got ${scenario}`);
  let types = TYPE_COMBINATIONS.original!;
  if (opts.types !== undefined) {
    const combo = Object.hasOwn(TYPE_COMBINATIONS, opts.types) ? TYPE_COMBINATIONS[opts.types] : undefined;
    const parts = opts.types.split(',');
    if (combo) types = combo;
    else if (parts.length === 2 && parts.every((p) => Object.hasOwn(IZHIKEVICH_TYPES, p))) types = parts as [IzhikevichType, IzhikevichType];
    else throw new UsageError(`--types must be EXC,INH from ${Object.keys(IZHIKEVICH_TYPES).join(', ')} or a combination 1..4, got ${opts.types}`);
  }
  return {
    preset, out, backend, precision, scenario: scenario as Scenario, types, integrator,
    dt: number('dt', 1, (x) => Number.isFinite(x) && x > 0 && x <= 10, 'a time step in ms in (0, 10]'),
    duration: number('duration', 1000, (x) => Number.isFinite(x) && x > 0 && x <= 1e7, 'a duration in ms in (0, 1e7]'),
    seed: number('seed', 0, (x) => Number.isSafeInteger(x) && x >= 0, 'a non-negative integer'),
    neurons: number('neurons', 1000, (x) => Number.isInteger(x) && x >= 2 && x <= 1 << 20, 'an integer in [2, 1048576]'),
    force: flags.has('force'), quiet: flags.has('quiet'),
  };
}

const OUTPUTS = ['spikes.csv', 'summary.json', 'raster.svg'];

interface ExperimentArgs {
  experiment: ExperimentName; out: string; backend: 'gpu' | 'cpu'; integrator?: CircuitIntegrator;
  dt?: number; duration?: number; force: boolean; quiet: boolean;
}

function parseExperimentArgs(experiment: ExperimentName, rest: string[]): ExperimentArgs {
  const { opts, flags } = parseOptions(rest, ['out', 'backend', 'integrator', 'dt', 'duration'], ['force', 'quiet'], ` for ${experiment}`);
  const { out, backend } = outAndBackend(opts);
  const integrator = opts.integrator as CircuitIntegrator | undefined;
  if (integrator !== undefined && !CIRCUIT_INTEGRATORS.includes(integrator)) throw new UsageError(`--integrator must be ${CIRCUIT_INTEGRATORS.join(', ')}, got ${integrator}`);
  const ms = (name: string, hi: number) => {
    if (opts[name] === undefined) return undefined;
    const x = Number(opts[name]);
    if (!(Number.isFinite(x) && x > 0 && x <= hi)) throw new UsageError(`--${name} must be in (0, ${hi}] ms, got ${opts[name]}`);
    return x;
  };
  return { experiment, out, backend, integrator, dt: ms('dt', 10), duration: ms('duration', 1e6), force: flags.has('force'), quiet: flags.has('quiet') };
}

async function experimentMain(a: ExperimentArgs): Promise<number> {
  await prepareOut(a.out, a.force, EXPERIMENTS[a.experiment].outputs);
  const run = await runExperiment(a.experiment, {
    backend: a.backend, integrator: a.integrator, dt: a.dt, duration: a.duration, onProgress: progress(a.quiet),
  });
  for (const [file, text] of Object.entries(run.files)) await writeFile(join(a.out, file), text);
  if (!a.quiet) {
    const s = run.summary as { spikes: number; wallSeconds: number; adapter: string; diverged: Divergence[] };
    const first = s.diverged[0];
    const diverged = !first ? '' : first.message ? ` — ${first.message}`
      : ` — ${s.diverged.length} diverged, the first at ${Math.min(...s.diverged.map((d) => d.atMs))} ms`;
    console.log(`${a.experiment}: ${s.spikes} spikes, ${s.wallSeconds.toFixed(3)} s wall on ${s.adapter}${diverged}; wrote ${a.out}/{${Object.keys(run.files).join(',')}}`);
  }
  return 0;
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'run' && argv[1] !== undefined && argv[1] in EXPERIMENTS) {
    return experimentMain(parseExperimentArgs(argv[1] as ExperimentName, argv.slice(2)));
  }
  if (argv[0] === 'run' && argv[1] !== undefined && isSparseNetwork(argv[1]) && !argv.includes('--help') && !argv.includes('-h')) {
    return sparseMain(argv[1], argv.slice(2));
  }
  const args = parseArgs(argv);
  if (args === 'help') { console.log(USAGE); return 0; }
  await prepareOut(args.out, args.force, OUTPUTS);
  const desc = izhikevich2003({
    neurons: args.neurons, scenario: args.scenario, types: args.types, seed: args.seed, dt: args.dt, integrator: args.integrator,
  });
  const sim = await createSimulation(desc, { backend: args.backend, precision: args.precision });
  try {
    const steps = Math.round(args.duration / desc.dt);
    await sim.run({ steps, onProgress: progress(args.quiet) });
    const s = sim.spikes;
    const lines = ['t_ms,neuron'];
    for (let k = 0; k < s.step.length; k++) lines.push(`${s.step[k]! * desc.dt},${s.neuron[k]}`);
    const summary = {
      ...sim.summary(),
      network: 'izhikevich2003', scenario: args.scenario, types: args.types, seed: args.seed, integrator: args.integrator,
      durationMs: steps * desc.dt, synchrony: synchronyIndex(s, steps, 1),
      populations: sim.plan.populations,
    };
    await writeFile(join(args.out, 'spikes.csv'), lines.join('\n') + '\n');
    await writeFile(join(args.out, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
    await writeFile(join(args.out, 'raster.svg'), rasterSvg(s, {
      steps, dt: desc.dt, neurons: sim.plan.n, populations: sim.plan.populations,
      title: `${desc.name} — ${summary.spikes} spikes, ${summary.meanRateHz.toFixed(2)} Hz (${args.backend})`,
    }));
    if (!args.quiet) {
      console.log(`${summary.spikes} spikes from ${summary.neurons} neurons in ${summary.durationMs} ms: ` +
        `${summary.meanRateHz.toFixed(2)} Hz, ${summary.wallSeconds.toFixed(3)} s wall on ${summary.adapter}; wrote ${args.out}/{${OUTPUTS.join(',')}}`);
    }
    return 0;
  } finally {
    sim.destroy();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    const err = e as Error;
    // Bad arguments, including a network the device cannot hold, exit 2; anything else 1.
    const bad = err instanceof UsageError || err instanceof NetworkValidationError;
    const prefix = err instanceof UsageError ? 'spikegpu: ' : `spikegpu: ${err.name}: `;
    console.error(prefix + (err.message ?? String(e)).split('\n')[0]);
    if (err instanceof UsageError) console.error("run 'spikegpu --help' for usage");
    process.exit(bad ? 2 : 1);
  },
);
