// The GPU engine's sizing rules, written once for its layout (src/engine/gpu_layout.ts, sized
// from a compiled plan) and for the estimate made from the description alone (memory.ts): where
// each projection's synapses live and which per-synapse tables it keeps, the arrival slots and
// ring depths, the records, and how the engine's buffers are made of these words.
import { drawnOnGpu, ldRound } from './connectivity.js';
import type { Projection } from '../spec/network.js';
import { DELAY_RANGE, isArray, normalBounds } from '../spec/value_kinds.js';
import type { DelayValue } from '../spec/values.js';

/** Steps per submit and per readback chunk unless the caller says otherwise. */
export const DEFAULT_STEPS_PER_SUBMIT = 250;
/** Bytes of the step table per step: one dynamic uniform offset each (minUniformBufferOffsetAlignment). */
export const STEP_ALIGN = 256;
/** Bytes of the engine's uniform parameters (seed, first step, steps, steps per dispatch). */
export const UNIFORM_BYTES = 32;
/**
 * Words of the records header: spike pairs, bad count, bad step, bad element, steps done, the
 * engine's cursor as the chunk began (CURSOR: the first step and the step count of the chunk the
 * GPU ran before it); then spikes per population.
 */
export const HEADER = 7;
export const STEPS_DONE = 4;
export const CURSOR = 5;

/**
 * Where the engine's cursor lies in its refractory buffer (2 words: the first step and count of the
 * chunk the GPU ran last): after the refractory counters, each copy's frozen flag and first bad element.
 */
export const cursorWord = (refrWords: number, copies: number) => refrWords + 2 * copies;

/** Bytes of a buffer of `words` u32: every buffer is made at least 16 bytes long (src/gpu/chunks.ts allocateScoped). */
export const bufferBytes = (words: number) => 4 * Math.max(words, 4);
/** Words of a table that is bound even when empty (bindings cannot be empty). */
export const tableWords = (words: number) => Math.max(words, 4);

/** Pulses and exponential currents: spikes scattered into arrival rings (electrical and diffusion synapses are gathered per neuron). */
export const isChemical = (pr: Projection) => pr.synapse.kind === 'pulse' || pr.synapse.kind === 'exponential';

/**
 * Where a projection's synapses live on the GPU: rows drawn again at each spike (procedural),
 * rows the GPU draws and stores itself (drawn), a dense weight matrix gathered in ascending source
 * order (dense: one delay, one weight set for all copies), rows built on the host and scattered
 * with fixed-point atomics (rows), or electrical and diffusion synapses (continuous).
 */
export type Placement = 'procedural' | 'drawn' | 'dense' | 'rows' | 'continuous';

/** A projection's placement; `perCopy`: a batch varies its weight. */
export function placement(pr: Projection, perCopy: boolean): Placement {
  if (pr.storage === 'procedural') return 'procedural';
  if (drawnOnGpu(pr)) return 'drawn';
  if (!isChemical(pr)) return 'continuous';
  const storage = pr.storage ?? 'auto', rule = pr.connectivity.rule;
  const gathered = storage === 'dense' || (storage === 'auto' && (rule === 'dense' || rule === 'seed-random'));
  return gathered && (pr.delay === undefined || typeof pr.delay === 'number') && !perCopy ? 'dense' : 'rows';
}

/** Which values a host-built projection keeps per synapse (else one for all): weight, delay, electrical g2. */
export function perSynapse(pr: Projection): { weight: boolean; delay: boolean; g2: boolean } {
  const rule = pr.connectivity.rule, s = pr.synapse;
  const weight = rule === 'dense' || rule === 'seed-random' || (pr.weight !== undefined && typeof pr.weight !== 'number');
  // An electrical synapse's g2 is its weight when omitted (src/compile/connectivity.ts).
  const g2 = s.kind === 'electrical' && (s.g2 === undefined ? weight : typeof s.g2 !== 'number');
  return { weight, delay: pr.delay !== undefined && typeof pr.delay !== 'number', g2 };
}

/**
 * The longest a projection's spikes wait, in steps, known before drawing: its one delay, the
 * largest of its delays, the top of their range; for a normal, the memory estimate's bound
 * min(max, mean + 7 sd), rounded (the built connectivity reports the real largest delay).
 */
export function delayBound(d: DelayValue | undefined): number {
  if (d === undefined) return 0;
  if (typeof d === 'number') return d;
  if (isArray(d)) { let m = 0; for (let k = 0; k < d.length; k++) m = Math.max(m, d[k]!); return m; }
  if ('uniform' in d) return d.uniform[1];
  return ldRound(Math.min(normalBounds(d, DELAY_RANGE)[1], d.normal[0] + 7 * d.normal[1]));
}

/** Slots of an arrival ring: a spike sent at step t lands in slot t + 1 + d, and slot t is taken before step t's spikes are sent. */
export const ringDepth = (delays: readonly number[]) => 1 + Math.max(0, ...delays);
/** Slots of the spike-mask ring: step t gathers the masks of step t − 1 − d while it writes step t's and clears step t + 1's. */
export const maskRingDepth = (delays: readonly number[]) => 3 + Math.max(0, ...delays);

/**
 * The arrival slot a chemical projection feeds: its target population and variable, and the
 * projection itself when it keeps its own decaying current (an exponential synapse into I).
 */
export function slotKey(pr: Projection, index: number): string {
  const s = pr.synapse as { kind: string; target: string };
  return `${pr.target}:${s.target}:${s.kind === 'exponential' && s.target === 'I' ? index : -1}`;
}

export interface RecordLayout { rates: number; pairs: number; capacity: number; probes: number[]; probeWidth: number[]; words: number }

/** Where one chunk of `steps` steps records what: rates, probe samples, then (step, element) pairs (last: read only up to their count). */
export function recordLayout(
  populations: number, copies: number, rates: boolean, probes: readonly { every: number; width: number }[], steps: number, capacity: number,
): RecordLayout {
  let at = HEADER + populations;
  const ratesAt = at;
  if (rates) at += steps * copies * populations;
  const probeAt = probes.map((p) => { const o = at; at += (Math.floor(steps / p.every) + 1) * p.width; return o; });
  const pairs = at;
  at += 2 * capacity;
  return { rates: ratesAt, pairs, capacity, probes: probeAt, probeWidth: probes.map((p) => p.width), words: at };
}

/** The engine's buffers by kind; records and readback are pairs (one chunk written while the other is read). */
export type BufferKind = 'state' | 'tables' | 'refractory' | 'arrivals' | 'spikes' | 'records' | 'readback' | 'uniforms' | 'stores' | 'buildTemps';
export const BUFFER_KINDS: readonly BufferKind[] = ['state', 'tables', 'refractory', 'arrivals', 'spikes', 'records', 'readback', 'uniforms', 'stores', 'buildTemps'];

/** Words of the engine's tables: `params`, `syn` and `inputs` each at least tableWords. */
export interface EngineWords { state: number; params: number; syn: number; inputs: number; refr: number; acc: number; records: number }

/**
 * Bytes of each buffer the engine makes from these words, for `copies` copies of `elements`
 * elements in all and `steps` steps per submit (records and readback: one of the pair). Synapse
 * stores and the build's temporary buffers are sized by the rows the GPU draws.
 */
export function engineBuffers(w: EngineWords, copies: number, elements: number, steps: number): Record<Exclude<BufferKind, 'stores' | 'buildTemps'>, number> {
  return {
    state: bufferBytes(w.state),
    tables: bufferBytes(w.params + w.syn + w.inputs),
    refractory: bufferBytes(cursorWord(w.refr, copies) + 2),
    arrivals: bufferBytes(w.acc),
    // Two lists of this step's spiking elements, with their counts (by step parity).
    spikes: bufferBytes(2 + 2 * elements),
    records: bufferBytes(w.records),
    readback: bufferBytes(w.records + 2 * copies),
    uniforms: bufferBytes(UNIFORM_BYTES / 4) + STEP_ALIGN * steps,
  };
}

/** The buffers one binding must hold (stores are split by the device's limit; uniforms stay small), with the field that sizes each. */
const BINDINGS: readonly [BufferKind, string][] = [
  ['state', 'populations'], ['tables', 'projections'], ['refractory', 'populations'], ['arrivals', 'projections'],
  ['spikes', 'populations'], ['records', 'populations'], ['readback', 'populations'],
];

/** The largest buffer that must be one binding, and its field. */
export function largestBinding(sizes: Partial<Record<BufferKind, number>>): { bytes: number; field: string } {
  return BINDINGS.reduce((a, [kind, field]) => ((sizes[kind] ?? 0) > a.bytes ? { bytes: sizes[kind]!, field } : a), { bytes: 0, field: 'populations' });
}
