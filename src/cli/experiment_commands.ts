// `spikegpu run hh-double-impulse | neun-pair | neun-chain | neun-coupling-scan`: the seeds'
// experiments (./experiments), each written as CSV, summary.json and SVG pictures.
import type { Command } from 'commander';
import { assertNetwork } from '../spec/validate.js';
import { type CommonOptions, checkSteps, choiceOption, commonOptions, durationOption, dtOption } from './args.js';
import { intoResultFolder, subcommand } from './command.js';
import { EXPERIMENTS, EXPERIMENT_INTEGRATORS, type ExperimentName, type ExperimentRun, runExperiment } from './experiments.js';
import { endProgressLine, progressBar } from './progress.js';

const MAX_DURATION = 1e6;

interface ExperimentOptions extends CommonOptions {
  integrator?: (typeof EXPERIMENT_INTEGRATORS)[number]; dt?: number; duration: number;
}

/** The run's one line on stdout: spikes, wall time, and the first divergence if any. */
function report(name: ExperimentName, s: ExperimentRun['summary'], out: string, files: Record<string, string>): string {
  const first = s.diverged[0];
  const diverged = !first ? '' : first.message ? ` — ${first.message}`
    : ` — ${s.diverged.length} diverged, the first at ${Math.min(...s.diverged.map((d) => d.atMs))} ms`;
  return `${name}: ${s.spikes} spikes, ${s.wallSeconds.toFixed(3)} s wall on ${s.adapter}${diverged}; wrote ${out}/{${Object.keys(files).join(',')}}`;
}

export function addExperimentCommands(run: Command): void {
  for (const [name, experiment] of Object.entries(EXPERIMENTS) as [ExperimentName, (typeof EXPERIMENTS)[ExperimentName]][]) {
    const command = subcommand(run, name).summary(experiment.about)
      .description(`Runs ${experiment.about}. Writes ${experiment.outputs.join(', ')}.`);
    for (const option of [
      ...commonOptions(),
      choiceOption('--integrator <NAME>', "integrator of the neurons (default: the experiment's)", EXPERIMENT_INTEGRATORS),
      dtOption(" (default: the experiment's)"),
      durationOption(experiment.duration, MAX_DURATION),
    ]) command.addOption(option);
    command.action(async (o: ExperimentOptions) => {
      // Checked before the folder is touched; its dt (the experiment's unless --dt is given) bounds --duration.
      const { dt } = assertNetwork(experiment.network({ integrator: o.integrator, dt: o.dt }));
      checkSteps(o.duration, dt, o.dt === undefined ? `the experiment's dt, ${dt} ms` : `--dt ${dt} ms`);
      let summary: ExperimentRun['summary'] | undefined;
      const files = await intoResultFolder(o, experiment.outputs, async () => {
        const result = await runExperiment(name, {
          backend: o.backend, integrator: o.integrator, dt: o.dt, duration: o.duration, onProgress: progressBar(o.quiet ?? false),
        });
        summary = result.summary;
        return result.files;
      });
      endProgressLine();
      if (!o.quiet) console.log(report(name, summary!, o.out, files));
    });
  }
}
