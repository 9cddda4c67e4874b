// `spikegpu run izhikevich2003`: the seed's network (src/spec/presets/seed_network.ts) through the
// one API, written as spikes.csv, summary.json and raster.svg.
import type { Command } from 'commander';
import { synchronyIndex } from '../analysis/rates.js';
import { IZHIKEVICH_TYPES, type IzhikevichType } from '../models/izhikevich.js';
import { createSimulation } from '../run/create.js';
import { SCENARIOS, type Scenario, type SeedNetworkOptions, TYPE_COMBINATIONS, seedNetwork } from '../spec/presets/seed_network.js';
import { assertNetwork } from '../spec/validate.js';
import { type CommonOptions, UsageError, checkSteps, choiceOption, commonOptions, dtOption, durationOption, given, seedOption, integerIn, valueOption } from './args.js';
import { SEED_ABOUT } from './catalog.js';
import { intoResultFolder, subcommand } from './command.js';
import { json, rasterFile, spikesCsv } from './outputs.js';
import { endProgressLine, progressBar } from './progress.js';

const INTEGRATORS: readonly NonNullable<SeedNetworkOptions['integrator']>[] = ['izhikevich2003', 'euler'];
const OUTPUTS = ['spikes.csv', 'summary.json', 'raster.svg'];
/** 80 % of 3 rounds to 2, so 3 is the smallest network with both an excitatory and an inhibitory neuron. */
export const SEED_NEURONS = [3, 1 << 20] as const;

interface SeedOptions extends CommonOptions {
  duration: number; seed: number; scenario: Scenario; types: readonly [IzhikevichType, IzhikevichType];
  neurons: number; integrator: (typeof INTEGRATORS)[number]; dt: number; precision: 'f64' | 'f32';
}

/** --types: EXC,INH of the Izhikevich types, or one of the seed's combinations by number. */
function types(value: string): readonly [IzhikevichType, IzhikevichType] {
  if (Object.hasOwn(TYPE_COMBINATIONS, given('--types', value))) return TYPE_COMBINATIONS[value]!;
  const parts = value.split(',');
  if (parts.length === 2 && parts.every((p) => Object.hasOwn(IZHIKEVICH_TYPES, p))) return parts as [IzhikevichType, IzhikevichType];
  const combinations = Object.keys(TYPE_COMBINATIONS).filter((k) => k !== 'original');
  throw new UsageError(`--types must be EXC,INH from ${Object.keys(IZHIKEVICH_TYPES).join(', ')} or a combination ${combinations[0]}..${combinations.at(-1)}, got ${value}`);
}

export function addSeedCommand(run: Command): void {
  const command = subcommand(run, 'izhikevich2003')
    .summary(SEED_ABOUT)
    .description(`Runs ${SEED_ABOUT}, and writes DIR/spikes.csv, DIR/summary.json and DIR/raster.svg.`);
  for (const option of [
    ...commonOptions(),
    durationOption(1000, 1e7),
    seedOption('', 0),
    choiceOption('--scenario <NAME>', 'weights (wE, wI) of the seed', Object.keys(SCENARIOS) as Scenario[], 'original'),
    valueOption('--types <EXC,INH>', 'neuron types, e.g. RS,LTS, or a combination 1..4 of the seed (default: RS,LTS)', types),
    valueOption('--neurons <N>', `network size, 80 % excitatory, in [${SEED_NEURONS.join(', ')}]`, integerIn('--neurons', ...SEED_NEURONS), 1000),
    choiceOption('--integrator <NAME>', "the seed's half-step scheme or forward Euler", INTEGRATORS, 'izhikevich2003'),
    dtOption('', 1),
    choiceOption('--precision <NAME>', 'arithmetic of the CPU backend', ['f64', 'f32'] as const, 'f64'),
  ]) command.addOption(option);
  command.action(async (o: SeedOptions) => {
    checkSteps(o.duration, o.dt, `--dt ${o.dt} ms`);
    const typesChosen = o.types ?? TYPE_COMBINATIONS.original!;
    // Checked whole before the folder is touched: a network too large to build is refused here.
    const net = assertNetwork(seedNetwork({ neurons: o.neurons, scenario: o.scenario, types: typesChosen, seed: o.seed, dt: o.dt, integrator: o.integrator }));
    let line = '';
    await intoResultFolder(o, OUTPUTS, async () => {
      const sim = await createSimulation(net, { backend: o.backend, precision: o.precision });
      try {
        const { wallSeconds } = await sim.run({ duration: o.duration, onProgress: progressBar(o.quiet ?? false) });
        const { steps, durationMs, spikes } = sim.summary(), { n, dt } = sim.plan;
        const summary = {
          neurons: n, steps, dt, spikes, meanRateHz: spikes / (n * (durationMs / 1000)), wallSeconds, backend: o.backend, adapter: sim.backend,
          network: 'izhikevich2003', scenario: o.scenario, types: typesChosen, seed: o.seed, integrator: o.integrator,
          durationMs, synchrony: synchronyIndex(sim.spikes(), steps, 1),
          populations: sim.plan.populations.map((p) => ({ name: p.name, start: p.start, size: p.size })),
        };
        line = `${spikes} spikes from ${n} neurons in ${durationMs} ms: ${summary.meanRateHz.toFixed(2)} Hz, ${wallSeconds.toFixed(3)} s wall on ${sim.backend}`;
        return {
          'spikes.csv': spikesCsv(sim),
          'summary.json': json(summary),
          'raster.svg': rasterFile(sim, `${net.name} — ${spikes} spikes, ${summary.meanRateHz.toFixed(2)} Hz`, o.backend),
        };
      } finally {
        sim.destroy();
      }
    });
    endProgressLine();
    if (!o.quiet) console.log(`${line}; wrote ${o.out}/{${OUTPUTS.join(',')}}`);
  });
}
