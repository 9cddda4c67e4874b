// Sparse view: COBAHH (docs/models.md, and the scaled benchmark) or the seed's neurons with sparse
// fixed in-degree and delays, at sizes a dense S cannot reach. Connectivity is built on the GPU;
// spikes, population rates and the traced neurons' membrane potentials (probes) come back from
// it in chunks and are drawn as the run goes.
import {
  cobahh, createSimulation, formatBytes, gpuFootprint, locate, MAX_NEURONS, type Network, NetworkSpecError, proceduralFootprint, RASTER_COLOURS, RASTER_EXCITATORY, RASTER_INHIBITORY, probesOf, type Simulation, sparseIzhikevich,
} from 'spikegpu';
import type { GpuSession } from '../session';
import {
  RASTER_HEIGHT, RASTER_WIDTH, type Controller, StatusLine, el, fieldError, intError, makeGui, readUrl, serial, tag, timeChart, writeUrl,
} from '../ui';
import type { View } from './view';

/** The CPU reference in a page: beyond this a run takes minutes. */
const CPU_PAGE_MAX_NEURONS = 20000;
/** Simulated ms between two redraws. */
const SLICE_MS = 20;
/** Neurons the page traces at most (a chart holds a few). */
const PAGE_MAX_TRACED = 8;

/** The traced-neurons field: '' for none, else comma-separated indices. */
function parseTraced(text: string): number[] {
  return text.trim() === '' ? [] : text.split(',').map((x) => (/^\s*\d+\s*$/.test(x) ? Number(x) : NaN));
}

export function sparseView(root: HTMLElement, session: GpuSession): View {
  const s = readUrl({
    network: 'cobahh', neurons: 4000, scaled: false, inDegree: 100, delay: 0, seed: 1, duration: 500,
    backend: session.device ? 'gpu' : 'cpu', launch: 'auto', connectivity: 'stored', traced: '1,10,100',
  });
  const controls = el('div', { class: 'controls' });
  const status = new StatusLine();
  const readout = el('div', { class: 'readout', 'data-testid': 'sparse-readout' });
  const canvas = el('canvas', { id: 'sparse-raster', class: 'raster', width: String(RASTER_WIDTH), height: String(RASTER_HEIGHT) });
  const rateBox = el('div', { class: 'chart', id: 'sparse-rate' });
  const traceBox = el('div', { class: 'chart', id: 'sparse-trace' });
  root.append(el('div', { class: 'layout' }, controls, el('div', { class: 'output' },
    status.node, readout, el('div', { class: 'caption' }, 'Spike raster (time × neuron; excitatory dark, inhibitory red; large networks: evenly spaced rows)'),
    canvas, rateBox, traceBox)));
  const rate = timeChart(rateBox, { title: 'Population rates (1 ms bins, counted on the GPU)', x: 't (ms)', y: 'rate (Hz)', series: ['exc', 'inh'], height: 200 });
  /** The traced neurons' v, one series each: made again for each run's neurons. */
  let trace: ReturnType<typeof timeChart> | null = null;

  const gui = makeGui(controls, 'Sparse networks');
  const ctl: Record<string, Controller> = {
    network: tag(gui.add(s, 'network', { 'COBAHH (Brian2 benchmark)': 'cobahh', 'Izhikevich, fixed in-degree': 'sparse-izhikevich' }), 'network'),
    neurons: tag(gui.add(s, 'neurons'), 'neurons'),
    scaled: tag(gui.add(s, 'scaled').name('scaled (p = 1000/N, w = 0)'), 'scaled'),
    inDegree: tag(gui.add(s, 'inDegree').name('in-degree'), 'inDegree'),
    delay: tag(gui.add(s, 'delay').name('delay (steps)'), 'delay'),
    seed: tag(gui.add(s, 'seed'), 'seed'),
    duration: tag(gui.add(s, 'duration').name('duration (ms)'), 'duration'),
    backend: tag(gui.add(s, 'backend', { 'GPU (WebGPU)': 'gpu', 'CPU reference': 'cpu' }), 'backend'),
    launch: tag(gui.add(s, 'launch', { auto: 'auto', 'one workgroup, many steps': 'one-workgroup', 'dispatches per step': 'per-step' }).name('GPU launch'), 'launch'),
    connectivity: tag(gui.add(s, 'connectivity', { 'stored (CSR)': 'stored', 'procedural (drawn at each spike)': 'procedural' }).name('GPU synapses'), 'connectivity'),
    traced: tag(gui.add(s, 'traced').name('traced neurons'), 'traced'),
  };
  let stop = false;
  let sim: Simulation | null = null;
  const actions = { run: () => { stop = false; void exclusive(run); }, stop: () => { stop = true; } };
  tag(gui.add(actions, 'run').name('Run'), 'run');
  tag(gui.add(actions, 'stop').name('Stop'), 'stop');
  const showFields = () => {
    const izh = s.network === 'sparse-izhikevich';
    ctl.scaled!.show(!izh);
    ctl.inDegree!.show(izh);
    ctl.delay!.show(izh);
    ctl.launch!.show(s.backend === 'gpu');
    ctl.connectivity!.show(s.backend === 'gpu');
  };
  for (const c of Object.values(ctl)) c.onFinishChange(() => { showFields(); if (validateFields()) showEstimate(); writeUrl('sparse', s); });

  const exclusive = serial((e: Error) => {
    document.body.dataset.sparseState = 'error';
    status.say(`${e.name}: ${e.message}`, true);
    // A network the device cannot hold is refused by size: show it on the neurons field.
    if (e instanceof NetworkSpecError && e.issues.some((i) => i.path === 'populations')) fieldError(ctl.neurons!, e.message);
  });

  function validateFields(): boolean {
    const maxN = s.backend === 'cpu' ? CPU_PAGE_MAX_NEURONS : MAX_NEURONS;
    const errors: Record<string, string | null> = {
      neurons: intError('neurons', s.neurons, 10, maxN, s.backend === 'cpu' ? ' on the CPU reference in a page' : ''),
      inDegree: s.network === 'sparse-izhikevich' ? intError('in-degree', s.inDegree, 0, Math.max(0, s.neurons)) : null,
      delay: s.network === 'sparse-izhikevich' ? intError('delay (steps)', s.delay, 0, 1024) : null,
      seed: intError('seed', s.seed, 0, Number.MAX_SAFE_INTEGER),
      duration: intError('duration (ms)', s.duration, 1, 100_000),
      backend: session.backendError(s.backend),
      traced: tracedError(),
      // Rows are drawn again at each spike for fixed-probability rules: COBAHH's, not a fixed in-degree.
      connectivity: s.backend === 'gpu' && s.connectivity === 'procedural' && s.network !== 'cobahh'
        ? 'procedural synapses need fixed-probability connectivity (COBAHH); this network has a fixed in-degree' : null,
    };
    for (const [k, m] of Object.entries(errors)) fieldError(ctl[k]!, m);
    return Object.values(errors).every((m) => m === null);
  }

  function tracedError(): string | null {
    const list = parseTraced(s.traced);
    const bad = list.find((i) => !Number.isInteger(i) || i < 0 || i >= s.neurons);
    if (bad !== undefined) return `traced neurons must be indices in [0, ${s.neurons - 1}] separated by commas, got ${s.traced}`;
    if (list.length > PAGE_MAX_TRACED) return `at most ${PAGE_MAX_TRACED} traced neurons in the page, got ${list.length}`;
    if (new Set(list).size !== list.length) return `traced neurons must differ, got ${s.traced}`;
    return null;
  }

  /** The GPU memory estimate of the current settings, shown before a run. */
  function showEstimate(): void {
    if (s.backend !== 'gpu') { readout.replaceChildren(); return; }
    try {
      // From the description alone (compiling 10⁵ neurons takes seconds).
      const net = description(), e = gpuFootprint(net), drawn = s.connectivity === 'procedural' ? null : proceduralFootprint(net);
      const other = drawn === null ? '' : `; with procedural synapses about ${formatBytes(drawn.total)}`;
      readout.replaceChildren(el('div', { 'data-testid': 'sparse-estimate' },
        `GPU memory: about ${formatBytes(e.total)} (synapses ${formatBytes(e.parts.synapses!)})${other}`));
    } catch {
      readout.replaceChildren(); // the fields' own errors say what is wrong
    }
  }

  /** The preset, its traced neurons (global indices) probed as v of their populations, its rows stored or procedural. */
  function description(): Network {
    const net = s.network === 'cobahh'
      ? cobahh({ n: s.neurons, scaled: s.scaled, seed: s.seed })
      : sparseIzhikevich({ n: s.neurons, k: s.inDegree, delay: s.delay, seed: s.seed });
    net.record = { ...net.record, probes: probesOf(net, parseTraced(s.traced), ['v']) };
    if (s.backend === 'gpu' && s.connectivity === 'procedural') net.projections = net.projections!.map((pr) => ({ ...pr, storage: 'procedural' as const }));
    return net;
  }

  async function run(): Promise<void> {
    writeUrl('sparse', s);
    if (!validateFields()) { status.say('fix the fields marked in red', true); return; }
    sim?.destroy();
    sim = null;
    clearOutput();
    document.body.dataset.sparseState = 'building';
    status.say(`building ${s.neurons} neurons' connectivity on the ${s.backend === 'gpu' ? 'GPU' : 'CPU'}…`);
    const desc = description();
    const t0 = performance.now();
    sim = await createSimulation(desc, s.backend === 'gpu'
      ? { backend: 'gpu', device: session.device!, launch: s.launch as 'auto' }
      : { backend: 'cpu' });
    const built = (performance.now() - t0) / 1000;
    const { plan } = sim;
    const counts = sim.synapseCounts();
    const synapses = counts.includes(null) ? 'synapses drawn again at each spike' : `${counts.reduce<number>((a, b) => a + b!, 0).toLocaleString('en')} synapses`;
    const shape = sim.launch === null ? null : sim.launch === 'one-workgroup' ? 'one workgroup' : 'dispatches per step';
    const stepsTotal = Math.round(s.duration / plan.dt), slice = Math.max(1, Math.round(SLICE_MS / plan.dt));
    const bin = Math.max(1, Math.round(1 / plan.dt));
    const rowOf = (i: number) => Math.floor((i * (RASTER_HEIGHT - 1)) / plan.n);
    const inhibitoryFrom = plan.populations[1]?.start ?? plan.n;
    const ctx = canvas.getContext('2d')!;
    const colour = (k: number) => `rgb(${RASTER_COLOURS[k]!.slice(0, 3).join(',')})`;
    let binned = 0, wall = 0, spikes = 0;
    const t: number[] = [], series: number[][] = plan.populations.map(() => []);
    const traced = parseTraced(s.traced), traceT: number[] = [], traceV: number[][] = traced.map(() => []);
    /** Each traced neuron's probe: its population and index there. */
    const probeOf = traced.map((i) => ({ ...locate(plan.network, i), variable: 'v' }));
    trace = traced.length ? timeChart(traceBox, {
      title: 'Membrane potential of the traced neurons (every step)', x: 't (ms)', y: 'v (mV)', series: traced.map((i) => `neuron ${i}`), height: 220,
    }) : null;
    document.body.dataset.sparseState = 'running';
    for (let done = 0; done < stepsTotal && !stop;) {
      const from = done;
      const m = Math.min(slice, stepsTotal - done);
      const r = await sim.run({ steps: m });
      done += m; wall += r.wallSeconds; spikes += r.spikes;
      // This slice's spikes into the raster.
      const fresh = sim.spikes(from);
      for (let k = 0; k < fresh.step.length; k++) {
        const i = fresh.neuron[k]!;
        ctx.fillStyle = colour(i >= inhibitoryFrom ? RASTER_INHIBITORY : RASTER_EXCITATORY);
        ctx.fillRect(Math.floor((fresh.step[k]! / stepsTotal) * (RASTER_WIDTH - 1)), rowOf(i), 2, 2);
      }
      // The completed 1 ms bins since the last slice, from the GPU's counts (spikes per step).
      const first = binned, rates = plan.populations.map((p) => sim!.rates(p.name, undefined, first));  // only the steps not binned yet
      for (; binned + bin <= done; binned += bin) {
        t.push(binned * plan.dt);
        plan.populations.forEach((p, k) => {
          let c = 0;
          for (let q = binned; q < binned + bin; q++) c += rates[k]![q - first]!;
          series[k]!.push(c / p.size / (bin * plan.dt / 1000));
        });
      }
      rate.setData([t, ...series]);
      // This slice's trace samples: value k is the state after step from + k.
      if (trace) {
        for (let k = from; k < done; k++) traceT.push((k + 1) * plan.dt);
        probeOf.forEach((probe, q) => traceV[q]!.push(...sim!.trace(probe, from)));
        trace.setData([traceT, ...traceV]);
        document.body.dataset.sparseTraceSamples = String(traceT.length);
      }
      const simulatedMs = done * plan.dt;
      readout.replaceChildren(
        el('div', { 'data-testid': 'sparse-size' }, `${plan.n} neurons, ${synapses} (built in ${built.toFixed(2)} s)`),
        el('div', { 'data-testid': 'sparse-progress' }, `${simulatedMs.toFixed(0)} of ${s.duration} ms, ${spikes} spikes: ` +
          Object.entries(sim.summary().meanRateHz).map(([p, x]) => `${p} ${x.toFixed(1)} Hz`).join(', ')),
        el('div', { 'data-testid': 'sparse-speed' }, `${(simulatedMs / wall).toFixed(0)} simulated ms per wall second ` +
          `(real-time factor ${(simulatedMs / 1000 / wall).toFixed(3)}) on ${sim.backend}${shape ? `, ${shape}, ${s.connectivity} synapses` : ''}`),
      );
      document.body.dataset.sparseSpikes = String(spikes);
      document.body.dataset.sparseSteps = String(done);
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
    document.body.dataset.sparseState = stop ? 'stopped' : 'done';
    status.say(stop ? 'stopped' : `done: ${desc.name}`);
  }

  function clearOutput(): void {
    canvas.getContext('2d')!.clearRect(0, 0, RASTER_WIDTH, RASTER_HEIGHT);
    rate.setData([[], [], []]);
    trace?.destroy();
    trace = null;
    delete document.body.dataset.sparseTraceSamples;
    readout.replaceChildren();
    fieldError(ctl.neurons!, null);
    delete document.body.dataset.sparseSpikes;
    delete document.body.dataset.sparseSteps;
    document.body.dataset.sparseState = 'idle';
  }

  const offSession = session.on(() => { stop = true; sim = null; });
  showFields();
  clearOutput();
  if (validateFields()) { status.say('ready: press Run'); showEstimate(); }
  else status.say('fix the fields marked in red', true);
  writeUrl('sparse', s);
  return {
    destroy() {
      stop = true;
      offSession();
      void exclusive(async () => { sim?.destroy(); sim = null; });
      gui.destroy();
      rate.destroy();
      trace?.destroy();
    },
  };
}
