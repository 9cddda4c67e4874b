// The seeds' experiments end to end on the one API: run a preset (src/spec/presets/neun.ts),
// analyse it, and return the files it writes (CSV and SVG pictures). `spikegpu run <experiment>`.
import { correlation, meanAbsDifference } from '../analysis/continuous.js';
import { lineChartSvg } from '../plot/lines.js';
import { NonFiniteStateError } from '../run/guard.js';
import { type Simulation, type SimulationOptions } from '../run/simulation.js';
import { createSimulation } from '../run/create.js';
import type { Network } from '../spec/network.js';
import { type ExperimentOptions, hhDoubleImpulse, linspace, neunChain, neunCoupledPair, neunCouplingScan } from '../spec/presets/neun.js';
import { csv, json } from './outputs.js';

/** The conductances of seed 003's scan. */
const SCAN = linspace(0.0001, 0.01, 20);

export const EXPERIMENTS = {
  'hh-double-impulse': {
    duration: 50, about: 'seed 001: HH (1952) double impulse; V, m/h/n traces, V–n and V–m phase planes',
    outputs: ['traces.csv', 'v.svg', 'gates.svg', 'phase-v-n.svg', 'phase-v-m.svg', 'summary.json'],
    network: (o: ExperimentOptions): Network => hhDoubleImpulse(o),
  },
  'neun-pair': {
    duration: 100, about: 'seed 003: two coupled Neun HH neurons; V traces and the synaptic current',
    outputs: ['traces.csv', 'v.svg', 'current.svg', 'summary.json'],
    // The gap junction's currents into each neuron (i_source: into h1, its source; i: into h2).
    network: (o: ExperimentOptions): Network => {
      const net = neunCoupledPair(o);
      return { ...net, record: { ...net.record, synapseProbes: ['i_source', 'i'].map((variable) => ({ projection: 'gap', variable: variable as 'i' | 'i_source', synapses: [0] })) } };
    },
  },
  'neun-chain': {
    duration: 100, about: "seed 003: chain of three Neun HH neurons (diverges under Neun's sign; reported)",
    outputs: ['traces.csv', 'v.svg', 'summary.json'],
    network: (o: ExperimentOptions): Network => neunChain(o),
  },
  'neun-coupling-scan': {
    duration: 100, about: 'seed 003: synchrony against coupling strength, 20 conductances in one batch',
    outputs: ['scan.csv', 'scan.svg', 'summary.json'],
    network: (o: ExperimentOptions): Network => neunCouplingScan({ ...o, conductances: SCAN }),
  },
} as const;
export type ExperimentName = keyof typeof EXPERIMENTS;
export const EXPERIMENT_INTEGRATORS: readonly NonNullable<ExperimentOptions['integrator']>[] = ['euler', 'rk4', 'rk6'];

export const isExperiment = (name: string): name is ExperimentName => Object.hasOwn(EXPERIMENTS, name);

/** A neuron whose state turned non-finite: `summary.diverged` lists them (empty when none did). */
export interface Divergence {
  /** Global index (within its copy). */
  neuron: number;
  atMs: number;
  /** The scan: the copy's coupling conductance. */
  g?: number;
  /** A run that stopped: the error's text. */
  message?: string;
}

export interface ExperimentRun {
  files: Record<string, string>;
  summary: Record<string, unknown> & { spikes: number; wallSeconds: number; adapter: string; diverged: Divergence[] };
}

/** t_ms then one column per trace, from probes sampled after every step. */
function traces(sim: Simulation, refs: { ref: Parameters<Simulation['trace']>[0]; label: string }[]) {
  const t = sim.times(0), cols = refs.map((r) => sim.trace(r.ref));
  return { t, cols, csv: csv(['t_ms', ...refs.map((r) => r.label)], [t, ...cols]) };
}

const v = (population: string, variable = 'v', copy = 0) => ({ population, variable, neuron: 0, copy });

export async function runExperiment(
  name: ExperimentName,
  o: ExperimentOptions & { duration?: number; onProgress?: (done: number, total: number) => void } & SimulationOptions = {},
): Promise<ExperimentRun> {
  const { integrator: chosen, dt: step, duration, onProgress, ...options } = o;
  const net = EXPERIMENTS[name].network({ integrator: chosen, dt: step });
  const { dt } = net, integrator = net.populations[0]!.integrator;
  const sim = await createSimulation(net, options);
  try {
    // Neurons that turned non-finite, in one shape for every experiment: the chain under Neun's
    // sign stops (what was recorded up to there is kept); the scan freezes the copies that diverge.
    let diverged: Divergence[] = [];
    const t0 = performance.now();
    await sim.run({ duration: duration ?? EXPERIMENTS[name].duration, onProgress }).catch((e: unknown) => {
      if (!(e instanceof NonFiniteStateError)) throw e;
      diverged = [{ neuron: e.neuron, atMs: e.step * dt, message: e.message }];
    });
    const wallSeconds = (performance.now() - t0) / 1000;
    // The steps whose results were recorded: a run stopped by a divergence has them up to it.
    const steps = sim.times(0).length, s = sim.summary(), backend = options.backend ?? 'cpu';
    const files: Record<string, string> = {};
    const summary: ExperimentRun['summary'] = {
      // The keys the circuit engine's summary.json had (circuit, failures), so scripts reading it keep working.
      experiment: name, about: EXPERIMENTS[name].about, circuit: net.name, backend, adapter: sim.backend, integrator,
      dt, steps, durationMs: steps * dt, copies: sim.plan.copies, neurons: sim.plan.n,
      synapses: sim.synapseCounts().reduce<number>((a, c) => a + (c ?? 0), 0), spikes: s.spikes, wallSeconds, failures: s.failures, diverged,
    };
    const title = (text: string) => `${text} (${integrator}, dt = ${dt} ms, ${backend})`;
    const chart = (series: Parameters<typeof lineChartSvg>[0], text: string, xLabel: string, yLabel: string) => lineChartSvg(series, { title: title(text), xLabel, yLabel });
    if (name === 'hh-double-impulse') {
      const r = traces(sim, ['v', 'm', 'h', 'n', 'I'].map((variable) => ({ ref: v('hh', variable), label: variable })));
      const [V, m, h, n] = r.cols as [Float64Array, Float64Array, Float64Array, Float64Array];
      files['traces.csv'] = r.csv;
      files['v.svg'] = chart([{ x: r.t, y: V, label: 'V' }], 'HH double impulse: membrane potential', 'Time (ms)', 'V (mV from rest)');
      files['gates.svg'] = chart([{ x: r.t, y: m, label: 'm' }, { x: r.t, y: h, label: 'h' }, { x: r.t, y: n, label: 'n' }], 'Gating variables', 'Time (ms)', 'open probability');
      files['phase-v-n.svg'] = chart([{ x: V, y: n }], 'Phase plane V–n', 'V (mV)', 'n');
      files['phase-v-m.svg'] = chart([{ x: V, y: m }], 'Phase plane V–m', 'V (mV)', 'm');
      summary.spikeTimesMs = Array.from(sim.spikeTimes(0));
    } else if (name === 'neun-pair') {
      const r = traces(sim, [
        { ref: v('h1'), label: 'v1' }, { ref: v('h2'), label: 'v2' },
        { ref: { projection: 'gap', variable: 'i_source', synapse: 0 }, label: 'i1' }, { ref: { projection: 'gap', variable: 'i', synapse: 0 }, label: 'i2' },
      ]);
      const [v1, v2, i1] = r.cols as [Float64Array, Float64Array, Float64Array];
      files['traces.csv'] = r.csv;
      files['v.svg'] = chart([{ x: r.t, y: v1, label: 'Neuron 1' }, { x: r.t, y: v2, label: 'Neuron 2' }], 'Two coupled neurons', 'Time (ms)', 'Membrane potential (mV)');
      files['current.svg'] = chart([{ x: r.t, y: i1, label: 'i1 (into neuron 1)' }], 'Electrical synapse current', 'Time (ms)', 'Synaptic current');
      summary.correlation = correlation(v1, v2);
      summary.meanAbsDifferenceMv = meanAbsDifference(v1, v2);
    } else if (name === 'neun-chain') {
      const r = traces(sim, ['n1', 'n2', 'n3'].map((p) => ({ ref: v(p), label: p })));
      files['traces.csv'] = r.csv;
      files['v.svg'] = chart(r.cols.map((y, k) => ({ x: r.t, y, label: `Neuron ${k + 1}` })), 'Chain of 3 coupled neurons', 'Time (ms)', 'Membrane potential (mV)');
    } else {
      const failed = new Map(s.failures.map((f) => [f.copy, f]));
      // Each copy's pair of traces read once, for both measures.
      const pairs = SCAN.map((_, b) => (failed.has(b) ? null : [sim.trace(v('h1', 'v', b)), sim.trace(v('h2', 'v', b))] as const));
      const corr = pairs.map((p) => (p ? correlation(...p) : NaN));
      const mad = pairs.map((p) => (p ? meanAbsDifference(...p) : NaN));
      const divergedAt = SCAN.map((_, b) => (failed.has(b) ? failed.get(b)!.step * dt : NaN));
      files['scan.csv'] = csv(['g', 'correlation', 'mean_abs_difference_mV', 'diverged_at_ms'], [SCAN, corr, mad, divergedAt]);
      files['scan.svg'] = lineChartSvg([{ x: SCAN, y: corr, markers: true }], {
        title: title(`Synchronization vs coupling strength (${failed.size} of ${SCAN.length} diverged)`), xLabel: 'Coupling conductance', yLabel: 'Synchronization (correlation)',
      });
      summary.conductances = SCAN;
      summary.correlation = corr;
      const start = (population: string) => sim.plan.populations.find((p) => p.name === population)!.start;
      summary.diverged = s.failures.map((f): Divergence => ({ g: SCAN[f.copy], neuron: start(f.population) + f.neuron, atMs: f.step * dt }));
    }
    files['summary.json'] = json(summary);
    return { files, summary };
  } finally {
    sim.destroy();
  }
}
