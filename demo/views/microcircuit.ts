// Microcircuit view: the Potjans–Diesmann cortical microcircuit (docs/microcircuit.md) at any scale
// the device holds. The GPU memory of the chosen scale is estimated from the description alone, and
// a scale the device cannot hold is refused before anything is built; the run then goes in chunks,
// each adding to the raster (one labelled band per population) and to the rates per population.
import {
  checkGpuMemory, createSimulation, formatBytes, gpuFootprint, type GpuFootprint, microcircuit, microcircuitParameters, type Network, NetworkSpecError, RASTER_COLOURS, RASTER_EXCITATORY,
  RASTER_INHIBITORY, type Simulation, type Spikes,
} from 'spikegpu';
import type { GpuSession } from '../session';
import { RASTER_WIDTH, type Controller, StatusLine, el, fieldError, intError, makeGui, numberError, readUrl, serial, tag, writeUrl } from '../ui';
import type { View } from './view';

/** The CPU reference in a page: 3·10⁶ synapses at 0.1, where a simulated second takes about a minute. */
const CPU_PAGE_MAX_SCALE = 0.1;
/** Simulated ms per chunk: one run(), one readback of its spikes, one redraw. */
const CHUNK_MS = 20;
/** The recent window of the rates table (ms). */
const WINDOW_MS = 100;
/** Taller than the other views' rasters so the smallest population (L5I) keeps rows; labels sit in a left gutter. */
const MC_RASTER_HEIGHT = 480;
const GUTTER = 48, MIN_BAND_ROWS = 12;
/** Labels and band rules are grey: never counted as spike pixels (tests/browser/pixels.ts). */
const INK = '#888', RULE = '#ddd';

/** A population's band: every `every`-th neuron gets one row (a subset when the population has more neurons than rows). */
interface Band { name: string; start: number; size: number; top: number; rows: number; every: number; shown: number; inhibitory: boolean }

/** Bands top to bottom in the populations' order, heights by size, each at least MIN_BAND_ROWS rows. */
function layoutBands(populations: readonly { name: string; start: number; size: number }[]): Band[] {
  const n = populations.reduce((a, p) => a + p.size, 0), spare = MC_RASTER_HEIGHT - MIN_BAND_ROWS * populations.length;
  let top = 0;
  return populations.map((p) => {
    const rows = MIN_BAND_ROWS + Math.floor((spare * p.size) / n), every = Math.max(1, Math.ceil(p.size / rows));
    const band = { name: p.name, start: p.start, size: p.size, top, rows, every, shown: Math.ceil(p.size / every), inhibitory: p.name.endsWith('I') };
    top += rows;
    return band;
  });
}

function paintBands(ctx: CanvasRenderingContext2D, bands: Band[]): void {
  ctx.clearRect(0, 0, RASTER_WIDTH, MC_RASTER_HEIGHT);
  ctx.font = '12px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  for (const b of bands) {
    ctx.fillStyle = RULE;
    if (b.top > 0) ctx.fillRect(0, b.top, RASTER_WIDTH, 1);
    ctx.fillStyle = INK;
    ctx.fillText(b.name, 4, b.top + b.rows / 2);
  }
}

const colour = (k: number) => `rgb(${RASTER_COLOURS[k]!.slice(0, 3).join(',')})`;

/** Paints the shown neurons' spikes (time across the whole run) and adds every spike to its population's count. */
function paintSpikes(ctx: CanvasRenderingContext2D, bands: Band[], spikes: Spikes, totalSteps: number, counts: number[]): void {
  const plot = RASTER_WIDTH - GUTTER - 2;
  for (let k = 0; k < spikes.step.length; k++) {
    const i = spikes.neuron[k]!;
    let q = bands.length - 1;
    while (bands[q]!.start > i) q--;
    const b = bands[q]!, j = i - b.start;
    counts[q]!++;
    if (j % b.every !== 0) continue;
    ctx.fillStyle = colour(b.inhibitory ? RASTER_INHIBITORY : RASTER_EXCITATORY);
    const row = b.top + Math.floor((j / b.every) * b.rows / b.shown);
    // At least 2 × 2 pixels, so one spike stays visible (it may overlap the next neuron's row).
    ctx.fillRect(GUTTER + Math.floor((spikes.step[k]! / totalSteps) * plot), row, 2, Math.max(2, Math.floor(b.rows / b.shown)));
  }
}

export function microcircuitView(root: HTMLElement, session: GpuSession): View {
  const s = readUrl({
    scale: session.device ? 0.1 : 0.05, background: 'poisson', storage: 'stored', seed: 55, duration: 1000, backend: session.device ? 'gpu' : 'cpu', memory: 0,
  });
  const controls = el('div', { class: 'controls' });
  const status = new StatusLine();
  const estimateBox = el('div', { class: 'readout', 'data-testid': 'mc-estimate' });
  const readout = el('div', { class: 'readout', 'data-testid': 'mc-readout' });
  const canvas = el('canvas', { id: 'mc-raster', class: 'raster', width: String(RASTER_WIDTH), height: String(MC_RASTER_HEIGHT) });
  const rateTable = el('table', { class: 'results', 'data-testid': 'mc-rates' });
  const caption = el('div', { class: 'caption' });
  root.append(el('div', { class: 'layout' }, controls, el('div', { class: 'output' }, status.node, estimateBox, readout, caption, canvas, rateTable)));
  const ctx = canvas.getContext('2d')!;

  const gui = makeGui(controls, 'Cortical microcircuit');
  const ctl: Record<string, Controller> = {
    scale: tag(gui.add(s, 'scale').name('scale (1: 77,169 neurons)'), 'scale'),
    background: tag(gui.add(s, 'background', { 'Poisson (8 Hz × in-degree)': 'poisson', 'DC (its mean current)': 'dc' }), 'background'),
    // Procedural rows store no synapse: how scale 1 fits a browser's 2 GiB binding (docs/microcircuit.md).
    storage: tag(gui.add(s, 'storage', { 'stored synapses': 'stored', 'procedural (drawn again at each spike)': 'procedural' }).name('synapses (GPU)'), 'storage'),
    seed: tag(gui.add(s, 'seed'), 'seed'),
    duration: tag(gui.add(s, 'duration').name('duration (ms)'), 'duration'),
    backend: tag(gui.add(s, 'backend', { 'GPU (WebGPU)': 'gpu', 'CPU reference': 'cpu' }), 'backend'),
    // WebGPU does not report the device's memory: a limit the user knows, else the adapter's maxBufferSize.
    memory: tag(gui.add(s, 'memory').name('GPU memory (MiB; 0: maxBufferSize)'), 'memory'),
  };
  let stop = false;
  let sim: Simulation | null = null;
  const actions = { run: () => { stop = false; void exclusive(run); }, stop: () => { stop = true; } };
  tag(gui.add(actions, 'run').name('Run'), 'run');
  tag(gui.add(actions, 'stop').name('Stop'), 'stop');
  for (const c of Object.values(ctl)) {
    c.onFinishChange(() => {
      ctl.memory!.show(s.backend === 'gpu');
      ctl.storage!.show(s.backend === 'gpu');
      sayReady();
      writeUrl('microcircuit', s);
    });
  }

  const exclusive = serial((e: Error) => {
    document.body.dataset.mcState = 'error';
    status.say(`${e.name}: ${e.message}`, true);
    // The library's own refusal by size (before it builds anything) belongs to the scale.
    if (e instanceof NetworkSpecError) fieldError(ctl.scale!, e.message);
  });

  function sayReady(): void {
    const ok = validate() !== null;
    status.say(ok ? 'ready: press Run' : 'fix the fields marked in red', !ok);
  }

  const memoryLimit = () => (s.memory > 0 ? s.memory * 2 ** 20 : undefined);

  /** Why the device cannot hold `net`, or null: the library's own check, made before createSimulation builds anything. */
  function refusal(net: Network): string | null {
    const device = session.device;
    if (s.backend !== 'gpu' || !device) return null;
    try {
      checkGpuMemory(net, device.limits, { memoryLimit: memoryLimit() });
      return null;
    } catch (e) {
      if (!(e instanceof NetworkSpecError)) throw e;
      return `scale ${s.scale}: ${e.issues.map((i) => i.message).join('; ')}`;
    }
  }

  /** Checks every field, shows the memory estimate of the scale and refuses what the device cannot hold; the network when it can run. */
  function validate(): Network | null {
    const cpu = s.backend === 'cpu', scaleError = numberError('scale', s.scale, 0, cpu ? CPU_PAGE_MAX_SCALE : 1);
    const errors: Record<string, string | null> = {
      scale: scaleError && cpu ? `${scaleError} (the CPU reference in a page)` : scaleError,
      seed: intError('seed', s.seed, 0, Number.MAX_SAFE_INTEGER),
      duration: intError('duration (ms)', s.duration, 1, 100_000),
      background: ['poisson', 'dc'].includes(s.background) ? null : `background must be poisson or dc, got ${s.background}`,
      storage: ['stored', 'procedural'].includes(s.storage) ? null : `synapses must be stored or procedural, got ${s.storage}`,
      backend: session.backendError(s.backend),
      memory: cpu ? null : intError('GPU memory (MiB)', s.memory, 0, 2 ** 30),
    };
    let net: Network | null = null;
    if (Object.values(errors).every((m) => m === null)) {
      net = microcircuit({ scale: s.scale, background: s.background as 'poisson' | 'dc', seed: s.seed, storage: cpu ? 'stored' : s.storage as 'stored' | 'procedural' });
      showEstimate(net, gpuFootprint(net));
      errors.scale = refusal(net);
    } else estimateBox.replaceChildren();
    for (const [k, m] of Object.entries(errors)) fieldError(ctl[k]!, m);
    estimateBox.classList.toggle('refused', errors.scale !== null);
    return Object.values(errors).every((m) => m === null) ? net : null;
  }

  /** Sizes and the GPU memory of `net` from its description alone (no values drawn, nothing allocated), against the device's limits. */
  function showEstimate(net: Network, fp: GpuFootprint): void {
    const device = session.device;
    const synapses = microcircuitParameters({ scale: s.scale }).synapses.flat().reduce((a, b) => a + b, 0);
    const neurons = net.populations.reduce((a, p) => a + p.size, 0);
    const limits = device
      ? `this device: ${formatBytes(session.maxBindingBytes)} per buffer, ${formatBytes(memoryLimit() ?? device.limits.maxBufferSize)} in all (${memoryLimit() ? 'GPU memory field' : 'maxBufferSize'})`
      : 'no WebGPU device';
    estimateBox.replaceChildren(
      el('span', { 'data-testid': 'mc-size' }, `${neurons.toLocaleString('en')} neurons, ${synapses.toLocaleString('en')} synapses`),
      el('span', { 'data-testid': 'mc-memory', 'data-bytes': String(fp.total) },
        `GPU memory: about ${formatBytes(fp.total)} (synapses ${formatBytes(fp.parts.synapses!)}, largest buffer ${formatBytes(fp.largest)})`),
      el('span', { 'data-testid': 'mc-limits' }, limits),
    );
  }

  async function run(): Promise<void> {
    writeUrl('microcircuit', s);
    const net = validate();
    if (!net) { status.say('fix the fields marked in red', true); return; }
    free();
    clearOutput();
    document.body.dataset.mcState = 'building';
    status.say(`building ${net.name} on the ${s.backend === 'gpu' ? 'GPU' : 'CPU'}…`);
    const t0 = performance.now();
    // This run's simulation: `sim` is dropped when the device is lost.
    const current = sim = await createSimulation(net, s.backend === 'gpu'
      ? { backend: 'gpu', device: session.device!, memoryLimit: memoryLimit() }
      : { backend: 'cpu' });
    const built = (performance.now() - t0) / 1000, { plan } = current;
    const bands = layoutBands(plan.populations), counts = bands.map(() => 0);
    paintBands(ctx, bands);
    // Where each band lies (name, top row, rows), for the browser tests.
    canvas.dataset.bands = JSON.stringify(bands.map((b) => [b.name, b.top, b.rows]));
    const total = Math.round(s.duration / plan.dt), chunk = Math.max(1, Math.round(CHUNK_MS / plan.dt)), windowSteps = Math.round(WINDOW_MS / plan.dt);
    const synapses = current.synapseCounts().reduce<number>((a, b) => a + (b ?? 0), 0);
    document.body.dataset.mcBuildSeconds = built.toFixed(3);
    document.body.dataset.mcState = 'running';
    let wall = 0;
    caption.textContent = `Spike raster, 0 to ${s.duration} ms: a band per population (excitatory dark, inhibitory red), one row per neuron shown (large populations: every k-th neuron)`;
    while (current.step < total && !stop) {
      const from = current.step;
      wall += (await current.run({ steps: Math.min(chunk, total - from) })).wallSeconds;
      paintSpikes(ctx, bands, current.spikes(from), total, counts);
      showRates(current, bands, counts, windowSteps);
      const simulated = current.step * plan.dt, rtf = wall / (simulated / 1000), spikes = counts.reduce((a, b) => a + b, 0);
      readout.replaceChildren(
        el('span', { 'data-testid': 'mc-build' }, `built in ${built.toFixed(2)} s: ${plan.n.toLocaleString('en')} neurons, ${synapses.toLocaleString('en')} synapses on ${current.backend}`),
        el('span', { 'data-testid': 'mc-progress' }, `${simulated.toFixed(0)} of ${s.duration} ms simulated in ${wall.toFixed(2)} s, ${spikes.toLocaleString('en')} spikes`),
        el('span', { 'data-testid': 'mc-rtf', 'data-value': String(rtf) }, `real-time factor ${rtf.toPrecision(3)} (wall seconds per simulated second)`),
      );
      document.body.dataset.mcSpikes = String(spikes);
      document.body.dataset.mcSteps = String(current.step);
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
    document.body.dataset.mcState = stop ? 'stopped' : 'done';
    status.say(stop ? 'stopped' : `done: ${net.name}`);
  }

  /** Per population: neurons, the raster's subset, spikes so far, the rate over the recent window and over the whole run. */
  function showRates(simulation: Simulation, bands: Band[], counts: number[], windowSteps: number): void {
    const step = simulation.step, from = Math.max(0, step - windowSteps), seconds = ((step - from) * simulation.plan.dt) / 1000;
    const recent = bands.map((b) => simulation.rates(b.name, undefined, from).reduce((a, c) => a + c, 0) / b.size / seconds);
    const mean = simulation.summary().meanRateHz, top = Math.max(1, ...recent);
    const cell = (col: string, text: string) => el('td', { 'data-col': col }, text);
    rateTable.replaceChildren(
      el('tr', {}, ...['population', 'neurons', 'in raster', 'spikes', `Hz, last ${WINDOW_MS} ms`, 'Hz, mean', ''].map((h) => el('th', {}, h))),
      ...bands.map((b, q) => el('tr', { 'data-population': b.name },
        el('th', {}, b.name), cell('neurons', b.size.toLocaleString('en')), cell('shown', b.every === 1 ? 'all' : `1 in ${b.every}`),
        cell('spikes', String(counts[q])), cell('recent', recent[q]!.toFixed(2)), cell('mean', mean[b.name]!.toFixed(2)),
        el('td', { class: 'bar' }, el('span', { style: `width: ${(100 * recent[q]!) / top}px` })))),
    );
  }

  function free(): void {
    sim?.destroy();
    sim = null;
  }

  function clearOutput(): void {
    ctx.clearRect(0, 0, RASTER_WIDTH, MC_RASTER_HEIGHT);
    delete canvas.dataset.bands;
    caption.textContent = '';
    readout.replaceChildren();
    rateTable.replaceChildren();
    for (const k of ['mcSpikes', 'mcSteps', 'mcBuildSeconds']) delete document.body.dataset[k];
    document.body.dataset.mcState = 'idle';
  }

  // A lost device ends the run; its simulation cannot be used (or destroyed) any more.
  const offSession = session.on(() => { stop = true; sim = null; validate(); });
  ctl.memory!.show(s.backend === 'gpu');
  ctl.storage!.show(s.backend === 'gpu');
  clearOutput();
  sayReady();
  writeUrl('microcircuit', s);
  return {
    destroy() {
      stop = true;
      offSession();
      void exclusive(async () => free());
      gui.destroy();
    },
  };
}
