// Network view: the seed network (seed 002) with its scenarios and type combinations, or any
// network description loaded as JSON, run live. On the GPU the raster is drawn by the GPU from
// the simulation's recorded spike pairs (GpuSpikeRaster, no readback); on the CPU reference the
// same binning is painted into a 2D canvas.
import {
  createSimulation, GpuSpikeRaster, MAX_NEURONS, type Network, NetworkSpecError, paintRaster, rasterClasses, type RasterGeometry, type Scenario,
  SCENARIOS, seedNetwork, type Simulation, TYPE_COMBINATIONS, validateNetwork,
} from 'spikegpu';
import type { GpuSession } from '../session';
import {
  RASTER_HEIGHT, RASTER_WIDTH, type Controller, StatusLine, download, serial, el, fieldError, intError, makeGui, readUrl, tag, timeChart, writeUrl,
} from '../ui';
import type { View } from './view';

/** The CPU reference in a page: a dense S of this many neurons is 400 MB. */
const CPU_PAGE_MAX_NEURONS = 10000;
const RATE_BIN_MS = 5;
/** The seed's type combinations in the seed's order ('original' first). */
const COMBINATION_NAMES = ['original', ...Object.keys(TYPE_COMBINATIONS).filter((k) => k !== 'original')];

export function networkView(root: HTMLElement, session: GpuSession): View {
  const s = readUrl({
    scenario: 'original', types: 'original', neurons: 1000, duration: 1000, seed: 0, window: 1000,
    backend: session.device ? 'gpu' : 'cpu', raster: 'auto',
  });
  const controls = el('div', { class: 'controls' });
  const status = new StatusLine();
  const readout = el('div', { class: 'readout', 'data-testid': 'readout' });
  const gpuCanvas = el('canvas', { id: 'raster-gpu', class: 'raster', width: String(RASTER_WIDTH), height: String(RASTER_HEIGHT) });
  const cpuCanvas = el('canvas', { id: 'raster-2d', class: 'raster', width: String(RASTER_WIDTH), height: String(RASTER_HEIGHT) });
  const rateBox = el('div', { class: 'chart', id: 'rate' });
  const jsonErrors = el('ul', { class: 'json-errors', 'data-testid': 'json-errors' });
  root.append(el('div', { class: 'layout' }, controls, el('div', { class: 'output' },
    status.node, readout, el('div', { class: 'caption' }, 'Spike raster: excitatory neurons dark, inhibitory red, newest step at the right'),
    gpuCanvas, cpuCanvas, rateBox)));

  let custom: { desc: Network; file: string } | null = null;
  let sim: Simulation | null = null;
  /** Wall seconds of the runs of this simulation (the summary counts simulated time only). */
  let wall = 0;
  let raster: GpuSpikeRaster | null = null;
  let geometry: RasterGeometry | null = null;
  let context: GPUCanvasContext | null = null;
  /** Where the raster is drawn: by the GPU into the WebGPU canvas, by the GPU and copied into the 2D canvas, or by the CPU. */
  let rasterPath: 'gpu-canvas' | 'gpu-pixels' | 'cpu' = 'cpu';
  let running = false;
  let counts = new Float64Array(0), counted = 0;
  const rate = timeChart(rateBox, { title: 'Population rate', x: 't (ms)', y: 'rate (Hz)', series: ['all neurons'], height: 180 });

  const maxNeurons = () => {
    if (s.backend === 'cpu') return CPU_PAGE_MAX_NEURONS;
    // The dense S (4 bytes per pair) must fit one binding of this device.
    return Math.min(MAX_NEURONS, Math.floor(Math.sqrt(session.maxBindingBytes / 4)));
  };

  const gui = makeGui(controls, 'Network (seed 002)');
  const ctl: Record<string, Controller> = {
    scenario: tag(gui.add(s, 'scenario', Object.keys(SCENARIOS)).name('scenario (wE, wI)'), 'scenario'),
    types: tag(gui.add(s, 'types', Object.fromEntries(COMBINATION_NAMES.map((k) => [`${k}: ${TYPE_COMBINATIONS[k]!.join(', ')}`, k]))).name('types (exc, inh)'), 'types'),
    neurons: tag(gui.add(s, 'neurons'), 'neurons'),
    duration: tag(gui.add(s, 'duration').name('duration (ms)'), 'duration'),
    seed: tag(gui.add(s, 'seed'), 'seed'),
    window: tag(gui.add(s, 'window').name('raster window (ms)'), 'window'),
    backend: tag(gui.add(s, 'backend', { 'GPU (WebGPU)': 'gpu', 'CPU reference': 'cpu' }), 'backend'),
    raster: tag(gui.add(s, 'raster', { 'auto': 'auto', 'WebGPU canvas': 'canvas', 'GPU picture copied to a 2D canvas': 'pixels' }).name('raster display'), 'raster'),
  };
  const actions = {
    start: () => { running = true; void exclusive(loop); },
    pause: () => { running = false; },
    step: () => { running = false; void exclusive(async () => { if (await ensureSim()) { await advance(1); } }); },
    reset: () => { running = false; void exclusive(async () => { teardown(); clearOutput(); status.say('reset'); }); },
    save: () => {
      const desc = currentDescription();
      download(`spikegpu-${custom ? custom.file.replace(/\.json$/i, '') : `${s.scenario}-${s.types}-${s.neurons}`}.json`, JSON.stringify(desc, null, 2));
    },
    load: () => fileInput.click(),
  };
  for (const [name, label] of [['start', 'Start'], ['pause', 'Pause'], ['step', 'Step (one dt)'], ['reset', 'Reset'], ['save', 'Save JSON…'], ['load', 'Load JSON…']] as const) {
    ctl[name] = tag(gui.add(actions, name).name(label), name);
  }
  const fileInput = el('input', { type: 'file', accept: '.json,application/json', 'data-testid': 'load-json', hidden: '' });
  ctl.load!.domElement.after(fileInput, jsonErrors);

  /** Runs one action at a time (start, step, reset never interleave). */
  const exclusive = serial((e: Error) => {
    running = false;
    document.body.dataset.networkState = 'error';
    status.say(`${e.name}: ${e.message}`, true);
    if (e instanceof NetworkSpecError) showJsonErrors([...e.issues]);
  });

  function currentDescription(): Network {
    if (custom) return custom.desc;
    return seedNetwork({ scenario: s.scenario as Scenario, types: TYPE_COMBINATIONS[s.types], neurons: s.neurons, seed: s.seed });
  }

  /** Checks every field; shows each error next to its field. */
  function validateFields(): boolean {
    const errors: Record<string, string | null> = {
      neurons: custom ? null : intError('neurons', s.neurons, 100, maxNeurons(), s.backend === 'gpu'
        ? ` (the dense S must fit one ${Math.round(session.maxBindingBytes / 2 ** 20)} MiB binding of this device)` : ' on the CPU reference in a page'),
      duration: intError('duration (ms)', s.duration, 1, 10_000_000),
      seed: intError('seed', s.seed, 0, Number.MAX_SAFE_INTEGER),
      window: intError('raster window (ms)', s.window, 10, 100_000),
      backend: session.backendError(s.backend),
    };
    for (const [k, m] of Object.entries(errors)) fieldError(ctl[k]!, m);
    return Object.values(errors).every((m) => m === null);
  }

  function showJsonErrors(issues: { path: string; message: string }[]): void {
    jsonErrors.replaceChildren(...issues.map((i) => el('li', {}, el('code', {}, i.path || '(top level)'), `: ${i.message}`)));
  }

  function onSettingsChanged(): void {
    writeUrl('network', s);
    running = false;
    void exclusive(async () => { teardown(); clearOutput(); });
    if (validateFields()) status.say('ready: press Start');
    else status.say('fix the fields marked in red', true);
  }
  for (const name of ['scenario', 'types', 'neurons', 'duration', 'seed', 'window', 'backend', 'raster']) {
    ctl[name]!.onFinishChange(() => { if (!['window', 'duration', 'backend', 'raster'].includes(name)) custom = null; onSettingsChanged(); });
  }

  fileInput.addEventListener('change', async () => {
    const file = fileInput.files?.[0];
    fileInput.value = '';
    if (!file) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(await file.text());
    } catch (e) {
      showJsonErrors([{ path: file.name, message: `not valid JSON: ${(e as Error).message}` }]);
      status.say(`${file.name} was not loaded`, true);
      return;
    }
    // The one schema: every problem names its field path.
    const { network, issues } = validateNetwork(parsed);
    if (!network) {
      showJsonErrors(issues);
      status.say(`${file.name} was not loaded: ${issues.length} field${issues.length > 1 ? 's' : ''} invalid`, true);
      return;
    }
    jsonErrors.replaceChildren();
    custom = { desc: network, file: file.name };
    onSettingsChanged();
    status.say(`loaded ${file.name}: ${custom.desc.name ?? 'network'}, ${custom.desc.populations.reduce((a, p) => a + p.size, 0)} neurons; press Start`);
  });

  async function ensureSim(): Promise<boolean> {
    if (sim) return true;
    if (!validateFields()) { status.say('fix the fields marked in red', true); return false; }
    const desc = currentDescription();
    const n = desc.populations.reduce((a, p) => a + p.size, 0);
    const backend = s.backend as 'gpu' | 'cpu';
    status.say(`building the network on the ${backend}…`);
    document.body.dataset.networkState = 'building';
    sim = await createSimulation(desc, backend === 'gpu' ? { backend, device: session.device! } : { backend });
    wall = 0;
    const windowSteps = Math.max(1, Math.round(s.window / desc.dt));
    geometry = { neurons: n, window: windowSteps, width: RASTER_WIDTH, height: Math.min(RASTER_HEIGHT, Math.floor(0xffffffff / n)), split: desc.populations[0]!.size };
    // The GPU draws the raster from the recorded spike pairs. It is presented in a WebGPU canvas,
    // except on a software adapter: headless Chromium on SwiftShader loses the device when it
    // presents a WebGPU canvas, so there the GPU's picture is copied into the 2D canvas instead.
    // A batch, or a network that records only some spikes, is painted from the spikes read back.
    const tappable = sim.plan.copies === 1 && sim.plan.recordSpikes.every(Boolean);
    const path = rasterPath = backend === 'cpu' || !tappable ? 'cpu'
      : s.raster === 'canvas' || (s.raster === 'auto' && !session.software) ? 'gpu-canvas' : 'gpu-pixels';
    gpuCanvas.hidden = path !== 'gpu-canvas';
    cpuCanvas.hidden = path === 'gpu-canvas';
    document.body.dataset.rasterPath = path;
    if (path === 'gpu-canvas') {
      context ??= gpuCanvas.getContext('webgpu')!;
      const format = navigator.gpu.getPreferredCanvasFormat();
      context.configure({ device: sim.device!, format, alphaMode: 'opaque' });
      raster = await GpuSpikeRaster.create(sim.device!, geometry, format);
    } else if (path === 'gpu-pixels') {
      raster = await GpuSpikeRaster.create(sim.device!, geometry, 'rgba8unorm');
    }
    if (raster) sim.addSpikeTap(raster);
    counts = new Float64Array(0);
    counted = 0;
    document.body.dataset.adapter = sim.backend;
    return true;
  }

  async function advance(steps: number): Promise<void> {
    wall += (await sim!.run({ steps })).wallSeconds;
    await draw();
  }

  async function loop(): Promise<void> {
    if (!(await ensureSim())) { running = false; return; }
    const total = Math.round(s.duration / sim!.plan.dt);
    let perFrame = 10;
    document.body.dataset.networkState = 'running';
    while (running && sim!.step < total) {
      const t0 = performance.now();
      await advance(Math.min(perFrame, total - sim!.step));
      const ms = performance.now() - t0;
      // About 30 frames a second: more steps per frame while a frame is quick, fewer when slow.
      if (ms < 25) perFrame = Math.min(perFrame * 2, 5000);
      else if (ms > 80) perFrame = Math.max(1, Math.floor(perFrame / 2));
      await new Promise((r) => setTimeout(r, 0));
    }
    const done = sim!.step >= total;
    document.body.dataset.networkState = done ? 'done' : 'paused';
    running = false;
  }

  async function draw(): Promise<void> {
    if (!sim || !geometry) return;
    const spikes = sim.spikes(), head = sim.step, dt = sim.plan.dt, n = geometry.neurons;
    const paint = (rgba: Uint8ClampedArray<ArrayBuffer>) => cpuCanvas.getContext('2d')!.putImageData(new ImageData(rgba, geometry!.width, geometry!.height), 0, 0);
    if (raster && rasterPath === 'gpu-canvas') raster.render(context!.getCurrentTexture().createView());
    else if (raster) paint(await raster.readPixels());
    else {
      // Spikes are sorted by step: paint only those in the window.
      let lo = 0, hi = spikes.step.length;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (spikes.step[mid]! < head - geometry.window) lo = mid + 1; else hi = mid; }
      paint(paintRaster(rasterClasses({ step: spikes.step.subarray(lo), neuron: spikes.neuron.subarray(lo) }, head, geometry)));
    }
    // Population rate in bins of RATE_BIN_MS over the raster's window (complete bins only).
    const binSteps = Math.max(1, Math.round(RATE_BIN_MS / dt)), bins = Math.floor(head / binSteps);
    if (counts.length < bins + 1) { const c = new Float64Array(Math.max(bins + 1, 2 * counts.length)); c.set(counts); counts = c; }
    for (; counted < spikes.step.length; counted++) counts[Math.floor(spikes.step[counted]! / binSteps)]! += 1;
    const first = Math.max(0, bins - Math.ceil(geometry.window / binSteps)), xs: number[] = [], ys: number[] = [];
    for (let b = first; b < bins; b++) { xs.push((b + 0.5) * binSteps * dt); ys.push(counts[b]! / n / ((binSteps * dt) / 1000)); }
    rate.setData([xs, ys]);
    const sum = sim.summary(), simMs = sum.steps * dt;
    const perWall = wall > 0 ? simMs / wall : 0, meanHz = simMs > 0 ? sum.spikes / (n * sim.plan.copies) / (simMs / 1000) : 0;
    readout.replaceChildren(
      el('span', { 'data-testid': 'time' }, `t = ${simMs.toFixed(0)} / ${s.duration} ms`),
      el('span', { 'data-testid': 'speed' }, `${perWall.toFixed(0)} simulated ms per wall second`),
      el('span', { 'data-testid': 'rt' }, `real-time factor ${(perWall / 1000).toFixed(2)}×`),
      el('span', {}, `${sum.spikes} spikes, ${meanHz.toFixed(2)} Hz`),
      el('span', {}, `${n} neurons on ${sim.backend}`),
    );
    document.body.dataset.spikes = String(sum.spikes);
    document.body.dataset.steps = String(sum.steps);
    status.say(running ? 'running…' : `${sum.steps} steps simulated`);
  }

  function teardown(): void {
    raster?.destroy();
    raster = null;
    sim?.destroy();
    sim = null;
    geometry = null;
  }

  function clearOutput(): void {
    readout.replaceChildren();
    rate.setData([[], []]);
    cpuCanvas.getContext('2d')!.clearRect(0, 0, RASTER_WIDTH, RASTER_HEIGHT);
    delete document.body.dataset.spikes;
    delete document.body.dataset.steps;
    document.body.dataset.networkState = 'idle';
  }

  const offSession = session.on((e) => {
    running = false;
    // The old device is gone: its simulation and raster cannot be used any more.
    raster = null;
    sim = null;
    context = null;
    if (e === 'restarted') { clearOutput(); validateFields(); status.say('GPU restarted: press Start'); }
  });

  // Until the first run: an empty 2D canvas (the WebGPU one stays hidden until it is configured).
  gpuCanvas.hidden = true;
  cpuCanvas.hidden = false;
  clearOutput();
  if (validateFields()) status.say('ready: press Start');
  else status.say('fix the fields marked in red', true);
  writeUrl('network', s);

  return {
    destroy() {
      running = false;
      offSession();
      teardown();
      gui.destroy();
    },
  };
}
