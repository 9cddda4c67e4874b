// What a network will need, known from its description before any value is computed, anything
// built or allocated: the synapses of each projection (exact for the rules that fix them, the mean
// plus six standard deviations for fixed probability) and the bytes of each part on the GPU.
// Networks too large for the host build or the device are refused here, naming the field and the
// limit (a 10⁶-neuron COBAHH takes a minute to compile: refusals come first).
import { drawnOnGpu } from './connectivity';
import { type ConnectRule, canRegenerate } from './csr';
import { excludesSelf, fixedCount, populationModel } from '../spec/check';
import { NetworkSpecError } from '../spec/validate';
import type { Network, Projection } from '../spec/network';

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

/** The run options that change what the GPU backend allocates, and the caller's own limit. */
export interface GpuSizeOptions { stepsPerSubmit?: number; spikeCapacity?: number; memoryLimit?: number }

export interface GpuFootprint {
  /**
   * Bytes by part: state; synapses (every stored one, in the tables or in synapse stores); their
   * rowStarts; arrival rings; spike lists; records (two records buffers and their readbacks);
   * buildTemps (what the GPU build holds while it draws rows).
   */
  parts: Record<string, number>;
  total: number;
  /** The largest buffer that must be one binding, and the field it is refused by. */
  largest: number;
  field: string;
  /** Synapse bytes in synapse stores (as many bindings as they need: src/engine/gpu_stores.ts). */
  stores: number;
}

/** What the GPU backend will allocate for `net`, by part, from the description alone. */
export function gpuFootprint(net: Network, options: GpuSizeOptions = {}): GpuFootprint {
  const B = net.batch?.copies ?? 1, k = options.stepsPerSubmit ?? 250, P = net.populations.length;
  const size = new Map(net.populations.map((p) => [p.name, p.size]));
  const n = net.populations.reduce((a, p) => a + p.size, 0);
  let tables = 0, stores = 0, rowStarts = 0, buildTemps = 0;
  for (const pr of net.projections ?? []) {
    if (pr.storage === 'procedural') continue;
    const nPre = size.get(pr.source)!, nPost = size.get(pr.target)!, rule = pr.connectivity.rule;
    if (rule === 'dense' || rule === 'seed-random' || pr.storage === 'dense') { tables += 4 * nPre * nPost; continue; }
    const synapses = synapseBound(pr, nPre, nPost), perSynapse = typeof pr.weight === 'object' ? 2 : 1;
    rowStarts += 4 * (nPre + 1);
    if (drawnOnGpu(pr)) {
      stores += 4 * synapses * perSynapse;
      buildTemps += 4 * (3 * nPre + nPost + 2);  // row lengths, row starts, fill cursors, in-degrees
    } else tables += 4 * synapses * (perSynapse + (typeof pr.delay === 'object' ? 1 : 0));
  }
  const maxDelay = Math.max(0, ...(net.projections ?? []).map((pr) => (typeof pr.delay === 'number' ? pr.delay : 0)));
  const state = net.populations.reduce((a, p) => { const m = populationModel(p); return a + 4 * B * p.size * ((typeof m === 'string' ? 1 : m.variables.length) + 2); }, 0);
  const arrivals = (net.projections ?? []).reduce((a, pr) => a + 4 * (maxDelay + 1) * B * size.get(pr.target)!, 0);
  const spikes = 4 * (2 + 2 * B * n);
  const rec = net.record, recorded = Array.isArray(rec?.spikes) ? rec.spikes.length > 0 : rec?.spikes ?? true;
  const capacity = options.spikeCapacity ?? defaultSpikeCapacity(B * n, k, recorded);
  const probes = [...(rec?.probes ?? []).map((p) => ({ every: p.every, n: p.neurons.length })), ...(rec?.synapseProbes ?? []).map((p) => ({ every: p.every, n: p.synapses.length }))]
    .reduce((a, p) => a + (Math.floor(k / (p.every ?? 1)) + 1) * B * p.n, 0);
  const records = 4 * (5 + P + (rec?.rates ? k * B * P : 0) + probes + 2 * capacity);
  const parts = { state, synapses: tables + stores, rowStarts, arrivals, spikes, records: 4 * records, buildTemps };
  const single: [number, string][] = [[state, 'populations'], [tables + rowStarts, 'projections'], [arrivals, 'projections'], [spikes, 'populations'], [records, 'populations']];
  const [largest, field] = single.reduce((a, b) => (b[0] > a[0] ? b : a));
  return { parts, total: Object.values(parts).reduce((a, b) => a + b, 0), largest, field, stores };
}


/** The footprint with every projection that can draw its rows again at each spike made procedural; null when none is stored. */
export function proceduralFootprint(net: Network, options: GpuSizeOptions = {}): GpuFootprint | null {
  const can = (pr: Projection) => drawnOnGpu(pr) && canRegenerate(pr.connectivity as ConnectRule);
  if (!(net.projections ?? []).some(can)) return null;
  return gpuFootprint({ ...net, projections: net.projections!.map((pr) => (can(pr) ? { ...pr, storage: 'procedural' as const } : pr)) }, options);
}

/** Bytes for people: "953.7 MiB", "4.0 GiB". */
export function formatBytes(bytes: number): string {
  return bytes < 2 ** 30 ? `${(bytes / 2 ** 20).toFixed(1)} MiB` : `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

/**
 * Refuses, by field, a network the GPU cannot hold: a buffer larger than one binding of a device
 * with these limits, or more bytes in all than `memoryLimit` (WebGPU does not report a device's
 * memory), else the adapter's maxBufferSize. Returns the footprint.
 */
export function checkGpuMemory(net: Network, limits: Pick<GPUSupportedLimits, 'maxStorageBufferBindingSize' | 'maxBufferSize'> | null, options: GpuSizeOptions = {}): GpuFootprint {
  const { memoryLimit } = options;
  if (memoryLimit !== undefined && !(memoryLimit > 0)) throw new RangeError(`memoryLimit must be a number of bytes > 0, got ${memoryLimit}`);
  const fp = gpuFootprint(net, options);
  const allowed = limits ? Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize) : Infinity;
  if (fp.largest > allowed) {
    // A batch whose one copy would fit is refused by its copies.
    const { batch, ...one } = net;
    const field = batch && batch.copies > 1 && gpuFootprint(one, options).largest <= allowed ? 'batch.copies' : fp.field;
    throw new NetworkSpecError([{ path: field, message: `the network needs about ${fp.largest} bytes in one GPU buffer; this device allows ${allowed} (maxStorageBufferBindingSize, maxBufferSize)` }]);
  }
  const limit = memoryLimit ?? limits?.maxBufferSize ?? Infinity;
  if (fp.total <= limit) return fp;
  const holder = memoryLimit !== undefined ? 'memoryLimit' : "the adapter's maxBufferSize (pass memoryLimit for the device's real memory)";
  const list = Object.entries(fp.parts).filter(([, b]) => b > 0).map(([part, b]) => `${part} ${formatBytes(b)}`).join(', ');
  const alternative = proceduralFootprint(net, options);
  const hint = alternative ? `; storage 'procedural' on its fixed-probability and fixed-out-degree projections (rows drawn again at each spike) would need about ${formatBytes(alternative.total)}` : '';
  const neurons = (net.batch?.copies ?? 1) * net.populations.reduce((a, p) => a + p.size, 0);
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
      const hint = c.rule === 'fixed-probability' || c.rule === 'fixed-out-degree' ? " (storage 'procedural' stores none on the GPU)" : '';
      throw new NetworkSpecError([{ path: `projections[${k}].connectivity`, message: `the network would build up to ${hostSynapses} synapses on the host; at most ${MAX_HOST_SYNAPSES}${hint}` }]);
    }
  }
  if (backend === 'gpu' && (options.device || options.memoryLimit !== undefined)) checkGpuMemory(net, options.device?.limits ?? null, options);
}
