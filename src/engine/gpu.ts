// The GPU backend of the one engine: the kernels src/engine/gpu_code.ts generates for a plan, one
// dispatch each per step, many steps per submit, recordings read back per chunk while the next
// chunk runs (double-buffered). Fills the same Recorder as the CPU backend.
import { NonFiniteStateError } from '../run/guard.js';
import { bindingLimit, bufferTooLarge } from '../compile/memory.js';
import { BUFFER_KINDS, type BufferKind, DEFAULT_STEPS_PER_SUBMIT, STEP_ALIGN, cursorWord, engineBuffers, largestBinding } from '../compile/gpu_sizes.js';
import type { Plan } from '../compile/plan.js';
import { maxInDegree } from '../compile/connectivity.js';
import { cachedPipeline } from '../gpu/pipelines.js';
import {
  GpuErrorWatch, type MakeBuffer, allocateScoped, checkGpuOptions, cutShortError, dispatchGrid, offsetTable, readBuffer, releaseGpu, runChunks, sortSpikePairs,
} from '../gpu/chunks.js';
import { type GpuContext, acquireGpu } from '../gpu/device.js';
import { bindNamed, layoutEntries, packStruct, uniformBytes } from '../gpu/layout.js';
import { seedKey } from '../rng/philox.js';
import type { Recorder } from '../run/recorder.js';
import type { CopyFailure } from './cpu.js';
import { CURSOR, ENGINE_BINDINGS, ENGINE_PARAMS, ENGINE_STEP, HEADER, type RecordLayout, STEPS_DONE, WG, releaseItems, scatters } from './gpu_engine_layout.js';
import { type GpuLayout, releaseHostData, trafficOf } from './gpu_layout.js';
import { type EngineShape, type EngineSource, engineShape } from './gpu_shape.js';
import { STORE_GROUP, type StoreRun, buildStores, fusedWithStores, storeRuns, storeWords } from './gpu_stores.js';

import type { GpuEngineOptions, SpikeTap } from './gpu_options.js';
import { type EngineBuffers, type GpuBuffers, clearRecords, describeBuffers, encodeSlots, outOfOrderError, type UniformSlots } from './gpu_embedding.js';
export type { GpuEngineOptions, SpikeTap, SpikeTapChunk } from './gpu_options.js';

/** Largest network (copies × neurons) 'auto' runs in one workgroup: a guess from the dispatch costs in docs/platform.md, not yet measured on hardware. */
const ONE_WORKGROUP_MAX_ELEMENTS = 4096;
const SOFTWARE_ONE_WORKGROUP_MAX = 256;
/** Spike pairs a chunk's readback copies at first; it grows to twice the most a chunk has had (the rest is read separately). */
const FIRST_PAIRS_COPIED = 1024;

interface Pipelines {
  neurons: GPUComputePipeline; propagate: GPUComputePipeline | null; sample: GPUComputePipeline | null;
  /** The diffusion synapses' release, and the synapses it runs over. */
  release: { pipeline: GPUComputePipeline; items: number } | null; currents: GPUComputePipeline | null;
  /** The one-workgroup shape, and the steps one of its dispatches loops over. */
  fused: { pipeline: GPUComputePipeline; steps: number } | null;
  /** Rows the GPU drew, per synapse store (src/engine/gpu_stores.ts). */
  stores: StoreRun[];
}

export class GpuEngine {
  step = 0;
  readonly failures: CopyFailure[] = [];
  private readonly watch: GpuErrorWatch;
  private readonly reported = new Set<number>();
  private pairsCopied = FIRST_PAIRS_COPIED;
  /** What came back from the GPU: chunks, bytes, and chunks whose spikes needed a second read. */
  readonly readbackStats = { chunks: 0, bytes: 0, extraReads: 0 };
  /** Pairs the readback of each records buffer copied. */
  private readonly copied = [0, 0];
  private readonly taps = new Set<SpikeTap>();
  private readonly grids = new Map<number, [number, number]>();
  private readonly key: [number, number];
  /** The records buffer the last chunk wrote, and its steps (gpu_embedding.ts describes it). */
  private last: EngineBuffers['last'] = null;
  private slots: UniformSlots | null = null;
  /** The last chunk went into a host's encoder (its non-finite report words are kept for the next run to read). */
  private encoded = false;
  /** Where the last located element lies (reused: locate runs once per recorded spike). */
  private readonly at = { population: 0, copy: 0, neuron: 0 };

  private constructor(
    private readonly built: { counts: (number | null)[]; inDegrees: (number | null)[] },
    readonly plan: Plan,
    /** What the engine's readbacks fill (the simulation reads it). */
    readonly recorder: Recorder,
    private readonly gpu: GpuContext,
    private readonly L: GpuLayout, private readonly R: RecordLayout, private readonly k: number,
    private readonly pipes: Pipelines, private readonly groups: { main: GPUBindGroup[]; step: GPUBindGroup },
    private readonly bufs: { params: GPUBuffer; state: GPUBuffer; refr: GPUBuffer; acc: GPUBuffer; spk: GPUBuffer; rec: GPUBuffer[]; readback: GPUBuffer[]; all: GPUBuffer[]; allocated: Record<BufferKind, number> },
    private readonly probeWidth: number,
  ) {
    this.watch = new GpuErrorWatch(gpu.device);
    this.key = seedKey(plan.seed);
  }

  get adapter(): string { return this.gpu.adapterName; }
  get device(): GPUDevice { return this.gpu.device; }

  /** Hands `tap` every later chunk's spike pairs as the chunk is encoded; returns its detach. */
  addSpikeTap(tap: SpikeTap): () => void {
    const missing = this.plan.populations.filter((p) => !this.plan.recordSpikes[p.index]).map((p) => p.name);
    if (missing.length > 0) throw new Error(`addSpikeTap: a tap reads the recorded spike pairs, and record.spikes leaves out ${missing.join(', ')}`);
    this.taps.add(tap);
    return () => { this.taps.delete(tap); };
  }

  /** Bytes of the buffers this engine made, by kind (gpuFootprint's `buffers` bounds them), the build's temporary ones included. */
  get allocated(): Readonly<Record<BufferKind, number>> { return this.bufs.allocated; }
  /** The synapses each projection holds (null: procedural rows, drawn again at each spike). */
  synapseCounts(): (number | null)[] { return [...this.built.counts]; }
  maxInDegrees(): (number | null)[] { return [...this.built.inDegrees]; }
  /** The launch shape this network runs in. */
  get launch(): 'one-workgroup' | 'per-step' { return this.pipes.fused ? 'one-workgroup' : 'per-step'; }

  /** What a step costs, from the plan: dispatches per step, and the memory traffic (trafficOf). */
  costs(): { dispatchesPerStep: number; bytesPerNeuronStep: number; bytesPerSynapticEvent: number } {
    const pipes = this.pipes;
    const dispatches = pipes.fused ? 1 / pipes.fused.steps
      : 1 + (pipes.propagate ? 1 : 0) + pipes.stores.length + (pipes.sample ? 1 : 0) + (pipes.release ? 1 : 0) + (pipes.currents ? 1 : 0);
    return { dispatchesPerStep: dispatches, ...trafficOf(this.plan, this.L) };
  }
  /** Steps between progress reports: several chunks, so that readback overlaps the next chunk. */
  get slice(): number { return 8 * this.k; }

  /**
   * Acquires the device and checks the network's footprint against it from the description alone,
   * then compiles it (`source.compile`: seconds for 10⁶ neurons, so only once the device can hold it).
   */
  static async create(source: EngineSource, options: GpuEngineOptions = {}): Promise<GpuEngine> {
    // stepsPerSubmit sizes a table of STEP_ALIGN bytes a step (uniform buffer and host copy): 10⁵ steps are 25.6 MB.
    checkGpuOptions(options);
    const k = options.stepsPerSubmit ?? DEFAULT_STEPS_PER_SUBMIT, net = source.net;
    const total = (net.batch?.copies ?? 1) * net.populations.reduce((n, p) => n + p.size, 0);
    let fused: { wg: number; steps: number } | null = null;
    // Before the host builds anything: a device that cannot hold the estimate is refused naming the limit.
    const gpu = await acquireGpu((limits, software) => {
      const allowed = bindingLimit(limits), fp = source.footprint(limits);
      const launch = options.launch ?? 'auto';
      // No more invocations than elements (a few idle lanes at most); on a software adapter at most
      // 256 (llvmpipe, seed network in one workgroup: 403–455 µs a step with 256, 568–601 with 1024).
      const wg = Math.min(software ? 256 : 1024, limits.maxComputeInvocationsPerWorkgroup, limits.maxComputeWorkgroupSizeX, Math.max(32, 2 ** Math.ceil(Math.log2(total))));
      // A software adapter runs one workgroup on one core: there only tiny networks gain from it
      // (measured on llvmpipe: 2 neurons 26 against 132 µs a step; 1000 neurons 1064 against 595).
      if (launch === 'one-workgroup' || (launch === 'auto' && total <= (software ? SOFTWARE_ONE_WORKGROUP_MAX : ONE_WORKGROUP_MAX_ELEMENTS))) {
        // Software adapters cut long dispatches short: 25 steps of the seed network's synchronous S2 volleys were (llvmpipe), 10 never have.
        fused = { wg, steps: Math.min(k, options.stepsPerDispatch ?? (software ? 10 : 100)) };
      }
      const big = fp.largest > 2 ** 27 || fp.stores > 2 ** 27 ? { maxStorageBufferBindingSize: allowed, maxBufferSize: allowed } : {};
      // Rows drawn on the GPU: the build's fill kernels run 256 invocations a workgroup (shaders/connectivity.wgsl), past some adapters' defaults.
      const lanes = Math.max(fused ? wg : 0, fp.stores > 0 ? 256 : 0);
      return { maxStorageBuffersPerShaderStage: fp.stores > 0 ? 8 : 6, ...big, ...(lanes ? { maxComputeInvocationsPerWorkgroup: lanes, maxComputeWorkgroupSizeX: lanes } : {}) };
    }, options);
    let shape: EngineShape;
    try {
      const { plan, rec } = source.compile();
      shape = engineShape(plan, rec, k, options.spikeCapacity);
      source.check?.(shape);
      const { L, R, stateWords } = shape;
      const words = { ...L.words, state: stateWords, records: R.words }, largest = largestBinding(engineBuffers(words, L.B, L.total, k));
      if (largest.bytes > bindingLimit(gpu.device.limits)) throw bufferTooLarge(largest.bytes, bindingLimit(gpu.device.limits), largest.field);
    } catch (e) {
      gpu.destroy();
      throw e;
    }
    try {
      // Generated once the rows the GPU draws are built: the code names where each lies.
      const { value } = await allocateScoped(gpu.device, (make, all) => GpuEngine.build(shape, gpu, k, () => source.code(shape), fused, make, all, options));
      return value;
    } catch (e) {
      gpu.destroy();
      throw e;
    }
  }

  private static async build(
    shape: EngineShape, gpu: GpuContext, k: number, codeFor: () => string | Promise<string>,
    wanted: { wg: number; steps: number } | null, make: MakeBuffer, all: GPUBuffer[], options: GpuEngineOptions,
  ): Promise<GpuEngine> {
    const { device } = gpu, { plan, L, R, stateWords, probes } = shape;
    const allocated = Object.fromEntries(BUFFER_KINDS.map((kind) => [kind, 0])) as Record<BufferKind, number>;
    const made = (kind: BufferKind, ...args: Parameters<MakeBuffer>) => { const b = make(...args); allocated[kind] += b.size; return b; };
    // The GPU build's own buffers are temporary; its synapse stores stay.
    const building: MakeBuffer = (...args) => made(args[0].startsWith('build') ? 'buildTemps' : 'stores', ...args);
    const maxWords = storeWords(device, options.maxStoreSynapses);
    const conn = await buildStores(device, building, L, maxWords, wanted !== null);
    const fused = fusedWithStores(L, wanted, options.launch, maxWords), code = await codeFor();
    const S = GPUBufferUsage.STORAGE, SRC = GPUBufferUsage.COPY_SRC, DST = GPUBufferUsage.COPY_DST;
    // Sized by the rules the estimate uses (src/compile/gpu_sizes.ts), not again here.
    const sizes = engineBuffers({ ...L.words, state: stateWords, records: R.words }, L.B, L.total, k);
    const params = made('uniforms', 'engine params', uniformBytes(ENGINE_PARAMS), GPUBufferUsage.UNIFORM | DST | SRC);
    const state = new Float32Array(stateWords);
    state.set(L.stateData);
    // Writable by copies: an embedder writes the external inputs' values into it (docs/embedding.md).
    const stateBuf = made('state', 'engine state', sizes.state, S | SRC | DST, state);
    const tab = new Uint32Array(L.words.params + L.words.syn + L.words.inputs);
    tab.set(new Uint32Array(L.paramData.buffer), 0);
    tab.set(L.synData, L.words.params);
    tab.set(new Uint32Array(L.inputData.buffer), L.words.params + L.words.syn);
    const tabBuf = made('tables', 'engine tables', sizes.tables, S, tab);
    const refr = new Uint32Array(cursorWord(L.words.refr, L.B) + 2);  // the last two: the cursor (steps 0 + 0 ran)
    refr.set(L.refrData);
    refr.fill(0xffffffff, L.words.refr + L.B, L.words.refr + 2 * L.B);  // no bad element yet (atomicMin keeps the first)
    const refrBuf = made('refractory', 'engine refractory and frozen copies', sizes.refractory, S | SRC | DST, refr);
    const acc = made('arrivals', 'engine arrival rings', sizes.arrivals, S);
    const spk = made('spikes', 'engine spike lists', sizes.spikes, S);
    const rec = [0, 1].map((q) => made('records', `engine records ${q}`, sizes.records, S | SRC | DST));
    const readback = [0, 1].map((q) => made('readback', `engine readback ${q}`, sizes.readback, GPUBufferUsage.MAP_READ | DST));
    const steps = made('uniforms', 'engine step table', STEP_ALIGN * k, GPUBufferUsage.UNIFORM, offsetTable(k, STEP_ALIGN, (q) => q));
    const groups = [layoutEntries(ENGINE_BINDINGS.main), layoutEntries(ENGINE_BINDINGS.step)];
    const mainLayout = device.createBindGroupLayout({ label: 'spikegpu engine', entries: groups[0]! });
    const stepLayout = device.createBindGroupLayout({ label: 'spikegpu engine step', entries: groups[1]! });
    const main = rec.map((r, q) => bindNamed(device, `spikegpu engine ${q}`, mainLayout, ENGINE_BINDINGS.main, {
      P: { buffer: params }, state: { buffer: stateBuf }, tab: { buffer: tabBuf }, refr: { buffer: refrBuf }, acc: { buffer: acc }, spk: { buffer: spk }, rec: { buffer: r },
    }));
    const step = bindNamed(device, 'spikegpu engine step', stepLayout, ENGINE_BINDINGS.step, { S: { buffer: steps, size: uniformBytes(ENGINE_STEP) } });
    const layout = device.createPipelineLayout({ bindGroupLayouts: [mainLayout, stepLayout] });
    let shader: GPUShaderModule | null = null;  // compiled only if a pipeline is not cached yet
    const module = () => (shader ??= device.createShaderModule({ label: 'spikegpu engine (generated)', code }));
    const stores = await storeRuns(device, building, { code, module, groups }, [mainLayout, stepLayout], conn, fused !== null);
    const pipeline = (entryPoint: string, constants?: Record<string, number>, with3 = layout) => cachedPipeline(device, {
      label: `spikegpu engine ${entryPoint}`, code, entryPoint, constants, module, layout: with3, groups: with3 === layout ? groups : [...groups, stores.group!],
    });
    const none = Promise.resolve(null);
    const releasing = releaseItems(L);
    const [neurons, propagate, sample, release, currents, run] = await Promise.all([
      pipeline('neurons'), scatters(L) ? pipeline('propagate') : none, probes.length ? pipeline('sample') : none,
      releasing > 0 ? pipeline('release') : none, L.cont !== null ? pipeline('currents') : none,
      fused ? pipeline('run_steps', { FUSED_WG: fused.wg }, stores.layout ?? layout) : none,
    ]);
    const width = Math.max(0, ...probes.map((p) => p.width));
    const counts = L.projections.map((pl) => (pl.procedural ? null : pl.rows ? pl.rows.synapses : pl.synapses.post.length));
    const inDegrees = L.projections.map((pl) => (pl.procedural ? null : pl.rows ? pl.rows.maxInDegree : maxInDegree(pl.synapses)));
    releaseHostData(L);
    return new GpuEngine({ counts, inDegrees }, plan, shape.rec, gpu, L, R, k, { neurons, propagate, sample, release: release && { pipeline: release, items: releasing }, currents, fused: run && fused ? { pipeline: run, steps: fused.steps } : null, stores: stores.runs }, { main, step },
      { params, state: stateBuf, refr: refrBuf, acc, spk, rec, readback, all, allocated }, width);
  }

  private dispatch(pass: GPUComputePassEncoder, pipeline: GPUComputePipeline, items: number): void {
    pass.setPipeline(pipeline);
    // Grids by item count, worked out once: the dispatches of every step reuse them.
    let grid = this.grids.get(items);
    if (!grid) this.grids.set(items, (grid = dispatchGrid(Math.ceil(items / WG), this.gpu.device.limits.maxComputeWorkgroupsPerDimension)));
    pass.dispatchWorkgroups(grid[0], grid[1]);
  }

  /** Encodes steps [t0, t0 + m) and submits them with the copy into `rb`; into a host's encoder (`host`) without either. */
  private submit(t0: number, m: number, which: number, rb: GPUBuffer | null, host?: GPUCommandEncoder): void {
    const { device } = this.gpu;
    const fused = this.pipes.fused, params = packStruct(ENGINE_PARAMS, { seed: this.key, first: t0, steps: m, per_dispatch: fused?.steps ?? 1 });
    // Encoded chunks copy their uniforms from slots of their own: several may wait for one host submit.
    if (host) this.slots!.copy(host, params, this.bufs.params);  // made by encode()
    else device.queue.writeBuffer(this.bufs.params, 0, params);
    const enc = host ?? device.createCommandEncoder({ label: `spikegpu engine steps ${t0}..${t0 + m}` });
    this.last = { records: which, firstStep: t0, steps: m };
    // Only what precedes the pairs needs clearing; encoded chunks and the run's first after them keep the non-finite words.
    clearRecords(enc, this.bufs.rec[which]!, this.R.pairs, host !== undefined || (which === 0 && this.encoded));
    this.encoded = host !== undefined;
    // The cursor (the chunk the GPU ran last) into the header, this chunk's (first, steps) into it after: readMapped checks the order.
    const cursor = 4 * cursorWord(this.L.words.refr, this.L.B);
    enc.copyBufferToBuffer(this.bufs.refr, cursor, this.bufs.rec[which]!, 4 * CURSOR, 8);
    const pass = enc.beginComputePass();
    pass.setBindGroup(0, this.groups.main[which]!);
    if (fused) {
      pass.setPipeline(fused.pipeline);
      if (this.pipes.stores[0]) pass.setBindGroup(STORE_GROUP, this.pipes.stores[0].group);
      for (let tc = 0; tc < m; tc += fused.steps) {
        pass.setBindGroup(1, this.groups.step, [tc * STEP_ALIGN]);
        pass.dispatchWorkgroups(1);
      }
    }
    for (let tc = 0; tc < m && !fused; tc++) {
      pass.setBindGroup(1, this.groups.step, [tc * STEP_ALIGN]);
      if (this.pipes.release) this.dispatch(pass, this.pipes.release.pipeline, this.pipes.release.items);
      if (this.pipes.currents) this.dispatch(pass, this.pipes.currents, this.L.total);
      this.dispatch(pass, this.pipes.neurons, this.L.total);
      if (this.pipes.propagate) this.dispatch(pass, this.pipes.propagate, this.L.total);
      for (const st of this.pipes.stores) { pass.setBindGroup(STORE_GROUP, st.group); this.dispatch(pass, st.pipeline!, this.L.total); }
      if (this.pipes.sample) this.dispatch(pass, this.pipes.sample, this.probeWidth);
    }
    pass.end();
    enc.copyBufferToBuffer(this.bufs.params, ENGINE_PARAMS.fields.first!.offset, this.bufs.refr, cursor, 8);
    const { R, plan } = this;
    for (const tap of this.taps) tap.encode(enc, { buffer: this.bufs.rec[which]!, countWord: 0, pairsWord: R.pairs, capacity: R.capacity, firstStep: t0, steps: m, neurons: plan.n, copies: plan.copies });
    if (!rb) return;
    this.copied[which] = Math.min(this.R.capacity, this.pairsCopied);
    enc.copyBufferToBuffer(this.bufs.rec[which]!, 0, rb, 0, 4 * (this.R.pairs + 2 * this.copied[which]!));
    this.readbackStats.bytes += 4 * (this.R.pairs + 2 * this.copied[which]!);
    if (this.plan.freeze) enc.copyBufferToBuffer(this.bufs.refr, 4 * this.L.words.refr, rb, 4 * this.R.words, 8 * this.L.B);
    device.queue.submit([enc.finish()]);
  }

  /** The element g's population, copy and neuron (in this.at, overwritten by the next call). */
  private locate(g: number): { population: number; copy: number; neuron: number } {
    const { popBase } = this.L, at = this.at;
    let q = 0;
    while (q + 1 < popBase.length && g >= popBase[q + 1]!) q++;
    const size = this.plan.populations[q]!.size, e = g - popBase[q]!, copy = Math.floor(e / size);
    at.population = q; at.copy = copy; at.neuron = e - copy * size;
    return at;
  }

  /** Reads a chunk's readback (then unmaps it), and any spike pairs it did not copy from the records buffer. */
  private async collect(rb: GPUBuffer, t0: number, m: number, rec: Recorder): Promise<void> {
    const which = this.bufs.readback.indexOf(rb), copied = this.copied[which]!;
    let pairs: Uint32Array, kept: number;
    try {
      ({ pairs, kept } = this.readMapped(new Uint32Array(rb.getMappedRange()), t0, m, rec, copied));
    } finally {
      rb.unmap();
    }
    this.readbackStats.chunks++;
    if (kept > copied) {
      // More spikes than this readback copied: the rest, from the records buffer the next chunk does not use.
      const at = 4 * (this.R.pairs + 2 * copied), rest = await readBuffer(this.gpu.device, this.bufs.rec[which]!, 8 * (kept - copied), 'spikegpu engine spikes', at);
      const all = new Uint32Array(2 * kept);
      all.set(pairs);
      all.set(new Uint32Array(rest), pairs.length);
      pairs = all;
      this.readbackStats.extraReads++;
      this.readbackStats.bytes += 8 * (kept - copied);
    }
    if (this.plan.recordSpikes.some(Boolean)) this.pairsCopied = Math.max(this.pairsCopied, 2 ** Math.ceil(Math.log2(Math.max(1, 2 * kept))));
    const { spikeSteps, spikeNeurons } = sortSpikePairs(pairs);
    for (let r = 0; r < spikeSteps.length; r++) { const at = this.locate(spikeNeurons[r]!); rec.spike(spikeSteps[r]!, at.population, at.neuron, at.copy); }
  }

  /** Everything but the spike pairs, from the mapped readback; returns a copy of the pairs it holds and how many the chunk recorded. */
  private readMapped(words: Uint32Array, t0: number, m: number, rec: Recorder, copied: number): { pairs: Uint32Array; kept: number } {
    const { R, plan } = this;
    if (words[1]! > 0) {
      // The first step that went bad, and its first neuron: stored complemented (atomicMax of ~x keeps the least x).
      const at = this.locate(~words[3]! >>> 0);
      throw new NonFiniteStateError(plan.populations[at.population]!.start + at.neuron, ~words[2]! >>> 0, plan.dt, plan.copies > 1 ? at.copy : undefined);
    }
    if (words[CURSOR]! + words[CURSOR + 1]! !== t0) throw outOfOrderError(t0, m, words[CURSOR]!, words[CURSOR + 1]!);
    if (this.pipes.fused && words[STEPS_DONE]! !== m) {
      throw cutShortError(words[STEPS_DONE]!, m, t0, m, 'Lower stepsPerDispatch, or launch per step.');
    }
    if (words[0]! > R.capacity) {
      throw new Error(`${words[0]} spikes in steps ${t0}..${t0 + m} overflow the spike records (${R.capacity} per chunk): pass a larger spikeCapacity or a smaller stepsPerSubmit, or record fewer spikes (record.spikes)`);
    }
    plan.populations.forEach((p) => rec.count(p.index, words[HEADER + p.index]!));
    if (plan.recordRates) {
      const width = plan.copies * plan.populations.length;
      rec.rates(words.subarray(R.rates, R.rates + m * width));  // the chunk's steps, contiguous
    }
    const f = new Float32Array(words.buffer, words.byteOffset, words.length);
    rec.probes.forEach((p, q) => {
      const width = R.probeWidth[q]!, first = Math.floor((t0 + p.every) / p.every), last = Math.floor((t0 + m) / p.every);
      rec.sample(q, f.subarray(R.probes[q]!, R.probes[q]! + Math.max(0, last - first + 1) * width));
    });
    if (plan.freeze) {
      const base = R.words;
      for (let c = 0; c < plan.copies; c++) {
        const flag = words[base + c]!;
        if (flag === 0 || this.reported.has(c)) continue;
        this.reported.add(c);
        const at = this.locate(words[base + plan.copies + c]!);
        this.failures.push({ copy: c, population: plan.populations[at.population]!.name, neuron: at.neuron, step: flag - 1 });
      }
    }
    return { pairs: words.slice(R.pairs, R.pairs + 2 * Math.min(words[0]!, copied)), kept: words[0]! };
  }

  async advance(steps: number, rec: Recorder): Promise<void> {
    let which = 0;
    this.step = await runChunks(this.step, steps, {
      readback: this.bufs.readback,
      length: (_step, remaining) => Math.min(remaining, this.k),
      submit: (t0, m, rb) => { this.watch.scoped(() => this.submit(t0, m, which, rb)); which = 1 - which; },
      // Counted chunk by chunk: after a failure, the chunks before it stay counted with their recordings.
      collect: async (rb, t0, m) => { await this.collect(rb, t0, m, rec); this.step = t0 + m; },
      check: () => this.watch.check(),
    }).catch(async (e: unknown) => { throw await this.watch.explain(e); });
  }

  /** Puts `steps` steps into a host's encoder, in chunks into records buffer 0 (Simulation.encode checks the call); nothing read back. */
  encode(encoder: GPUCommandEncoder, steps: number): void {
    if (this.watch.error) throw this.watch.error;
    (this.slots ??= encodeSlots(this.gpu.device, this.bufs)).reserve(encoder, Math.ceil(steps / this.k), 'encode', 'chunks of steps (steps ÷ stepsPerSubmit, rounded up)');
    for (let t0 = this.step; t0 < this.step + steps; t0 += this.k) this.watch.scoped(() => this.submit(t0, Math.min(this.k, this.step + steps - t0), 0, null, encoder));
    this.step += steps;
    // Settles the scopes now (an error stays in the watch for the next call): a host that never runs keeps none pending.
    this.watch.check().catch(() => {});
  }

  /** Writes an external input's values into the state buffer, inside the simulation's error scopes (its errors stay its own). */
  writeState(byteOffset: number, values: Float32Array<ArrayBuffer>): void { this.watch.scoped(() => this.gpu.device.queue.writeBuffer(this.bufs.state, byteOffset, values)); }

  /** The buffers with their layouts, as gpu_embedding.ts describes them to an embedder. */
  get buffers(): GpuBuffers {
    const b = this.bufs;
    return describeBuffers({ device: this.gpu.device, plan: this.plan, L: this.L, R: this.R, state: b.state, acc: b.acc, spk: b.spk, rec: b.rec, last: this.last });
  }

  async readState(population: number, variable: number): Promise<Float64Array> {
    const p = this.plan.populations[population]!, size = this.L.B * p.size;
    const bytes = await this.watch.scoped(() => readBuffer(this.gpu.device, this.bufs.state, 4 * size, 'spikegpu engine state readback', 4 * this.L.state[population]![variable]!))
      .catch(async (e: unknown) => { throw await this.watch.explain(e); });
    await this.watch.check();
    return Float64Array.from(new Float32Array(bytes));
  }

  destroy(): void {
    releaseGpu(this.watch, this.bufs.all, this.gpu);
  }
}
