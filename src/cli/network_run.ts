// A network's run for `spikegpu run cobahh | sparse-izhikevich | FILE.json`: simulate, then write
// summary.json, rates.csv, spikes.csv, raster.svg and the probes' traces into the result folder.
import { createSimulation } from '../run/create.js';
import type { Network } from '../spec/network.js';
import { globalIndex } from '../spec/probes.js';
import type { Backend } from './args.js';
import { intoResultFolder } from './command.js';
import { json, rasterFile, ratesCsv, spikesCsv, traceFileNames, traceFiles } from './outputs.js';
import { endProgressLine, progressBar } from './progress.js';

const RASTER_NEURONS = 1000;

export interface NetworkRun {
  out: string; backend: Backend; force: boolean; quiet: boolean; duration: number; record: 'all' | 'rates' | 'none';
  launch: 'auto' | 'one-workgroup' | 'per-step'; connectivity: 'stored' | 'procedural'; memoryLimit?: number;
  /** Global indices of the neurons --trace names, in its order. */
  traced: number[];
}

/** The files a run of `net` writes, known before it starts (for the result folder's check). */
function outputs(net: Network, a: NetworkRun): string[] {
  return ['summary.json', ...(a.record !== 'none' ? ['rates.csv'] : []), ...(a.record === 'all' ? ['spikes.csv', 'raster.svg'] : []), ...traceFileNames(net)];
}

export async function runNetwork(name: string, net: Network, a: NetworkRun): Promise<void> {
  let line = '';
  const files = await intoResultFolder(a, outputs(net, a), async () => {
    const sim = await createSimulation(net, { backend: a.backend, launch: a.launch, memoryLimit: a.memoryLimit });
    try {
      const { plan } = sim;
      const { wallSeconds } = await sim.run({ duration: a.duration, onProgress: progressBar(a.quiet) });
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
        dt: plan.dt, steps: s.steps, durationMs: s.durationMs, seed: net.seed, record: a.record,
        traced: [...new Set((net.record?.probes ?? []).flatMap((p) => p.neurons.map((j) => globalIndex(net, p.population, j))))],
        backend: a.backend, adapter: sim.backend, launch: sim.launch, connectivity: a.backend === 'gpu' ? a.connectivity : 'stored',
        wallSeconds, secondsPerSimulatedSecond: wallSeconds / (s.durationMs / 1000),
        spikes: a.record === 'none' ? null : s.spikes,
        meanRatesHz: a.record === 'none' ? null : s.meanRateHz,
        ...(s.failures.length ? { failures: s.failures } : {}),
      };
      const files: Record<string, string> = { 'summary.json': json(summary) };
      if (a.record !== 'none') files['rates.csv'] = ratesCsv(sim, Math.max(1, Math.round(1 / plan.dt)));
      if (a.record === 'all') {
        files['spikes.csv'] = spikesCsv(sim);
        files['raster.svg'] = rasterFile(sim, `${summary.network} — ${s.spikes} spikes`, a.backend, RASTER_NEURONS);
      }
      if (net.record?.probes?.length) Object.assign(files, traceFiles(sim, summary.network, a.backend, a.traced));
      const rates = summary.meanRatesHz ? Object.entries(summary.meanRatesHz).map(([p, r]) => `${p} ${r.toFixed(2)} Hz`).join(', ') : 'nothing recorded';
      line = `${summary.network}: ${plan.n} neurons, ${summary.durationMs} ms in ${wallSeconds.toFixed(3)} s on ${summary.adapter}` +
        `${summary.launch ? ` (${summary.launch})` : ''}: ${rates}`;
      return files;
    } finally {
      sim.destroy();
    }
  });
  endProgressLine();
  if (!a.quiet) console.log(`${line}; wrote ${a.out}/{${Object.keys(files).join(',')}}`);
}
