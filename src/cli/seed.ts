// `spikegpu run izhikevich2003`: the seed's network (src/spec/presets/seed_network.ts) through the
// one API, written as spikes.csv, summary.json and raster.svg.
import { synchronyIndex } from '../analysis/rates';
import { IZHIKEVICH_TYPES, type IzhikevichType } from '../models/izhikevich';
import { createSimulation } from '../run/simulation';
import { SCENARIOS, type Scenario, type SeedNetworkOptions, TYPE_COMBINATIONS, seedNetwork } from '../spec/presets/seed_network';
import { UsageError, numberOption, outAndBackend, parseOptions, prepareOut, progress } from './args';
import { json, rasterFile, spikesCsv, writeFiles } from './outputs';

/** The help after the usage lines. */
export const SEED_USAGE = `Runs the seed's Izhikevich network and writes DIR/spikes.csv, DIR/summary.json and DIR/raster.svg.

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
  --quiet                no progress on stderr`;

const INTEGRATORS: readonly NonNullable<SeedNetworkOptions['integrator']>[] = ['izhikevich2003', 'euler'];
const OUTPUTS = ['spikes.csv', 'summary.json', 'raster.svg'];

interface SeedArgs {
  out: string; backend: 'gpu' | 'cpu'; duration: number; seed: number; scenario: Scenario;
  types: readonly [IzhikevichType, IzhikevichType]; neurons: number; precision: 'f64' | 'f32'; force: boolean; quiet: boolean;
  integrator: (typeof INTEGRATORS)[number]; dt: number;
}

function parse(rest: string[]): SeedArgs {
  const { opts, flags } = parseOptions(rest, ['out', 'backend', 'duration', 'seed', 'scenario', 'types', 'neurons', 'precision', 'integrator', 'dt'], ['force', 'quiet']);
  const number = numberOption(opts);
  const { out, backend } = outAndBackend(opts);
  const precision = opts.precision ?? 'f64';
  if (precision !== 'f64' && precision !== 'f32') throw new UsageError(`--precision must be f64 or f32, got ${precision}`);
  const integrator = (opts.integrator ?? 'izhikevich2003') as SeedArgs['integrator'];
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
    out, backend, precision, scenario: scenario as Scenario, types, integrator,
    dt: number('dt', 1, (x) => Number.isFinite(x) && x > 0 && x <= 10, 'a time step in ms in (0, 10]'),
    duration: number('duration', 1000, (x) => Number.isFinite(x) && x > 0 && x <= 1e7, 'a duration in ms in (0, 1e7]'),
    seed: number('seed', 0, (x) => Number.isSafeInteger(x) && x >= 0, 'a non-negative integer'),
    neurons: number('neurons', 1000, (x) => Number.isInteger(x) && x >= 2 && x <= 1 << 20, 'an integer in [2, 1048576]'),
    force: flags.has('force'), quiet: flags.has('quiet'),
  };
}

export async function seedMain(rest: string[]): Promise<number> {
  const a = parse(rest);
  await prepareOut(a.out, a.force, OUTPUTS);
  const net = seedNetwork({ neurons: a.neurons, scenario: a.scenario, types: a.types, seed: a.seed, dt: a.dt, integrator: a.integrator });
  const sim = await createSimulation(net, { backend: a.backend, precision: a.precision });
  try {
    const { wallSeconds } = await sim.run({ duration: a.duration, onProgress: progress(a.quiet) });
    const { steps, durationMs, spikes } = sim.summary(), { n, dt } = sim.plan;
    const summary = {
      neurons: n, steps, dt, spikes, meanRateHz: spikes / (n * (durationMs / 1000)), wallSeconds, backend: a.backend, adapter: sim.backend,
      network: 'izhikevich2003', scenario: a.scenario, types: a.types, seed: a.seed, integrator: a.integrator,
      durationMs, synchrony: synchronyIndex(sim.spikes(), steps, 1),
      populations: sim.plan.populations.map((p) => ({ name: p.name, start: p.start, size: p.size })),
    };
    await writeFiles(a.out, {
      'spikes.csv': spikesCsv(sim),
      'summary.json': json(summary),
      'raster.svg': rasterFile(sim, `${net.name} — ${spikes} spikes, ${summary.meanRateHz.toFixed(2)} Hz`, a.backend),
    });
    if (!a.quiet) {
      console.log(`${spikes} spikes from ${n} neurons in ${durationMs} ms: ${summary.meanRateHz.toFixed(2)} Hz, ` +
        `${wallSeconds.toFixed(3)} s wall on ${sim.backend}; wrote ${a.out}/{${OUTPUTS.join(',')}}`);
    }
    return 0;
  } finally {
    sim.destroy();
  }
}
