// Neuron lab: one neuron of any model and named type, a stimulus editor, traces of every state
// variable and the phase plane(s) with the trajectory's limit cycle (the last period, once two
// successive periods agree).
import { createSimulation, hhDoubleImpulse, MODELS, type Network, type NetworkInput } from 'spikegpu';
import type { GpuSession } from '../session';
import {
  type Controller, type GUI, StatusLine, el, serial, fieldError, makeGui, numberError, readUrl, setXY, tag, thin, timeChart, type uPlot, writeUrl, xyChart,
} from '../ui';
import type { View } from './view';

/** One row of the stimulus editor (a pulse is one rectangular pulse; several rows make a train). */
interface StimRow { kind: 'constant' | 'step' | 'pulse'; amplitude: number; start: number; stop: number }

/** Seed 001's double impulse, from the library's preset (times in steps), as editor rows (ms). */
const DOUBLE_IMPULSE = (() => {
  const net = hhDoubleImpulse(), ms = (steps: number) => Number((steps * net.dt).toPrecision(12));
  return formatStimuli(net.inputs!.flatMap((inp) =>
    inp.kind === 'pulses' ? inp.pulses.map((q) => ({ kind: 'pulse' as const, amplitude: q.amplitude, start: ms(q.start), stop: ms(q.duration) })) : []));
})();

type LabModel = 'izhikevich' | 'hodgkin_huxley' | 'hindmarsh_rose' | 'adex';
/** What each model starts with (HH: seed 001). */
const MODEL_DEFAULTS: Record<LabModel, { preset: string; dt: number; duration: number; stim: string }> = {
  izhikevich: { preset: 'RS', dt: 0.1, duration: 300, stim: 'step:10:20:' },
  hodgkin_huxley: { preset: 'hh1952', dt: 0.01, duration: 50, stim: DOUBLE_IMPULSE },
  hindmarsh_rose: { preset: 'neun', dt: 0.01, duration: 1000, stim: '' },
  adex: { preset: 'regular_spiking', dt: 0.1, duration: 300, stim: 'step:1000:20:' },
};
/** The phase planes each model shows: [x variable, y variable]. */
const PLANES: Record<LabModel, [string, string][]> = {
  izhikevich: [['v', 'u']],
  hodgkin_huxley: [['v', 'n'], ['v', 'm']],
  hindmarsh_rose: [['x', 'y']],
  adex: [['v', 'w']],
};

/** `kind:amplitude:start:stop|duration` rows, comma separated (the URL form of the editor). */
export function parseStimuli(text: string): StimRow[] {
  return text.split(',').filter((r) => r.trim()).map((row) => {
    const [kind, a, start, stop] = row.split(':');
    if (kind !== 'constant' && kind !== 'step' && kind !== 'pulse') throw new RangeError(`stimulus "${row}": kind must be constant, step or pulse`);
    return { kind, amplitude: Number(a), start: Number(start || 0), stop: stop === undefined || stop === '' ? NaN : Number(stop) };
  });
}

function formatStimuli(rows: StimRow[]): string {
  return rows.map((r) => r.kind === 'constant' ? `constant:${r.amplitude}` : `${r.kind}:${r.amplitude}:${r.start}:${Number.isNaN(r.stop) ? '' : r.stop}`).join(',');
}

/** One editor row as an input of the population: the editor's ms as whole steps of dt. */
function toInput(r: StimRow, target: string, dt: number): NetworkInput {
  const steps = (ms: number) => Math.round(ms / dt);
  if (r.kind === 'constant') return { kind: 'constant', target, amplitude: r.amplitude };
  if (r.kind === 'step') return { kind: 'constant', target, amplitude: r.amplitude, start: steps(r.start), ...(Number.isNaN(r.stop) ? {} : { stop: steps(r.stop) }) };
  return { kind: 'pulses', target, pulses: [{ start: steps(r.start), duration: steps(r.stop), amplitude: r.amplitude }] };
}

export function neuronLabView(root: HTMLElement, session: GpuSession): View {
  const s = readUrl({
    model: 'hodgkin_huxley', integrator: 'rk4', ...MODEL_DEFAULTS.hodgkin_huxley,
    backend: session.device ? 'gpu' : 'cpu',
  });
  if (!Object.hasOwn(MODEL_DEFAULTS, s.model)) s.model = 'hodgkin_huxley';  // a model this lab has no defaults for
  let rows: StimRow[] = [];
  const controls = el('div', { class: 'controls' });
  const status = new StatusLine();
  const readout = el('div', { class: 'readout', 'data-testid': 'readout' });
  const tracesBox = el('div', { class: 'chart' }), gatesBox = el('div', { class: 'chart' });
  const planesBox = el('div', { class: 'planes' });
  root.append(el('div', { class: 'layout' }, controls, el('div', { class: 'output' }, status.node, readout, tracesBox, gatesBox, planesBox)));

  const gui = makeGui(controls, 'Neuron lab');
  const ctl: Record<string, Controller> = {};
  ctl.model = tag(gui.add(s, 'model', Object.keys(MODEL_DEFAULTS)), 'model');
  ctl.preset = tag(gui.add(s, 'preset', []).name('type / preset'), 'preset');
  ctl.integrator = tag(gui.add(s, 'integrator', ['euler', 'rk4', 'rk6']), 'integrator');
  ctl.dt = tag(gui.add(s, 'dt').name('dt (ms)'), 'dt');
  ctl.duration = tag(gui.add(s, 'duration').name('duration (ms)'), 'duration');
  ctl.backend = tag(gui.add(s, 'backend', { 'GPU (WebGPU)': 'gpu', 'CPU reference': 'cpu' }), 'backend');
  const stimFolder = gui.addFolder('Stimuli (current; HH 1952: µA/cm², Neun: nA)');
  const actions = {
    run: () => void exclusive(run),
    doubleImpulse: () => { s.model = 'hodgkin_huxley'; modelChanged(); },
    addConstant: () => { rows.push({ kind: 'constant', amplitude: 10, start: 0, stop: NaN }); rowsChanged(); },
    addStep: () => { rows.push({ kind: 'step', amplitude: 10, start: 10, stop: NaN }); rowsChanged(); },
    addPulse: () => { rows.push({ kind: 'pulse', amplitude: 50, start: 10, stop: 1 }); rowsChanged(); },
  };
  const stimList = stimFolder.addFolder('current stimuli');
  tag(stimFolder.add(actions, 'addConstant').name('+ constant'), 'add-constant');
  tag(stimFolder.add(actions, 'addStep').name('+ step'), 'add-step');
  tag(stimFolder.add(actions, 'addPulse').name('+ pulse'), 'add-pulse');
  tag(stimFolder.add(actions, 'doubleImpulse').name('seed 001: double impulse'), 'double-impulse');
  tag(gui.add(actions, 'run').name('Run'), 'run');

  const charts: { traces?: uPlot; gates?: uPlot; planes: uPlot[] } = { planes: [] };
  const exclusive = serial((e: Error) => {
    document.body.dataset.labState = 'error';
    status.say(`${e.name}: ${e.message}`, true);
  });

  function refreshPresets(): void {
    const presets = Object.keys(MODELS[s.model]?.declaration.presets ?? {});
    if (!presets.includes(s.preset)) s.preset = MODEL_DEFAULTS[s.model as LabModel]?.preset ?? presets[0]!;
    ctl.preset = tag(ctl.preset!.options(presets), 'preset');
    ctl.preset.onFinishChange(changed);
    gui.controllersRecursive().forEach((c) => c.updateDisplay());
  }

  function loadRows(): void {
    try {
      rows = parseStimuli(s.stim);
    } catch (e) {
      rows = [];
      status.say((e as Error).message, true);
    }
    buildRows();
  }

  function buildRows(): void {
    for (const c of [...stimList.children]) c.destroy();
    rows.forEach((r, k) => {
      const f: GUI = stimList.addFolder(`${k + 1}: ${r.kind}`);
      f.domElement.dataset.stimulus = String(k);
      tag(f.add(r, 'amplitude'), 'amplitude').onFinishChange(rowsChanged);
      if (r.kind !== 'constant') tag(f.add(r, 'start').name('start (ms)'), 'start').onFinishChange(rowsChanged);
      if (r.kind === 'step') tag(f.add(r, 'stop').name('stop (ms, empty: never)'), 'stop').onFinishChange(rowsChanged);
      if (r.kind === 'pulse') tag(f.add(r, 'stop').name('duration (ms)'), 'pulse-duration').onFinishChange(rowsChanged);
      tag(f.add({ remove: () => { rows.splice(k, 1); rowsChanged(); } }, 'remove').name('remove'), 'remove');
    });
  }

  function rowsChanged(): void {
    s.stim = formatStimuli(rows);
    buildRows();
    changed();
  }

  function validate(): boolean {
    const errors: Record<string, string | null> = {
      dt: numberError('dt (ms)', s.dt, 0, 1),
      duration: numberError('duration (ms)', s.duration, 0, 100_000) ?? (s.duration / s.dt > 2_000_000 ? `duration / dt must be at most 2,000,000 steps, got ${Math.round(s.duration / s.dt)}` : null),
      backend: session.backendError(s.backend),
    };
    for (const [k, m] of Object.entries(errors)) fieldError(ctl[k]!, m);
    return Object.values(errors).every((m) => m === null);
  }

  function changed(): void {
    writeUrl('neuron', s);
    void exclusive(run);
  }

  /** One neuron as a one-neuron population; every state variable and the input I probed. */
  function description(): Network {
    const model = MODELS[s.model]!;
    // At most ~20000 samples per trace.
    const every = Math.max(1, Math.ceil(s.duration / s.dt / 20000));
    return {
      name: `neuron lab: ${s.model} ${s.preset}`, dt: s.dt, seed: 0,
      populations: [{ name: 'neuron', size: 1, model: s.model, preset: s.preset, integrator: s.integrator }],
      inputs: rows.map((r) => toInput(r, 'neuron', s.dt)),
      record: { spikes: true, probes: [...model.variables, 'I'].map((variable) => ({ population: 'neuron', variable, neurons: [0], every })) },
    };
  }

  async function run(): Promise<void> {
    if (!validate()) { status.say('fix the fields marked in red', true); return; }
    const model = MODELS[s.model]!;
    const desc = description();
    status.say(`running ${s.model} (${s.preset}) on the ${s.backend}…`);
    document.body.dataset.labState = 'running';
    const sim = await createSimulation(desc, s.backend === 'gpu' ? { backend: 'gpu', device: session.device! } : { backend: 'cpu' });
    try {
      const run = await sim.run({ duration: s.duration });
      // Probe q samples variable q (the last: I), every `every` steps.
      const t = sim.times(0), vars = model.variables, every = desc.record!.probes![0]!.every!;
      const tr = Object.fromEntries([...vars, 'I'].map((v, q) => [v, sim.trace(q)]));
      const spikes = sim.spikeTimes(0);
      // Traces: the membrane variable and the input; the other state variables below.
      charts.traces?.destroy();
      charts.traces = timeChart(tracesBox, { title: `${vars[0]} and input`, x: 't (ms)', y: vars[0]!, series: [vars[0]!, 'I'], y2: 'I', onY2: ['I'] });
      charts.traces.setData([thin(t), thin(tr[vars[0]!]!), thin(tr.I!)]);
      charts.gates?.destroy();
      charts.gates = timeChart(gatesBox, { title: vars.slice(1).join(', '), x: 't (ms)', y: vars.slice(1).join(', '), series: vars.slice(1), height: 180 });
      charts.gates.setData([thin(t), ...vars.slice(1).map((v) => thin(tr[v]!))]);
      // Phase planes, with the limit cycle: the last period once it repeats within 2 %.
      const cycle = limitCycle(spikes);
      const [c0, c1] = cycle ? [Math.floor(cycle.from / (s.dt * every)) - 1, Math.ceil(cycle.to / (s.dt * every)) - 1] : [0, 0];
      for (const c of charts.planes) c.destroy();
      planesBox.replaceChildren();
      charts.planes = PLANES[s.model as LabModel].map(([x, y]) => {
        const box = el('div', { class: 'plane', 'data-plane': `${x}-${y}` });
        planesBox.append(box);
        const u = xyChart(box, { title: `phase plane ${x}–${y}`, x, y, series: ['trajectory', ...(cycle ? ['limit cycle'] : [])] });
        setXY(u, [[thin(tr[x]!), thin(tr[y]!)], ...(cycle ? [[tr[x]!.subarray(c0, c1 + 1), tr[y]!.subarray(c0, c1 + 1)] as [Float64Array, Float64Array]] : [])]);
        return u;
      });
      readout.replaceChildren(
        el('span', { 'data-testid': 'spikes' }, `${spikes.length} spikes${spikes.length ? ` at ${[...spikes.slice(0, 4)].map((x) => x.toFixed(2)).join(', ')}${spikes.length > 4 ? ', …' : ''} ms` : ''}`),
        el('span', { 'data-testid': 'cycle' }, cycle ? `limit cycle: period ${cycle.period.toFixed(3)} ms (${(1000 / cycle.period).toFixed(1)} Hz)` : 'no limit cycle (fewer than three spikes, or the period has not settled)'),
        el('span', {}, `${run.steps} steps of ${s.integrator} in ${(run.wallSeconds * 1000).toFixed(0)} ms on ${sim.backend}`),
      );
      document.body.dataset.labSpikes = String(spikes.length);
      document.body.dataset.labCycle = cycle ? cycle.period.toFixed(4) : 'none';
      document.body.dataset.labState = 'done';
      status.say('done');
    } finally {
      sim.destroy();
    }
  }

  /** A model starts from its defaults (the HH ones are seed 001's double impulse). */
  function modelChanged(): void {
    Object.assign(s, MODEL_DEFAULTS[s.model as LabModel]!);
    refreshPresets();
    loadRows();
    changed();
  }
  ctl.model.onFinishChange(modelChanged);
  for (const k of ['integrator', 'dt', 'duration', 'backend']) ctl[k]!.onFinishChange(changed);
  refreshPresets();
  loadRows();
  writeUrl('neuron', s);
  void exclusive(run);
  return { destroy() { gui.destroy(); for (const c of [charts.traces, charts.gates, ...charts.planes]) c?.destroy(); } };
}

/** The last inter-spike period, when it agrees with the one before within 2 %. */
export function limitCycle(spikes: ArrayLike<number>): { from: number; to: number; period: number } | null {
  const k = spikes.length;
  if (k < 3) return null;
  const last = spikes[k - 1]! - spikes[k - 2]!, before = spikes[k - 2]! - spikes[k - 3]!;
  return Math.abs(last - before) <= 0.02 * last ? { from: spikes[k - 2]!, to: spikes[k - 1]!, period: last } : null;
}
