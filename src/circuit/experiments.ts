// The seeds' experiments end to end: run, analyse, and return the files they write (CSV and
// SVG pictures). Used by the `spikegpu run <experiment>` command; the library API is the same.
import { correlation, meanAbsDifference } from '../analysis/continuous';
import type { NonFiniteStateError } from '../backends/backend';
import type { CircuitIntegrator } from '../equations/integrators';
import { lineChartSvg } from '../plot/lines';
import { hhDoubleImpulse, linspace, neunChain, neunCoupledPair, neunCouplingScan } from './presets';
import { type CircuitOptions, type CircuitSimulation, createCircuit } from './simulation';

export const EXPERIMENTS = {
  'hh-double-impulse': {
    duration: 50, about: 'seed 001: HH (1952) double impulse; V, m/h/n traces, V–n and V–m phase planes',
    outputs: ['traces.csv', 'v.svg', 'gates.svg', 'phase-v-n.svg', 'phase-v-m.svg', 'summary.json'],
  },
  'neun-pair': {
    duration: 100, about: 'seed 003: two coupled Neun HH neurons; V traces and the synaptic current',
    outputs: ['traces.csv', 'v.svg', 'current.svg', 'summary.json'],
  },
  'neun-chain': {
    duration: 100, about: "seed 003: chain of three Neun HH neurons (diverges under Neun's sign; reported)",
    outputs: ['traces.csv', 'v.svg', 'summary.json'],
  },
  'neun-coupling-scan': {
    duration: 100, about: 'seed 003: synchrony against coupling strength, 20 conductances in one batch',
    outputs: ['scan.csv', 'scan.svg', 'summary.json'],
  },
} as const;
export type ExperimentName = keyof typeof EXPERIMENTS;

/** A neuron whose state turned non-finite: `summary.diverged` lists them (empty when none did). */
export interface Divergence {
  neuron: number;
  atMs: number;
  /** The scan: the copy's coupling conductance. */
  g?: number;
  /** A run that stopped: the error's text. */
  message?: string;
}

export interface ExperimentRun {
  files: Record<string, string>;
  summary: Record<string, unknown>;
}

function csv(header: string[], columns: ArrayLike<number>[]): string {
  const rows = [header.join(',')];
  const n = columns[0]?.length ?? 0;
  for (let k = 0; k < n; k++) rows.push(columns.map((c) => c[k]).join(','));
  return rows.join('\n') + '\n';
}

function traces(sim: CircuitSimulation, refs: { neuron?: string; synapse?: number; variable: string; label: string }[]) {
  const t = sim.times();
  const cols = refs.map((r) => sim.trace(r));
  return { t, cols, csv: csv(['t_ms', ...refs.map((r) => r.label)], [t, ...cols]) };
}

export async function runExperiment(
  name: ExperimentName,
  o: { integrator?: CircuitIntegrator; dt?: number; duration?: number; onProgress?: (done: number, total: number) => void } & CircuitOptions = {},
): Promise<ExperimentRun> {
  const duration = o.duration ?? EXPERIMENTS[name].duration;
  const opts = { integrator: o.integrator, dt: o.dt };
  const desc = name === 'hh-double-impulse' ? hhDoubleImpulse(opts)
    : name === 'neun-pair' ? neunCoupledPair(opts)
      : name === 'neun-chain' ? neunChain(opts)
        : neunCouplingScan(opts);
  const sim = await createCircuit(desc, o);
  try {
    // Neurons that turned non-finite, in one shape for every experiment: the chain under Neun's
    // sign stops (what was recorded up to there is kept); the scan freezes the copies that diverge.
    let diverged: Divergence[] = [];
    await sim.run({ duration, onProgress: o.onProgress }).catch((e: Error) => {
      if (e.name !== 'NonFiniteStateError') throw e;
      const f = e as NonFiniteStateError;
      diverged = [{ neuron: f.neuron, atMs: f.step * desc.dt, message: f.message }];
    });
    const files: Record<string, string> = {};
    const summary: Record<string, unknown> = { experiment: name, about: EXPERIMENTS[name].about, ...sim.summary(), diverged };
    const title = (s: string) => `${s} (${desc.integrator}, dt = ${desc.dt} ms, ${sim.backend.kind})`;
    if (name === 'hh-double-impulse') {
      const r = traces(sim, ['v', 'm', 'h', 'n', 'I'].map((variable) => ({ neuron: 'hh', variable, label: variable })));
      const [v, m, h, n] = r.cols as [Float64Array, Float64Array, Float64Array, Float64Array];
      files['traces.csv'] = r.csv;
      files['v.svg'] = lineChartSvg([{ x: r.t, y: v, label: 'V' }], { title: title('HH double impulse: membrane potential'), xLabel: 'Time (ms)', yLabel: 'V (mV from rest)' });
      files['gates.svg'] = lineChartSvg([{ x: r.t, y: m, label: 'm' }, { x: r.t, y: h, label: 'h' }, { x: r.t, y: n, label: 'n' }], { title: title('Gating variables'), xLabel: 'Time (ms)', yLabel: 'open probability' });
      files['phase-v-n.svg'] = lineChartSvg([{ x: v, y: n }], { title: title('Phase plane V–n'), xLabel: 'V (mV)', yLabel: 'n' });
      files['phase-v-m.svg'] = lineChartSvg([{ x: v, y: m }], { title: title('Phase plane V–m'), xLabel: 'V (mV)', yLabel: 'm' });
      summary.spikeTimesMs = Array.from(sim.spikeTimes('hh'));
    } else if (name === 'neun-pair') {
      const r = traces(sim, [
        { neuron: 'h1', variable: 'v', label: 'v1' }, { neuron: 'h2', variable: 'v', label: 'v2' }, { synapse: 0, variable: 'i1', label: 'i1' }, { synapse: 0, variable: 'i2', label: 'i2' },
      ]);
      const [v1, v2, i1] = r.cols as [Float64Array, Float64Array, Float64Array];
      files['traces.csv'] = r.csv;
      files['v.svg'] = lineChartSvg([{ x: r.t, y: v1, label: 'Neuron 1' }, { x: r.t, y: v2, label: 'Neuron 2' }], { title: title('Two coupled neurons'), xLabel: 'Time (ms)', yLabel: 'Membrane potential (mV)' });
      files['current.svg'] = lineChartSvg([{ x: r.t, y: i1, label: 'i1 (into neuron 1)' }], { title: title('Electrical synapse current'), xLabel: 'Time (ms)', yLabel: 'Synaptic current' });
      summary.correlation = correlation(v1, v2);
      summary.meanAbsDifferenceMv = meanAbsDifference(v1, v2);
    } else if (name === 'neun-chain') {
      const r = traces(sim, ['n1', 'n2', 'n3'].map((neuron) => ({ neuron, variable: 'v', label: neuron })));
      files['traces.csv'] = r.csv;
      files['v.svg'] = lineChartSvg(r.cols.map((y, k) => ({ x: r.t, y, label: `Neuron ${k + 1}` })), { title: title('Chain of 3 coupled neurons'), xLabel: 'Time (ms)', yLabel: 'Membrane potential (mV)' });
    } else {
      const gs = linspace(0.0001, 0.01, 20);
      const failed = new Map(sim.failures.map((f) => [f.copy, f]));
      const corr = gs.map((_, b) => (failed.has(b) ? NaN : correlation(sim.trace({ neuron: 'h1', variable: 'v', copy: b }), sim.trace({ neuron: 'h2', variable: 'v', copy: b }))));
      const mad = gs.map((_, b) => (failed.has(b) ? NaN : meanAbsDifference(sim.trace({ neuron: 'h1', variable: 'v', copy: b }), sim.trace({ neuron: 'h2', variable: 'v', copy: b }))));
      const divergedAt = gs.map((_, b) => (failed.has(b) ? failed.get(b)!.step * desc.dt : NaN));
      files['scan.csv'] = csv(['g', 'correlation', 'mean_abs_difference_mV', 'diverged_at_ms'], [gs, corr, mad, divergedAt]);
      files['scan.svg'] = lineChartSvg([{ x: gs, y: corr, markers: true }], {
        title: title(`Synchronization vs coupling strength (${failed.size} of ${gs.length} diverged)`), xLabel: 'Coupling conductance', yLabel: 'Synchronization (correlation)',
      });
      summary.conductances = gs;
      summary.correlation = corr;
      summary.diverged = sim.failures.map((f): Divergence => ({ g: gs[f.copy], neuron: f.neuron, atMs: f.step * desc.dt }));
    }
    files['summary.json'] = JSON.stringify(summary, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n';
    return { files, summary };
  } finally {
    sim.destroy();
  }
}
