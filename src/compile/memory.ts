// What a network will need, known from its description before any value is computed, anything
// built or allocated: the synapses of each projection (exact for the rules that fix them, the mean
// plus six standard deviations for fixed probability) and the bytes of each GPU buffer, by the
// engine's own sizing rules (gpu_sizes.ts), never less than it allocates.
// Networks too large for the host build or the device are refused here, naming the field and the
// limit (a 10⁶-neuron COBAHH takes a minute to compile: refusals come first).
import { canDrawAgain, drawnOnGpu } from './connectivity.js';
import { BLOCK } from './csr.js';
import {
  type BufferKind, DEFAULT_STEPS_PER_SUBMIT, bufferBytes, delayBound, engineBuffers, isChemical, largestBinding, maskRingDepth, perSynapse, placement,
  recordLayout, ringDepth, slotKey, tableWords,
} from './gpu_sizes.js';
import { parameterPath, weightPath } from './plan.js';
import { populationModel } from '../spec/check.js';
import { excludesSelf, fixedCount, inputValueOf } from '../spec/fields.js';
import { NetworkSpecError } from '../spec/errors.js';
import type { Network, Projection } from '../spec/network.js';
import { isUniform } from '../spec/value_kinds.js';

/** Synapses the host may build for one network (about 24 bytes each while building). */
const MAX_HOST_SYNAPSES = 2 ** 27;

/** Synapses of a projection: exact, or an upper bound a draw exceeds with probability below 1e-9. */
function synapseBound(pr: Projection, nPre: number, nPost: number): number {
  const c = pr.connectivity, self = excludesSelf(pr);
  return fixedCount(pr, nPre, nPost, self) ?? probabilityBound(c.rule === 'fixed-probability' ? c.p : 1, nPre * (nPost - (self ? 1 : 0)));
}

/** The synapses of `pairs` pairs each connected with probability p: the mean plus 6σ, at most all. */
function probabilityBound(p: number, pairs: number): number {
  const mean = p * pairs;
  return Math.min(pairs, Math.ceil(mean + 6 * Math.sqrt(mean * (1 - p)) + 6));
}

/** Spike pairs one chunk records by default: a fifth of the elements every step, from 4096 to 2²² (none when no spike is recorded). */
export function defaultSpikeCapacity(elements: number, steps: number, recorded: boolean): number {
  return recorded ? Math.min(1 << 22, Math.max(4096, Math.ceil(elements * steps * 0.2))) : 0;
}

/**
 * The run options that change what the GPU backend allocates, and the caller's own limit.
 * @inline
 */
export interface GpuSizeOptions { stepsPerSubmit?: number; spikeCapacity?: number; memoryLimit?: number }

export interface GpuFootprint {
  /**
   * Bytes by part: state (variables, own and continuous currents, diffusion states, refractory
   * counters); parameters (per-neuron parameters, input values); synapses (every stored one, in
   * the tables or in synapse stores); their rowStarts (and column starts); arrival rings (and
   * spike masks); spike lists; records (two records buffers and their readbacks); buildTemps
   * (what the GPU build holds while it draws rows); other (uniforms, step table, procedural
   * thresholds, per-copy weights, minimum sizes). They add up to `total`.
   */
  parts: Record<string, number>;
  /** Bytes of every buffer of each kind the engine makes: an upper bound of what it allocates (GpuEngine.allocated). */
  buffers: Record<BufferKind, number>;
  total: number;
  /** The largest buffer that must be one binding, and the field it is refused by. */
  largest: number;
  field: string;
  /** Synapse bytes in synapse stores (as many bindings as they need: src/engine/gpu_stores.ts). */
  stores: number;
}

/** Bytes the GPU build holds while it draws one projection's rows (src/engine/gpu_build.ts countRows): thresholds, cursors, in-degrees, row lengths and starts, placeholders. */
const buildTempBytes = (nPre: number, nPost: number) => 256 + 3 * bufferBytes(nPre + 1) + bufferBytes(nPost + 1) + 2 * 16;
/** The build's uniform parameters (one per build; shaders/connectivity.wgsl BuildParams is 56 bytes). */
const BUILD_UNIFORM_BYTES = 256;

/** Words per neuron of a population: state variables, per-neuron parameters, refractory counters and periods. */
function populationWords(p: Network['populations'][number], varied: ReadonlyMap<string, number>): { state: number; params: number; refr: number } {
  const m = populationModel(p);
  if (typeof m === 'string') return { state: 1, params: 0, refr: 0 };
  // A parameter is kept per neuron unless one number holds for every neuron of every copy (src/compile/plan.ts).
  const perNeuron = m.parameters.filter((k) => { const v = p.parameters?.[k]; return (v !== undefined && typeof v !== 'number') || varied.has(parameterPath(p.name, k)); }).length;
  return { state: m.variables.length, params: perNeuron, refr: m.refractory ? (perNeuron > 0 ? 2 : 1) : 0 };
}

/** What the GPU backend will allocate for `net`, buffer by buffer, from the description alone: never less than it does. */
export function gpuFootprint(net: Network, options: GpuSizeOptions = {}): GpuFootprint {
  const B = net.batch?.copies ?? 1, k = options.stepsPerSubmit ?? DEFAULT_STEPS_PER_SUBMIT, P = net.populations.length;
  const size = new Map(net.populations.map((p) => [p.name, p.size]));
  const n = net.populations.reduce((a, p) => a + p.size, 0);
  const varied = new Map((net.batch?.vary ?? []).map((v) => [v.path, v.values.length]));
  const projections = net.projections ?? [], rec = net.record;
  const M = projections.map((pr) => synapseBound(pr, size.get(pr.source)!, size.get(pr.target)!));
  const perCopy = projections.map((pr) => { const path = weightPath(pr); return path === undefined ? 0 : varied.get(path) ?? 0; });
  const where = projections.map((pr, q) => placement(pr, perCopy[q]! > 0));
  let state = 0, params = 0, refr = 0, inputs = 0;
  for (const p of net.populations) {
    const w = populationWords(p, varied);
    state += B * p.size * w.state; params += B * p.size * w.params; refr += B * p.size * w.refr;
  }
  projections.forEach((pr, q) => {
    if (pr.synapse.kind === 'exponential' && pr.synapse.target === 'I') state += B * size.get(pr.target)!;  // its own decaying current
    if (pr.synapse.kind === 'diffusion') state += 4 * B * M[q]!;  // r, steps released, releasing, last V_pre
  });
  if (projections.some((pr) => !isChemical(pr))) state += B * n;  // the continuous synapses' current per element
  if ((rec?.probes ?? []).some((p) => p.variable === 'I')) state += B * n;
  // The currents synapse probes read, kept per synapse once per (projection, variable); r is in the diffusion state.
  const kept = new Set<string>();
  for (const p of rec?.synapseProbes ?? []) {
    const q = projections.findIndex((pr) => pr.name === p.projection), key = `${q}:${p.variable}`;
    if (p.variable !== 'r' && !kept.has(key)) { kept.add(key); state += B * M[q]!; }
  }
  for (const inp of net.inputs ?? []) {
    const target = size.get(inp.target)!;
    if (inputValueOf(inp)?.value !== undefined || (inp.neurons?.length ?? target) < target) inputs += B * target;
    if (inp.kind === 'waveform') inputs += inp.samples.length;
    if (inp.kind === 'external') state += B * target;  // the values the caller writes, in the state buffer
  }
  // The synapse table: row (and column) starts, per-synapse words, the rest; synapse stores and the build's buffers.
  let rowStarts = 0, synapses = 0, tableOther = 0, stores = 0, buildTemps = 0;
  // One workgroup binds a single store, which then carries weight words for every drawn projection if any has them.
  const anyWords = projections.some((pr, q) => where[q] === 'drawn' && isUniform(pr.weight));
  projections.forEach((pr, q) => {
    const nPre = size.get(pr.source)!, nPost = size.get(pr.target)!, m = M[q]!, per = perSynapse(pr);
    tableOther += perCopy[q]!;
    // Binomial thresholds; fixed total keeps each source's row length.
    if (where[q] === 'procedural') tableOther += 2 * BLOCK + (pr.connectivity.rule === 'fixed-total' ? nPre : 0);
    else if (where[q] === 'drawn') {
      rowStarts += nPre + 1;
      stores += 4 * m * (anyWords ? 2 : 1) + 2 * 16;  // targets and weight words, each at least 16 bytes
      buildTemps += buildTempBytes(nPre, nPost);
    } else if (where[q] === 'dense') synapses += nPre * nPost;
    else if (where[q] === 'rows') { rowStarts += nPre + 1; synapses += m * (1 + +per.weight + +per.delay); }
    else { rowStarts += nPre + 1 + nPost + 1; synapses += m * (3 + +per.weight + +per.g2 + +per.delay); }  // targets, synapses by target, sources
  });
  if (stores > 0) { stores += 16; buildTemps += BUILD_UNIFORM_BYTES; }  // the store placeholder
  // Arrival rings per slot, and spike masks per population that sends dense projections.
  const ring = ringDepth(projections.map((pr) => delayBound(pr.delay)));
  const slots = new Map(projections.flatMap((pr, q) => (isChemical(pr) ? [[slotKey(pr, q), size.get(pr.target)!] as const] : [])));
  const dense = projections.filter((_, q) => where[q] === 'dense');
  const masks = [...new Set(dense.map((pr) => pr.source))].reduce((a, s) => a + Math.ceil(size.get(s)! / 32), 0);
  const acc = ring * B * [...slots.values()].reduce((a, b) => a + b, 0) + maskRingDepth(dense.map((pr) => delayBound(pr.delay))) * B * masks;
  const recorded = Array.isArray(rec?.spikes) ? rec.spikes.length > 0 : rec?.spikes ?? true;
  const capacity = options.spikeCapacity ?? defaultSpikeCapacity(B * n, k, recorded);
  const probes = [...(rec?.probes ?? []).map((p) => ({ every: p.every ?? 1, width: B * p.neurons.length })), ...(rec?.synapseProbes ?? []).map((p) => ({ every: p.every ?? 1, width: B * p.synapses.length }))];
  const records = recordLayout(P, B, rec?.rates ?? false, probes, k, capacity).words;
  const words = { state, params: tableWords(params), syn: tableWords(rowStarts + synapses + tableOther), inputs: tableWords(inputs), refr: tableWords(refr), acc: tableWords(acc), records };
  const one = engineBuffers(words, B, B * n, k);
  const buffers = { ...one, records: 2 * one.records, readback: 2 * one.readback, stores, buildTemps };
  const parts = {
    state: one.state + one.refractory, parameters: 4 * (params + inputs), synapses: 4 * synapses + stores, rowStarts: 4 * rowStarts, arrivals: one.arrivals,
    spikes: one.spikes, records: buffers.records + buffers.readback, buildTemps, other: one.uniforms + one.tables - 4 * (params + inputs + synapses + rowStarts),
  };
  const { bytes: largest, field } = largestBinding(one);
  return { parts, buffers, total: Object.values(buffers).reduce((a, b) => a + b, 0), largest, field, stores };
}

/** The footprint with every projection that can draw its rows again at each spike made procedural; null when none is stored. */
export function proceduralFootprint(net: Network, options: GpuSizeOptions = {}): GpuFootprint | null {
  const can = (pr: Projection) => pr.storage !== 'procedural' && canDrawAgain(pr);
  if (!(net.projections ?? []).some(can)) return null;
  return gpuFootprint({ ...net, projections: net.projections!.map((pr) => (can(pr) ? { ...pr, storage: 'procedural' as const } : pr)) }, options);
}

/** Bytes for people: "953.7 MiB", "4.0 GiB". */
export function formatBytes(bytes: number): string {
  return bytes < 2 ** 30 ? `${(bytes / 2 ** 20).toFixed(1)} MiB` : `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

/** The most bytes one buffer may hold on a device with these limits: one binding, one buffer. */
export const bindingLimit = (limits: Pick<GPUSupportedLimits, 'maxStorageBufferBindingSize' | 'maxBufferSize'>) => Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);

/** The refusal, by field, of a network that needs `bytes` in one GPU buffer where the device allows `allowed`. */
export function bufferTooLarge(bytes: number, allowed: number, path: string): NetworkSpecError {
  return new NetworkSpecError([{ path, message: `the network needs about ${formatBytes(bytes)} (${bytes} bytes) in one GPU buffer; this device allows ${formatBytes(allowed)} (${allowed} bytes; maxStorageBufferBindingSize, maxBufferSize)` }]);
}

/**
 * Refuses, by field, a network the GPU cannot hold: a buffer larger than one binding of a device
 * with these limits, or more bytes in all than `memoryLimit` (WebGPU does not report a device's
 * memory), else the adapter's maxBufferSize. Returns the footprint.
 */
export function checkGpuMemory(net: Network, limits: Pick<GPUSupportedLimits, 'maxStorageBufferBindingSize' | 'maxBufferSize'> | null, options: GpuSizeOptions = {}): GpuFootprint {
  return checkFootprint(gpuFootprint(net, options), limits, options.memoryLimit, () => footprintContext(net, options));
}

/** What a refusal names besides the estimate: the network's neurons, one copy's largest buffer (a batch), and the procedural alternative's total. */
export interface FootprintContext { neurons: number; oneCopyLargest: number | null; procedural: number | null }

export function footprintContext(net: Network, options: GpuSizeOptions = {}): FootprintContext {
  const { batch, ...one } = net;
  return {
    neurons: (batch?.copies ?? 1) * net.populations.reduce((a, p) => a + p.size, 0),
    oneCopyLargest: batch && batch.copies > 1 ? gpuFootprint(one, options).largest : null,
    procedural: proceduralFootprint(net, options)?.total ?? null,
  };
}

/** Refuses an estimate a device (or memoryLimit) cannot hold, naming the field and the limit; `context` is asked only then. */
export function checkFootprint(
  fp: GpuFootprint, limits: Pick<GPUSupportedLimits, 'maxStorageBufferBindingSize' | 'maxBufferSize'> | null, memoryLimit: number | undefined, context: () => FootprintContext,
): GpuFootprint {
  if (memoryLimit !== undefined && !(memoryLimit > 0)) throw new RangeError(`memoryLimit must be a number of bytes > 0, got ${memoryLimit}`);
  const allowed = limits ? bindingLimit(limits) : Infinity;
  if (fp.largest > allowed) {
    // A batch whose one copy would fit is refused by its copies.
    const one = context().oneCopyLargest;
    throw bufferTooLarge(fp.largest, allowed, one !== null && one <= allowed ? 'batch.copies' : fp.field);
  }
  const limit = memoryLimit ?? limits?.maxBufferSize ?? Infinity;
  if (fp.total <= limit) return fp;
  const { neurons, procedural } = context();
  const holder = memoryLimit !== undefined ? 'memoryLimit' : "the adapter's maxBufferSize (pass memoryLimit for the device's real memory)";
  const list = Object.entries(fp.parts).filter(([, b]) => b > 0).map(([part, b]) => `${part} ${formatBytes(b)}`).join(', ');
  const hint = procedural !== null ? `; storage 'procedural' on its fixed-probability, fixed-out-degree and fixed-total projections (rows drawn again at each spike) would need about ${formatBytes(procedural)}` : '';
  throw new NetworkSpecError([{ path: 'populations', message: `this network of ${neurons} neurons needs about ${formatBytes(fp.total)} on the GPU (${list}); ${holder} allows ${formatBytes(limit)}${hint}` }]);
}

/**
 * Refuses, by field, a network whose host build would pass its limit (rows the GPU draws itself
 * and procedural rows are not built on the host for the GPU) and, for the GPU with a device or a
 * memoryLimit given, one the device cannot hold: checked on the description itself, before its
 * neurons' values are computed or anything is built.
 */
export function checkSize(net: Network, backend: 'cpu' | 'gpu', options: GpuSizeOptions & { device?: GPUDevice } = {}): void {
  const sizes = new Map(net.populations.map((p) => [p.name, p.size]));
  let hostSynapses = 0;
  for (const [k, pr] of (net.projections ?? []).entries()) {
    if (backend === 'gpu' && (pr.storage === 'procedural' || drawnOnGpu(pr))) continue;
    const c = pr.connectivity;
    hostSynapses += synapseBound(pr, sizes.get(pr.source)!, sizes.get(pr.target)!);
    if (hostSynapses > MAX_HOST_SYNAPSES) {
      const hint = backend === 'gpu' && canDrawAgain(pr) ? " (storage 'procedural' stores none on the GPU)" : '';
      throw new NetworkSpecError([{ path: `projections[${k}].connectivity`, message: `the network would build up to ${hostSynapses} synapses on the host; at most ${MAX_HOST_SYNAPSES}${hint}` }]);
    }
  }
  if (backend === 'gpu' && (options.device || options.memoryLimit !== undefined)) checkGpuMemory(net, options.device?.limits ?? null, options);
}
