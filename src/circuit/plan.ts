// A validated circuit compiled once into flat tables that both backends execute: the CPU
// reference in f64 straight from these arrays, the GPU after packing them into one u32 buffer
// (shaders/circuit.wgsl). B copies share the template's tables; only what a batch varies gets
// per-copy entries, deduplicated, so a million identical copies cost one parameter set.
import { initialState, parameterValues } from '../equations/compile';
import type { CircuitIntegrator } from '../equations/integrators';
import type { ParsedModel } from '../equations/model';
import { MAX_STATE, PARAM_SLOTS, circuitModel } from './models';
import {
  type CircuitDescription, type CircuitNeuron, type CircuitSynapse, DIFFUSION_DEFAULTS, type Stimulus,
} from './description';
import { DIFFUSION_SLOTS, ELECTRICAL_SLOTS, assertValidCircuit, neuronIndex, resolveVariation, type VariationTarget } from './validate';

export const SYN_SLOTS = 8;
/** Numbers per synapse of state: r, release time, releasing, last V_pre, then the currents i1, i2, 0, 0. */
export const SYN_STATE = 8;
export const STIM_WORDS = 12;
export const NO_STOP = 0xffffffff;
export const STIM_KIND = { pulses: 0, waveform: 1, noise: 2 } as const;
export const SYN_KIND = { electrical: 0, diffusion: 1 } as const;
export const PROBE_KIND = { state: 0, input: 1, synapseCurrent: 2, synapseState: 3 } as const;

export interface Probe {
  copy: number;
  kind: number;
  /** Neuron or synapse index within the copy. */
  index: number;
  /** State variable, or current slot (i1 / i2), or synapse state slot (r). */
  variable: number;
  /** e.g. "neurons[0].v" */
  label: string;
}

export interface CircuitPlan {
  name: string;
  dt: number;
  integrator: CircuitIntegrator;
  seed: number;
  copies: number;
  n: number;
  m: number;
  /** Each neuron's model, and the distinct models in order of first use (the GPU's model index). */
  models: ParsedModel[];
  kinds: ParsedModel[];
  modelIndex: Uint32Array;
  inFirst: Uint32Array;
  inCount: Uint32Array;
  /** Current slots (2 · synapse + 0|1) each neuron sums, in synapse order. */
  inSlots: Uint32Array;
  synKind: Uint32Array;
  synA: Uint32Array;
  synB: Uint32Array;
  /** Per copy and neuron: parameter set, stimulus list. */
  neuronPset: Uint32Array;
  neuronStims: Uint32Array;
  /** Parameter sets, PARAM_SLOTS numbers each. */
  psets: Float64Array;
  /** Per copy and synapse: synapse parameter set (SYN_SLOTS numbers each). */
  synPset: Uint32Array;
  spsets: Float64Array;
  /** Stimulus lists (first record, count) and records (STIM_WORDS words; the amplitude is in stimAmp). */
  stimLists: Uint32Array;
  stimWords: Uint32Array;
  stimAmp: Float64Array;
  waves: Float64Array;
  /** Initial state, MAX_STATE per neuron and SYN_STATE per synapse. */
  state0: Float64Array;
  syn0: Float64Array;
  probes: Probe[];
  recordSpikes: boolean;
  recordInput: boolean;
  /** A copy whose state turns non-finite is frozen and reported instead of stopping the run. */
  freeze: boolean;
  every: number;
}

const toStep = (t: number, dt: number) => Math.round(t / dt);

function stimulusRecords(s: Stimulus, index: number, dt: number, waves: number[]): { words: number[]; amp: number }[] {
  const rec = (kind: number, start: number, stop: number, amp: number, extra: Partial<Record<'period' | 'width' | 'wfirst' | 'wlen' | 'every' | 'interp', number>> = {}) => ({
    words: [kind, start, stop, extra.period ?? 1, extra.width ?? 1, 0, extra.wfirst ?? 0, extra.wlen ?? 0, extra.every ?? 1, extra.interp ?? 0, index, 0],
    amp,
  });
  switch (s.kind) {
    case 'constant': return [rec(STIM_KIND.pulses, 0, NO_STOP, s.amplitude)];
    case 'step': return [rec(STIM_KIND.pulses, toStep(s.start, dt), s.stop === undefined ? NO_STOP : toStep(s.stop, dt), s.amplitude)];
    case 'noise': return [rec(STIM_KIND.noise, toStep(s.start ?? 0, dt), s.stop === undefined ? NO_STOP : toStep(s.stop, dt), s.amplitude)];
    case 'pulses': return s.pulses.map((p) => {
      const start = toStep(p.start, dt);
      return rec(STIM_KIND.pulses, start, start + Math.max(1, toStep(p.duration, dt)), p.amplitude);
    });
    case 'train': {
      const start = toStep(s.start, dt), width = Math.max(1, toStep(s.width, dt)), period = Math.max(width, toStep(s.period, dt));
      return [rec(STIM_KIND.pulses, start, start + (s.count - 1) * period + width, s.amplitude, { period, width })];
    }
    case 'waveform': {
      const start = toStep(s.start ?? 0, dt), every = toStep(s.interval, dt);
      const wfirst = waves.length;
      waves.push(...s.samples);
      return [rec(STIM_KIND.waveform, start, start + s.samples.length * every, s.amplitude ?? 1, {
        wfirst, wlen: s.samples.length, every, interp: s.interpolation === 'linear' ? 1 : 0,
      })];
    }
  }
}

/** Deduplicating table of fixed-width number rows. */
class RowTable {
  readonly rows: number[] = [];
  private readonly index = new Map<string, number>();
  constructor(private readonly width: number) {}
  add(row: ArrayLike<number>): number {
    const key = Array.prototype.join.call(row, ',');
    let k = this.index.get(key);
    if (k === undefined) {
      k = this.rows.length / this.width;
      for (let d = 0; d < this.width; d++) this.rows.push(row[d]!);
      this.index.set(key, k);
    }
    return k;
  }
}

/** A neuron's parameter values (defaults, preset, overrides, spikeThreshold) and their slots. */
export function neuronParams(n: CircuitNeuron): { values: Record<string, number>; row: Float64Array } {
  const model = circuitModel(n.model)!;
  const values = parameterValues(model, n.preset, n.params);
  if (n.spikeThreshold !== undefined) values.threshold = n.spikeThreshold;
  const row = new Float64Array(PARAM_SLOTS);
  model.parameters.forEach((name, k) => { row[k] = values[name]!; });
  return { values, row };
}

/** A synapse's parameters in the slot order of ELECTRICAL_SLOTS / DIFFUSION_SLOTS, padded to SYN_SLOTS. */
function synapseRow(s: CircuitSynapse): number[] {
  let row: number[];
  if (s.kind === 'electrical') row = ELECTRICAL_SLOTS.map((k) => s[k]);
  else {
    const full = { ...DIFFUSION_DEFAULTS, ...s };
    row = DIFFUSION_SLOTS.map((k) => full[k]);
  }
  return [...row, ...new Array<number>(SYN_SLOTS - row.length).fill(0)];
}

export function compileCircuit(desc: CircuitDescription): CircuitPlan {
  assertValidCircuit(desc);
  const N = desc.neurons.length, synapses = desc.synapses ?? [], M = synapses.length, B = desc.batch?.copies ?? 1;
  const dt = desc.dt;
  const models = desc.neurons.map((n) => circuitModel(n.model)!);
  const kinds = [...new Set(models)];
  const modelIndex = Uint32Array.from(models, (m) => kinds.indexOf(m));

  // Variations, grouped by what they change.
  const byTarget = new Map<string, { target: VariationTarget; values: number[] }[]>();
  for (const v of desc.batch?.vary ?? []) {
    const target = resolveVariation(desc, v.path) as VariationTarget;
    const key = target.kind === 'synapse' ? `s${target.synapse}` : `${target.kind === 'param' ? 'p' : target.kind === 'init' ? 'i' : 'x'}${target.neuron}`;
    byTarget.set(key, [...(byTarget.get(key) ?? []), { target, values: v.values }]);
  }

  // Neuron parameter sets: the template's, then per-copy rows where a batch varies them.
  const psets = new RowTable(PARAM_SLOTS);
  const neuronPset = new Uint32Array(B * N);
  const state0 = new Float64Array(B * N * MAX_STATE);
  const templateRows = desc.neurons.map((n) => neuronParams(n));
  for (let i = 0; i < N; i++) {
    const { values, row } = templateRows[i]!;
    const p0 = psets.add(row);
    const varied = byTarget.get(`p${i}`);
    const scratch = row.slice();
    for (let b = 0; b < B; b++) {
      if (varied) {
        scratch.set(row);
        for (const { target, values: xs } of varied) scratch[(target as { slot: number }).slot] = xs[b]!;
        neuronPset[b * N + i] = psets.add(scratch);
      } else neuronPset[b * N + i] = p0;
    }
    // Initial state: the model's, then the description's, then the batch's.
    const init = { ...initialState(models[i]!, values), ...desc.neurons[i]!.init };
    const x0 = models[i]!.variables.map((name) => init[name]!);
    const initVaried = byTarget.get(`i${i}`);
    for (let b = 0; b < B; b++) {
      const at = (b * N + i) * MAX_STATE;
      for (let d = 0; d < x0.length; d++) state0[at + d] = x0[d]!;
      for (const { target, values: xs } of initVaried ?? []) state0[at + (target as { variable: number }).variable] = xs[b]!;
    }
  }

  // Stimuli: one list per neuron, plus per-copy lists where a batch varies an amplitude.
  const waves: number[] = [];
  const stimWords: number[] = [], stimAmp: number[] = [], stimLists: number[] = [];
  const neuronStims = new Uint32Array(B * N);
  const addList = (records: { words: number[]; amp: number }[]) => {
    stimLists.push(stimAmp.length, records.length);
    for (const r of records) { stimWords.push(...r.words); stimAmp.push(r.amp); }
    return stimLists.length / 2 - 1;
  };
  for (let i = 0; i < N; i++) {
    const perStimulus = (desc.neurons[i]!.stimuli ?? []).map((s, k) => stimulusRecords(s, k, dt, waves));
    const template = addList(perStimulus.flat());
    const varied = byTarget.get(`x${i}`);
    const lists = new Map<string, number>();
    for (let b = 0; b < B; b++) {
      if (!varied) { neuronStims[b * N + i] = template; continue; }
      const amps = perStimulus.map((rs) => rs.map((r) => r.amp));
      for (const { target, values: xs } of varied) amps[(target as { stimulus: number }).stimulus] = amps[(target as { stimulus: number }).stimulus]!.map(() => xs[b]!);
      const key = amps.flat().join(',');
      let list = lists.get(key);
      if (list === undefined) {
        list = addList(perStimulus.flatMap((rs, k) => rs.map((r, q) => ({ words: r.words, amp: amps[k]![q]! }))));
        lists.set(key, list);
      }
      neuronStims[b * N + i] = list;
    }
  }

  // Synapses: kinds and ends, the current slots each neuron sums (in synapse order), parameters.
  const synKind = new Uint32Array(M), synA = new Uint32Array(M), synB = new Uint32Array(M);
  const incoming: number[][] = Array.from({ length: N }, () => []);
  const spsets = new RowTable(SYN_SLOTS);
  const synPset = new Uint32Array(B * M);
  const syn0 = new Float64Array(B * M * SYN_STATE);
  synapses.forEach((s, j) => {
    const a = neuronIndex(desc.neurons, s.kind === 'electrical' ? s.a : s.pre);
    const bb = neuronIndex(desc.neurons, s.kind === 'electrical' ? s.b : s.post);
    synKind[j] = SYN_KIND[s.kind]; synA[j] = a; synB[j] = bb;
    if (s.kind === 'electrical') { incoming[a]!.push(2 * j); incoming[bb]!.push(2 * j + 1); } else incoming[bb]!.push(2 * j);
    const row = synapseRow(s);
    const s0 = spsets.add(row);
    const varied = byTarget.get(`s${j}`);
    const scratch = row.slice();
    for (let b = 0; b < B; b++) {
      if (varied) {
        scratch.splice(0, SYN_SLOTS, ...row);
        for (const { target, values: xs } of varied) scratch[(target as { slot: number }).slot] = xs[b]!;
        synPset[b * M + j] = spsets.add(scratch);
      } else synPset[b * M + j] = s0;
      // r = 0, not releasing; the last presynaptic V is the initial one (no release at t = 0).
      syn0[(b * M + j) * SYN_STATE + 3] = state0[(b * N + a) * MAX_STATE]!;
    }
  });
  const inFirst = new Uint32Array(N), inCount = new Uint32Array(N);
  const inSlots: number[] = [];
  incoming.forEach((slots, i) => { inFirst[i] = inSlots.length; inCount[i] = slots.length; inSlots.push(...slots); });

  // Probes: one per requested (variable, copy).
  const probes: Probe[] = [];
  for (const t of desc.record?.traces ?? []) {
    const copies = t.copies ?? Array.from({ length: B }, (_, b) => b);
    for (const copy of copies) {
      if (t.neuron !== undefined) {
        const i = neuronIndex(desc.neurons, t.neuron);
        const input = t.variable === 'I';
        probes.push({
          copy, index: i, kind: input ? PROBE_KIND.input : PROBE_KIND.state,
          variable: input ? 0 : models[i]!.variables.indexOf(t.variable), label: `neurons[${i}].${t.variable}`,
        });
      } else {
        const j = t.synapse!;
        probes.push({
          copy, index: j, kind: t.variable === 'r' ? PROBE_KIND.synapseState : PROBE_KIND.synapseCurrent,
          variable: t.variable === 'i2' ? 1 : 0, label: `synapses[${j}].${t.variable}`,
        });
      }
    }
  }

  return {
    name: desc.name ?? 'circuit', dt, integrator: desc.integrator,
    seed: desc.seed ?? 0, copies: B, n: N, m: M, models, kinds, modelIndex,
    inFirst, inCount, inSlots: Uint32Array.from(inSlots), synKind, synA, synB,
    neuronPset, neuronStims, psets: Float64Array.from(psets.rows), synPset, spsets: Float64Array.from(spsets.rows),
    stimLists: Uint32Array.from(stimLists), stimWords: Uint32Array.from(stimWords), stimAmp: Float64Array.from(stimAmp),
    waves: Float64Array.from(waves), state0, syn0, probes,
    recordSpikes: desc.record?.spikes ?? true,
    recordInput: probes.some((p) => p.kind === PROBE_KIND.input),
    every: desc.record?.every ?? 1,
    freeze: desc.batch?.nonFinite === 'freeze-copy',
  };
}
