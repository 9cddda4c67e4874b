// Validation of a circuit description: every field is checked before anything is allocated,
// and each problem names its field path (the same error type as networks).
import { CIRCUIT_INTEGRATORS } from '../equations/integrators';
import { NEURON_MODELS, circuitModel } from './models';
import { NetworkValidationError, type Report, type ValidationIssue, checkFiniteNumber, describeValue } from '../network/validate';
import type { CircuitDescription, CircuitNeuron, CircuitSynapse, NeuronRef, Stimulus } from './description';

/** Largest B · (neurons or synapses) one description may hold; memory usually binds earlier. */
export const MAX_CIRCUIT_ELEMENTS = 1 << 26;
const MAX_DT_MS = 10;
const MAX_SUBSTEPS = 1000;

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isCount = (x: unknown, lo: number, hi: number): x is number => Number.isInteger(x) && (x as number) >= lo && (x as number) <= hi;

/** Index of a neuron reference, or -1. */
export function neuronIndex(neurons: readonly CircuitNeuron[], ref: NeuronRef): number {
  if (typeof ref === 'number') return Number.isInteger(ref) && ref >= 0 && ref < neurons.length ? ref : -1;
  return neurons.findIndex((n) => n.name === ref);
}

/** A path of a batch variation, resolved against the circuit. */
export type VariationTarget =
  | { kind: 'param'; neuron: number; slot: number }
  | { kind: 'init'; neuron: number; variable: number }
  | { kind: 'stimulus'; neuron: number; stimulus: number }
  | { kind: 'synapse'; synapse: number; slot: number };

/** Synapse parameter slots, as the plan and shaders/circuit.wgsl order them. */
export const ELECTRICAL_SLOTS = ['g1', 'g2'] as const;
export const DIFFUSION_SLOTS = ['alpha', 'beta', 'threshold', 'esyn', 'gsyn', 'T', 'maxReleaseTime', 'steps'] as const;

export function resolveVariation(desc: CircuitDescription, path: string): VariationTarget | string {
  const m = /^(neurons|synapses)\[([^\]]+)\]\.(.+)$/.exec(path);
  if (!m) return 'must look like neurons[i].params.NAME, neurons[i].init.VAR, neurons[i].spikeThreshold, neurons[i].stimuli[k].amplitude or synapses[j].FIELD';
  const [, list, ref, rest] = m as unknown as [string, string, string, string];
  if (list === 'synapses') {
    const j = Number(ref);
    const syn = desc.synapses?.[j];
    if (!Number.isInteger(j) || !syn) return `no synapse ${ref}`;
    const slots: readonly string[] = syn.kind === 'electrical' ? ELECTRICAL_SLOTS : DIFFUSION_SLOTS;
    const slot = slots.indexOf(rest);
    if (slot < 0 || rest === 'steps') return `a ${syn.kind} synapse can vary ${slots.filter((s) => s !== 'steps').join(', ')}, not ${rest}`;
    return { kind: 'synapse', synapse: j, slot };
  }
  const neuron = neuronIndex(desc.neurons, /^\d+$/.test(ref) ? Number(ref) : ref);
  if (neuron < 0) return `no neuron ${ref}`;
  const model = circuitModel(desc.neurons[neuron]!.model)!;
  let mm: RegExpExecArray | null;
  if ((mm = /^params\.(\w+)$/.exec(rest))) {
    const slot = model.parameters.indexOf(mm[1]!);
    return slot < 0 ? `${model.name} has no parameter ${mm[1]}; it has ${model.parameters.join(', ')}` : { kind: 'param', neuron, slot };
  }
  if (rest === 'spikeThreshold') {
    const slot = model.parameters.indexOf('threshold');
    return slot < 0 ? `${model.name} has no spike threshold to vary; it has ${model.parameters.join(', ')}` : { kind: 'param', neuron, slot };
  }
  if ((mm = /^init\.(\w+)$/.exec(rest))) {
    const variable = model.variables.indexOf(mm[1]!);
    return variable < 0 ? `${model.name} has no variable ${mm[1]}; it has ${model.variables.join(', ')}` : { kind: 'init', neuron, variable };
  }
  if ((mm = /^stimuli\[(\d+)\]\.amplitude$/.exec(rest))) {
    const stimulus = Number(mm[1]);
    const s = desc.neurons[neuron]!.stimuli?.[stimulus];
    if (!s) return `neuron ${ref} has no stimulus ${stimulus}`;
    if (s.kind === 'pulses') return 'a pulses stimulus has one amplitude per pulse: vary a step or train instead';
    return { kind: 'stimulus', neuron, stimulus };
  }
  return `unknown field ${rest}`;
}

function checkTime(x: unknown, path: string, report: Report, positive = false): x is number {
  if (!checkFiniteNumber(x, path, report)) return false;
  if (x < 0 || (positive && x === 0)) { report(path, `must be ${positive ? '> 0' : '≥ 0'} ms, got ${x}`); return false; }
  return true;
}

function checkStimulus(s: Stimulus, dt: number, path: string, report: Report): void {
  if (!isObject(s)) { report(path, 'must be an object'); return; }
  const shorterThanStep = (x: number, p: string) => { if (x < dt / 2) report(p, `${x} ms is shorter than one step (dt = ${dt} ms)`); };
  switch (s.kind) {
    case 'constant':
      checkFiniteNumber(s.amplitude, `${path}.amplitude`, report);
      break;
    case 'step':
    case 'noise':
      checkFiniteNumber(s.amplitude, `${path}.amplitude`, report);
      if (s.kind === 'step' || s.start !== undefined) checkTime(s.start, `${path}.start`, report);
      if (s.stop !== undefined && checkTime(s.stop, `${path}.stop`, report) && typeof s.start === 'number' && s.stop <= s.start) {
        report(`${path}.stop`, `must be after start (${s.start} ms), got ${s.stop}`);
      }
      break;
    case 'pulses':
      if (!Array.isArray(s.pulses) || s.pulses.length === 0) { report(`${path}.pulses`, `must be a non-empty array, got ${describeValue(s.pulses)}`); break; }
      s.pulses.forEach((p, k) => {
        const pp = `${path}.pulses[${k}]`;
        if (!isObject(p)) { report(pp, 'must be an object {start, duration, amplitude}'); return; }
        checkTime(p.start, `${pp}.start`, report);
        if (checkTime(p.duration, `${pp}.duration`, report, true)) shorterThanStep(p.duration, `${pp}.duration`);
        checkFiniteNumber(p.amplitude, `${pp}.amplitude`, report);
      });
      break;
    case 'train':
      checkFiniteNumber(s.amplitude, `${path}.amplitude`, report);
      checkTime(s.start, `${path}.start`, report);
      if (checkTime(s.width, `${path}.width`, report, true)) shorterThanStep(s.width, `${path}.width`);
      if (checkTime(s.period, `${path}.period`, report, true) && typeof s.width === 'number' && s.period < s.width) {
        report(`${path}.period`, `must be ≥ width (${s.width} ms), got ${s.period}`);
      }
      if (!isCount(s.count, 1, 1e9)) report(`${path}.count`, `must be an integer ≥ 1, got ${describeValue(s.count)}`);
      break;
    case 'waveform': {
      if (!Array.isArray(s.samples) || s.samples.length === 0) report(`${path}.samples`, `must be a non-empty array of numbers, got ${describeValue(s.samples)}`);
      else s.samples.forEach((x, k) => checkFiniteNumber(x, `${path}.samples[${k}]`, report));
      if (checkTime(s.interval, `${path}.interval`, report, true)) {
        const ratio = s.interval / dt;
        if (Math.round(ratio) < 1 || Math.abs(ratio - Math.round(ratio)) > 1e-6 * ratio) {
          report(`${path}.interval`, `must be a whole multiple of dt (${dt} ms), got ${s.interval}`);
        }
      }
      if (s.start !== undefined) checkTime(s.start, `${path}.start`, report);
      if (s.amplitude !== undefined) checkFiniteNumber(s.amplitude, `${path}.amplitude`, report);
      if (s.interpolation !== undefined && s.interpolation !== 'hold' && s.interpolation !== 'linear') {
        report(`${path}.interpolation`, `must be 'hold' or 'linear', got ${describeValue(s.interpolation)}`);
      }
      break;
    }
    default:
      report(`${path}.kind`, `must be constant, step, pulses, train, waveform or noise, got ${describeValue((s as { kind: unknown }).kind)}`);
  }
}

function checkNeuron(n: CircuitNeuron, dt: number, path: string, report: Report): void {
  if (!isObject(n)) { report(path, 'must be an object'); return; }
  const model = circuitModel(n.model);
  if (!model) { report(`${path}.model`, `must be one of ${Object.keys(NEURON_MODELS).join(', ')}, got ${describeValue(n.model)}`); return; }
  const presets = model.declaration.presets ?? {};
  const presetOk = n.preset === undefined || (typeof n.preset === 'string' && Object.hasOwn(presets, n.preset));
  if (!presetOk) report(`${path}.preset`, `${model.name} presets are ${Object.keys(presets).join(', ')}, got ${describeValue(n.preset)}`);
  if (n.name !== undefined && (typeof n.name !== 'string' || n.name === '' || /^\d+$/.test(n.name))) {
    report(`${path}.name`, `must be a non-empty string that is not a number, got ${describeValue(n.name)}`);
  }
  for (const [field, names] of [['params', model.parameters], ['init', model.variables]] as const) {
    const values = n[field];
    if (values === undefined) continue;
    if (!isObject(values)) { report(`${path}.${field}`, 'must be an object of numbers'); continue; }
    for (const [key, x] of Object.entries(values)) {
      if (!names.includes(key)) report(`${path}.${field}.${key}`, `${model.name} has no ${field === 'params' ? 'parameter' : 'variable'} ${key}; it has ${names.join(', ')}`);
      else checkFiniteNumber(x, `${path}.${field}.${key}`, report);
    }
  }
  const p: Record<string, unknown> = { ...(presetOk && n.preset !== undefined ? presets[n.preset] : {}), ...(isObject(n.params) ? n.params : {}) };
  for (const [name, d] of Object.entries(model.declaration.parameters)) {
    const x = p[name];
    if (typeof x !== 'number' || !Number.isFinite(x)) continue;
    if ((d.min !== undefined && x < d.min) || (d.max !== undefined && x > d.max)) {
      report(`${path}.params.${name}`, `must be in [${d.min ?? '-inf'}, ${d.max ?? 'inf'}]${d.unit ? ` ${d.unit}` : ''}, got ${x}`);
    }
  }
  if (n.spikeThreshold !== undefined && checkFiniteNumber(n.spikeThreshold, `${path}.spikeThreshold`, report) && !model.parameters.includes('threshold')) {
    report(`${path}.spikeThreshold`, `${model.name} has no threshold parameter; set its parameters instead (${model.parameters.join(', ')})`);
  }
  if (n.stimuli !== undefined) {
    if (!Array.isArray(n.stimuli)) report(`${path}.stimuli`, 'must be an array');
    else n.stimuli.forEach((s, k) => checkStimulus(s, dt, `${path}.stimuli[${k}]`, report));
  }
}

function checkSynapse(s: CircuitSynapse, neurons: CircuitNeuron[], path: string, report: Report): void {
  if (!isObject(s)) { report(path, 'must be an object'); return; }
  const ref = (r: unknown, field: string) => {
    if (neuronIndex(neurons, r as NeuronRef) < 0) report(`${path}.${field}`, `must name a neuron (index 0..${neurons.length - 1} or a name), got ${describeValue(r)}`);
    return r;
  };
  if (s.kind === 'electrical') {
    if (ref(s.a, 'a') === ref(s.b, 'b') || neuronIndex(neurons, s.a) === neuronIndex(neurons, s.b)) report(`${path}.b`, 'an electrical synapse needs two different neurons');
    checkFiniteNumber(s.g1, `${path}.g1`, report);
    checkFiniteNumber(s.g2, `${path}.g2`, report);
  } else if (s.kind === 'diffusion') {
    ref(s.pre, 'pre');
    ref(s.post, 'post');
    for (const f of ['gsyn', 'esyn', 'threshold'] as const) checkFiniteNumber(s[f], `${path}.${f}`, report);
    for (const f of ['alpha', 'beta', 'T', 'maxReleaseTime'] as const) {
      if (s[f] !== undefined && checkFiniteNumber(s[f], `${path}.${f}`, report) && s[f]! < 0) report(`${path}.${f}`, `must be ≥ 0, got ${s[f]}`);
    }
    if (s.steps !== undefined && !isCount(s.steps, 1, MAX_SUBSTEPS)) report(`${path}.steps`, `must be an integer in [1, ${MAX_SUBSTEPS}], got ${describeValue(s.steps)}`);
  } else {
    report(`${path}.kind`, `must be electrical or diffusion, got ${describeValue((s as { kind: unknown }).kind)}`);
  }
}

export function validateCircuit(desc: CircuitDescription): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const report: Report = (path, message) => { issues.push({ path, message }); };
  if (!isObject(desc)) return [{ path: '', message: 'a circuit description must be an object' }];
  if (checkFiniteNumber(desc.dt, 'dt', report) && !(desc.dt > 0 && desc.dt <= MAX_DT_MS)) report('dt', `must be in (0, ${MAX_DT_MS}] ms, got ${desc.dt}`);
  if (!CIRCUIT_INTEGRATORS.includes(desc.integrator)) report('integrator', `must be one of ${CIRCUIT_INTEGRATORS.join(', ')}, got ${describeValue(desc.integrator)}`);
  if (desc.seed !== undefined && !(Number.isSafeInteger(desc.seed) && desc.seed >= 0)) report('seed', `must be a non-negative integer, got ${describeValue(desc.seed)}`);
  if (!Array.isArray(desc.neurons) || desc.neurons.length === 0) {
    report('neurons', `must be a non-empty array, got ${describeValue(desc.neurons)}`);
    return issues;
  }
  const dt = typeof desc.dt === 'number' && desc.dt > 0 ? desc.dt : 1;
  desc.neurons.forEach((n, i) => checkNeuron(n, dt, `neurons[${i}]`, report));
  const names = desc.neurons.map((n) => n?.name).filter((x) => x !== undefined);
  const dup = names.find((x, k) => names.indexOf(x) !== k);
  if (dup !== undefined) report('neurons', `neuron names must be unique; ${JSON.stringify(dup)} appears twice`);
  if (desc.synapses !== undefined) {
    if (!Array.isArray(desc.synapses)) report('synapses', 'must be an array');
    else desc.synapses.forEach((s, j) => checkSynapse(s, desc.neurons, `synapses[${j}]`, report));
  }
  if (issues.length > 0) return issues; // what follows resolves references
  const copies = desc.batch?.copies ?? 1;
  if (desc.batch !== undefined) {
    if (!isCount(copies, 1, MAX_CIRCUIT_ELEMENTS)) report('batch.copies', `must be an integer in [1, ${MAX_CIRCUIT_ELEMENTS}], got ${describeValue(copies)}`);
    if (desc.batch.nonFinite !== undefined && desc.batch.nonFinite !== 'stop' && desc.batch.nonFinite !== 'freeze-copy') {
      report('batch.nonFinite', `must be 'stop' or 'freeze-copy', got ${describeValue(desc.batch.nonFinite)}`);
    }
    (desc.batch.vary ?? []).forEach((v, k) => {
      const path = `batch.vary[${k}]`;
      const target = typeof v?.path === 'string' ? resolveVariation(desc, v.path) : 'must be a string';
      if (typeof target === 'string') report(`${path}.path`, `${target} (got ${describeValue(v?.path)})`);
      if (!Array.isArray(v?.values) || v.values.length !== copies) report(`${path}.values`, `must hold one number per copy (${copies}), got ${describeValue(v?.values)}`);
      else v.values.forEach((x, b) => checkFiniteNumber(x, `${path}.values[${b}]`, report));
    });
  }
  const m = desc.synapses?.length ?? 0;
  for (const [what, count] of [['neurons', desc.neurons.length], ['synapses', m]] as const) {
    if (copies * count > MAX_CIRCUIT_ELEMENTS) report('batch.copies', `${copies} copies × ${count} ${what} exceed ${MAX_CIRCUIT_ELEMENTS}`);
  }
  const rec = desc.record;
  if (rec !== undefined) {
    if (rec.every !== undefined && !isCount(rec.every, 1, 1e7)) report('record.every', `must be an integer ≥ 1, got ${describeValue(rec.every)}`);
    (rec.traces ?? []).forEach((t, k) => {
      const path = `record.traces[${k}]`;
      if ((t.neuron === undefined) === (t.synapse === undefined)) { report(path, 'must name exactly one of neuron or synapse'); return; }
      if (t.neuron !== undefined) {
        const i = neuronIndex(desc.neurons, t.neuron);
        if (i < 0) { report(`${path}.neuron`, `must name a neuron, got ${describeValue(t.neuron)}`); return; }
        const vars = [...(circuitModel(desc.neurons[i]!.model)?.variables ?? []), 'I'];
        if (!vars.includes(t.variable)) report(`${path}.variable`, `must be one of ${vars.join(', ')}, got ${describeValue(t.variable)}`);
      } else {
        const s = desc.synapses?.[t.synapse!];
        if (!s) { report(`${path}.synapse`, `must be a synapse index 0..${m - 1}, got ${describeValue(t.synapse)}`); return; }
        const vars = s.kind === 'electrical' ? ['i1', 'i2'] : ['i', 'r'];
        if (!vars.includes(t.variable)) report(`${path}.variable`, `a ${s.kind} synapse records ${vars.join(', ')}, got ${describeValue(t.variable)}`);
      }
      if (t.copies !== undefined && (!Array.isArray(t.copies) || t.copies.some((b) => !isCount(b, 0, copies - 1)))) {
        report(`${path}.copies`, `must be copy indices in [0, ${copies - 1}], got ${describeValue(t.copies)}`);
      }
    });
  }
  return issues;
}

export function assertValidCircuit(desc: CircuitDescription): void {
  const issues = validateCircuit(desc);
  if (issues.length > 0) throw new NetworkValidationError(issues);
}

