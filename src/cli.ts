#!/usr/bin/env node
// The `spikegpu` command line: `spikegpu run <preset | FILE.json>` runs any network description
// through the one API (src/run/simulation.ts) and writes its results into --out.
import { NetworkSpecError } from './spec/validate';
import { UsageError, numberOption, outAndBackend, parseOptions, prepareOut, progress } from './cli/args';
import { EXPERIMENTS, EXPERIMENT_INTEGRATORS, type ExperimentName, isExperiment, runExperiment } from './cli/experiments';
import { NETWORKS, NETWORK_USAGE, isNetwork, networkMain } from './cli/network';
import { writeFiles } from './cli/outputs';
import { SEED_USAGE, seedMain } from './cli/seed';

const USAGE = `usage: spikegpu run izhikevich2003 --out DIR [options]
       spikegpu run EXPERIMENT --out DIR [--backend gpu|cpu] [--integrator euler|rk4|rk6] [--dt MS] [--duration MS] [--force] [--quiet]

${SEED_USAGE}

${NETWORK_USAGE}

experiments (the seeds' examples; CSV, summary.json and SVG pictures):
${Object.entries(EXPERIMENTS).map(([name, e]) => `  ${name.padEnd(22)} ${e.about}`).join('\n')}`;

async function experimentMain(experiment: ExperimentName, rest: string[]): Promise<number> {
  const { opts, flags } = parseOptions(rest, ['out', 'backend', 'integrator', 'dt', 'duration'], ['force', 'quiet'], ` for ${experiment}`);
  const { out, backend } = outAndBackend(opts);
  const integrator = opts.integrator as (typeof EXPERIMENT_INTEGRATORS)[number] | undefined;
  if (integrator !== undefined && !EXPERIMENT_INTEGRATORS.includes(integrator)) throw new UsageError(`--integrator must be ${EXPERIMENT_INTEGRATORS.join(', ')}, got ${integrator}`);
  const number = numberOption(opts);
  const ms = (name: string, hi: number) => number(name, undefined, (x) => Number.isFinite(x) && x > 0 && x <= hi, `in (0, ${hi}] ms`);
  const dt = ms('dt', 10), duration = ms('duration', 1e6), quiet = flags.has('quiet');
  await prepareOut(out, flags.has('force'), EXPERIMENTS[experiment].outputs);
  const { files, summary: s } = await runExperiment(experiment, { backend, integrator, dt, duration, onProgress: progress(quiet) });
  await writeFiles(out, files);
  if (!quiet) {
    const first = s.diverged[0];
    const diverged = !first ? '' : first.message ? ` — ${first.message}`
      : ` — ${s.diverged.length} diverged, the first at ${Math.min(...s.diverged.map((d) => d.atMs))} ms`;
    console.log(`${experiment}: ${s.spikes} spikes, ${s.wallSeconds.toFixed(3)} s wall on ${s.adapter}${diverged}; wrote ${out}/{${Object.keys(files).join(',')}}`);
  }
  return 0;
}

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) { console.log(USAGE); return 0; }
  const [command, name, ...rest] = argv;
  if (command !== 'run') throw new UsageError(`unknown command ${JSON.stringify(command)}; expected: run`);
  if (name === 'izhikevich2003') return seedMain(rest);
  if (name !== undefined && isExperiment(name)) return experimentMain(name, rest);
  if (name !== undefined && isNetwork(name)) return networkMain(name, rest);
  throw new UsageError(`unknown network ${JSON.stringify(name ?? '')}; available: izhikevich2003, ${[...NETWORKS, 'FILE.json'].join(', ')}, ${Object.keys(EXPERIMENTS).join(', ')}`);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    const err = e as Error;
    // Bad arguments, and descriptions with bad fields (including networks too large to build), exit 2; anything else 1.
    const bad = err instanceof UsageError || err instanceof NetworkSpecError;
    const text = err instanceof NetworkSpecError ? err.issues.map((i) => `${i.path || '(description)'}: ${i.message}`).join('; ')
      : (err.message ?? String(e)).split('\n')[0];
    console.error((err instanceof UsageError ? 'spikegpu: ' : `spikegpu: ${err.name}: `) + text);
    if (err instanceof UsageError) console.error("run 'spikegpu --help' for usage");
    process.exit(bad ? 2 : 1);
  },
);
