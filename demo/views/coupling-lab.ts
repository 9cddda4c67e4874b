// Coupling lab (seed 003): two or three Neun HH neurons joined by electrical or diffusion
// synapses, their traces, and synchrony against coupling strength, the scan run as one batch.
import {
  correlation, createSimulation, linspace, meanAbsDifference, type Network, neunChain, neunCoupledPair, NonFiniteStateError, type Simulation,
} from 'spikegpu';
import type { GpuSession } from '../session';
import {
  type Controller, StatusLine, el, serial, fieldError, intError, makeGui, numberError, readUrl, tag, thin, timeChart, type uPlot, writeUrl,
} from '../ui';
import type { View } from './view';

export function couplingLabView(root: HTMLElement, session: GpuSession): View {
  const s = readUrl({
    neurons: 2, synapse: 'electrical', g: 0.002, neunSign: true, integrator: 'rk4', dt: 0.01, duration: 100,
    gmin: 0.0001, gmax: 0.01, count: 20, backend: session.device ? 'gpu' : 'cpu',
  });
  const controls = el('div', { class: 'controls' });
  const status = new StatusLine();
  const readout = el('div', { class: 'readout', 'data-testid': 'readout' });
  const scanReadout = el('div', { class: 'readout', 'data-testid': 'scan-readout' });
  const vBox = el('div', { class: 'chart' }), iBox = el('div', { class: 'chart' }), scanBox = el('div', { class: 'chart', id: 'scan' });
  root.append(el('div', { class: 'layout' }, controls, el('div', { class: 'output' }, status.node, readout, vBox, iBox, scanReadout, scanBox)));

  const gui = makeGui(controls, 'Coupling lab (seed 003)');
  const ctl: Record<string, Controller> = {
    neurons: tag(gui.add(s, 'neurons', { 'pair (h1, h2)': 2, 'chain n1 – n2 – n3': 3 }), 'neurons'),
    synapse: tag(gui.add(s, 'synapse', ['electrical', 'diffusion']), 'synapse'),
    g: tag(gui.add(s, 'g').name('g (µS)'), 'g'),
    neunSign: tag(gui.add(s, 'neunSign').name("Neun's sign (g → −g: repelling)"), 'neunSign'),
    integrator: tag(gui.add(s, 'integrator', ['euler', 'rk4', 'rk6']), 'integrator'),
    dt: tag(gui.add(s, 'dt').name('dt (ms; seed: 0.001)'), 'dt'),
    duration: tag(gui.add(s, 'duration').name('duration (ms)'), 'duration'),
    backend: tag(gui.add(s, 'backend', { 'GPU (WebGPU)': 'gpu', 'CPU reference': 'cpu' }), 'backend'),
  };
  const actions = { run: () => void exclusive(run), scan: () => void exclusive(scan) };
  tag(gui.add(actions, 'run').name('Run'), 'run');
  const scanFolder = gui.addFolder('Synchrony scan (pair, one batch)');
  ctl.gmin = tag(scanFolder.add(s, 'gmin').name('g from'), 'gmin');
  ctl.gmax = tag(scanFolder.add(s, 'gmax').name('g to'), 'gmax');
  ctl.count = tag(scanFolder.add(s, 'count').name('conductances'), 'count');
  tag(scanFolder.add(actions, 'scan').name('Run scan'), 'scan');

  const exclusive = serial((e: Error) => {
    document.body.dataset.couplingState = 'error';
    status.say(`${e.name}: ${e.message}`, true);
  });
  const charts: { v?: uPlot; i?: uPlot; scan?: uPlot } = {};

  function validate(forScan: boolean): boolean {
    const errors: Record<string, string | null> = {
      g: Number.isFinite(s.g) && s.g >= 0 && s.g <= 1 ? null : `g must be in [0, 1] µS, got ${s.g}`,
      dt: numberError('dt (ms)', s.dt, 0, 0.1),
      duration: numberError('duration (ms)', s.duration, 0, 10_000) ?? (s.duration / s.dt > 2_000_000 ? `duration / dt must be at most 2,000,000 steps, got ${Math.round(s.duration / s.dt)}` : null),
      backend: session.backendError(s.backend),
      gmin: forScan && !(s.gmin >= 0 && s.gmin < s.gmax) ? `g from must be ≥ 0 and below g to, got ${s.gmin}` : null,
      gmax: forScan && !(s.gmax <= 1) ? `g to must be at most 1 µS, got ${s.gmax}` : null,
      count: forScan ? intError('conductances', s.count, 2, 4096) : null,
    };
    for (const [k, m] of Object.entries(errors)) fieldError(ctl[k]!, m);
    return Object.values(errors).every((m) => m === null);
  }

  /** The synapse current charted: a diffusion synapse's into its target, an electrical one's into its source (Neun's i1). */
  const current = () => (s.synapse === 'diffusion' ? 'i' as const : 'i_source' as const);

  /** The pair (2) or chain (3) with the chosen synapse and sign; v of every neuron and each synapse's current probed. */
  function description(g: number, neurons = Number(s.neurons)): Network {
    const o = { dt: s.dt, integrator: s.integrator as 'rk4', g: s.neunSign ? g : -g };
    const desc = neurons === 3 ? neunChain(o) : neunCoupledPair(o);
    if (s.synapse === 'diffusion') {
      // i = gsyn · r · (V_post − esyn) is added to post's input (Neun's sign): gsyn > 0 inhibits.
      const gsyn = s.neunSign ? g : -g;
      desc.projections = desc.projections!.map((pr) => ({ ...pr, synapse: { kind: 'diffusion' as const, esyn: 0, threshold: -20 }, weight: gsyn }));
    }
    desc.record = {
      spikes: true,
      probes: desc.populations.map((p) => ({ population: p.name, variable: 'v', neurons: [0] })),
      synapseProbes: desc.projections!.map((pr) => ({ projection: pr.name!, variable: current(), synapses: [0] })),
    };
    return desc;
  }

  /** Spike times of a one-neuron population. */
  const spikeTimes = (sim: Simulation, name: string) => sim.spikeTimes(sim.plan.populations.find((p) => p.name === name)!.start);

  const options = () => (s.backend === 'gpu' ? { backend: 'gpu' as const, device: session.device! } : { backend: 'cpu' as const });

  async function run(): Promise<void> {
    writeUrl('coupling', s);
    if (!validate(false)) { status.say('fix the fields marked in red', true); return; }
    const desc = description(s.g);
    const names = desc.populations.map((p) => p.name);
    status.say(`running ${names.join(', ')} on the ${s.backend}…`);
    document.body.dataset.couplingState = 'running';
    const sim = await createSimulation(desc, options());
    const t0 = performance.now();
    try {
      let diverged = '';
      await sim.run({ duration: s.duration }).catch((e: Error) => {
        if (!(e instanceof NonFiniteStateError)) throw e;
        diverged = `diverged: ${e.message}. The traces end there.`;
      });
      const wall = (performance.now() - t0) / 1000;
      const vs = names.map((population) => sim.trace({ population, variable: 'v', neuron: 0 }));
      const t = sim.times(0).subarray(0, vs[0]!.length);
      const currents = desc.projections!.map((pr) => sim.trace({ projection: pr.name!, variable: current(), synapse: 0 }));
      charts.v?.destroy();
      charts.v = timeChart(vBox, { title: 'membrane potential', x: 't (ms)', y: 'V (mV)', series: names });
      charts.v.setData([thin(t), ...vs.map((v) => thin(v))]);
      charts.i?.destroy();
      charts.i = timeChart(iBox, { title: 'synaptic current', x: 't (ms)', y: 'i (nA)', series: currents.map((_, k) => `synapse ${k}`), height: 160 });
      charts.i.setData([thin(t), ...currents.map((c) => thin(c))]);
      const finite = (a: Float64Array) => a.every(Number.isFinite);
      const pairs = names.slice(1).map((_, k) => {
        const a = vs[k]!, b = vs[k + 1]!;
        return finite(a) && finite(b) && a.length > 1
          ? `${names[k]}–${names[k + 1]}: correlation ${correlation(a, b).toFixed(3)}, mean |ΔV| ${meanAbsDifference(a, b).toFixed(2)} mV`
          : `${names[k]}–${names[k + 1]}: not finite`;
      });
      readout.replaceChildren(
        ...pairs.map((p) => el('span', { 'data-testid': 'sync' }, p)),
        el('span', { 'data-testid': 'spike-counts' }, `spikes: ${names.map((n) => `${n} ${spikeTimes(sim, n).length}`).join(', ')}`),
        ...(diverged ? [el('span', { class: 'warn', 'data-testid': 'diverged' }, diverged)] : []),
        el('span', {}, `${sim.step} steps in ${(wall * 1000).toFixed(0)} ms on ${sim.backend}`),
      );
      document.body.dataset.couplingState = 'done';
      document.body.dataset.couplingSpikes = names.map((n) => spikeTimes(sim, n).length).join(',');
      status.say(diverged ? 'done (diverged)' : 'done');
    } finally {
      sim.destroy();
    }
  }

  async function scan(): Promise<void> {
    writeUrl('coupling', s);
    if (!validate(true)) { status.say('fix the fields marked in red', true); return; }
    const gs = linspace(s.gmin, s.gmax, s.count);
    const base = description(gs[0]!, 2);
    const sign = s.neunSign ? 1 : -1;
    // The weight per copy: gsyn of a diffusion synapse, −g of an electrical one (g1 = g2 = −g).
    const values = s.synapse === 'diffusion' ? gs.map((g) => sign * g) : gs.map((g) => -sign * g);
    const desc: Network = {
      ...base, name: 'coupling scan',
      batch: { copies: gs.length, vary: [{ path: `projections.${base.projections![0]!.name}.weight`, values }], nonFinite: 'freeze-copy' },
      record: { probes: [{ population: 'h1', variable: 'v', neurons: [0] }, { population: 'h2', variable: 'v', neurons: [0] }] },
    };
    status.say(`scanning ${gs.length} conductances as one batch on the ${s.backend}…`);
    document.body.dataset.couplingState = 'scanning';
    const sim = await createSimulation(desc, options());
    try {
      const run = await sim.run({ duration: s.duration });
      const failed = new Map(run.failures.map((f) => [f.copy, f]));
      const corr: (number | null)[] = [], mad: (number | null)[] = [];
      gs.forEach((_, c) => {
        if (failed.has(c)) { corr.push(null); mad.push(null); return; }
        const a = sim.trace({ population: 'h1', variable: 'v', neuron: 0, copy: c }), b = sim.trace({ population: 'h2', variable: 'v', neuron: 0, copy: c });
        corr.push(correlation(a, b));
        mad.push(meanAbsDifference(a, b));
      });
      charts.scan?.destroy();
      charts.scan = timeChart(scanBox, { title: 'synchrony against coupling (one batch)', x: 'g (µS)', y: 'correlation', series: ['correlation', 'mean |ΔV| (mV)'], y2: 'mean |ΔV| (mV)', onY2: ['mean |ΔV| (mV)'] });
      charts.scan.setData([gs, corr, mad] as uPlot.AlignedData);
      scanReadout.replaceChildren(
        el('span', { 'data-testid': 'scan-summary' }, `${gs.length} copies × ${run.steps} steps in ${(run.wallSeconds * 1000).toFixed(0)} ms on ${sim.backend}`),
        el('span', { 'data-testid': 'scan-diverged' }, failed.size ? `diverged (frozen, left out): g = ${[...failed.keys()].map((c) => gs[c]!.toPrecision(3)).join(', ')}` : 'no copy diverged'),
      );
      document.body.dataset.scanCorrelations = corr.map((x) => (x === null ? 'x' : x.toFixed(3))).join(',');
      document.body.dataset.couplingState = 'scanned';
      status.say('scan done');
    } finally {
      sim.destroy();
    }
  }

  for (const k of ['neurons', 'synapse', 'g', 'neunSign', 'integrator', 'dt', 'duration', 'backend']) ctl[k]!.onFinishChange(() => void exclusive(run));
  for (const k of ['gmin', 'gmax', 'count']) ctl[k]!.onFinishChange(() => writeUrl('coupling', s));
  writeUrl('coupling', s);
  void exclusive(run);
  return { destroy() { gui.destroy(); for (const c of Object.values(charts)) c?.destroy(); } };
}
