// The GPU backend for sparse networks. Two launch shapes (shaders/sparse_network.wgsl):
// - per step: one update dispatch (every neuron) and one propagation dispatch per synapse store
//   (only the rows of neurons that spiked; every projection packed into that store at once);
// - one workgroup looping over many steps (small networks): no dispatch per step at all.
// Many steps go into one submit; spikes and rates come back once per chunk, double-buffered, from
// two records buffers of bounded size used in turn (an overflow is an error, never a silent loss).
// Only the part of a chunk's records that its spikes are expected to fill is copied back; a chunk
// with more is completed from its records buffer before that buffer is used again.
import { NonFiniteStateError, RunGuard } from '../backends/backend';
import type { Launch } from '../backends/gpu';
import { GpuErrorWatch, type MakeBuffer, allocateScoped, bindBuffers, sortSpikePairs, checkCountOptions, cutShortError, readBuffer, releaseGpu, runChunks } from '../gpu/chunks';
import { type GpuContext, type GpuOptions, GpuLimitError, type LimitRequest, acquireGpu } from '../gpu/device';
import { ShaderReflection, packStruct } from '../gpu/reflect';
import { sparseNetworkWgsl } from '../gpu/shaders';
import { sparseModelsWgsl } from './models';
import { formatBytes } from '../network/validate';
import { seedKey } from '../rng/philox';
import type { SparseBackend, SparseChunk } from './backend';
import { type GpuConnectivity, buildConnectivityGpu, grid, segmentWords } from '../engine/gpu_build';
import { canRegenerate } from '../compile/csr';
import { MAX_JOBS, checkProceduralTables, type PropagateGroup, propagateGroups } from './jobs';
import { MAX_TRACED_NEURONS } from './description';
import { RECORD_HEADER, type SparsePlan, checkSparseMemory, fixedPointScales, pairsBase, recordWords, sparseFootprint, stateWords, totalBytes, tracesBase } from './plan';

export interface SparseGpuOptions extends GpuOptions {
  /** Steps per submit and per readback chunk (default 250). */
  stepsPerSubmit?: number;
  /** Spike records one chunk can hold (default: n × steps, at most 2²²). */
  spikeCapacity?: number;
  /**
   * Bytes the network may use. WebGPU does not report a device's memory: by default this is the
   * adapter's maxBufferSize (the most it promises for one buffer); set the real figure for a GPU
   * (an H100: 80e9) to use all of it.
   */
  memoryLimit?: number;
  /** Caps the synapses of one buffer below the binding limit (tests use it to force splits). */
  maxSegmentWords?: number;
  /**
   * 'one-workgroup': one workgroup loops over `stepsPerDispatch` steps (all synapses must fit one
   * binding); 'per-step': dispatches per step; 'auto' (default): one workgroup for networks of at
   * most ONE_WORKGROUP_MAX_NEURONS on a hardware adapter, else per step.
   */
  launch?: Launch;
  /** Steps one dispatch of the one-workgroup shape runs (default 250; 10 on a software adapter). */
  stepsPerDispatch?: number;
  /**
   * 'stored' (default): every projection's synapses are built once into GPU buffers (CSR by pre).
   * 'procedural': fixed-probability and fixed-out-degree projections store nothing; each spiking
   * neuron's row is drawn again from Philox as it propagates (the same synapses, bit for bit), trading
   * memory for arithmetic. Lists and fixed in-degree stay stored.
   */
  connectivity?: 'stored' | 'procedural';
}

/**
 * The largest network 'auto' runs in one workgroup. NOT MEASURED yet: a guess from docs/platform.md's
 * costs (a step of two or more dispatches costs ≥ 10 µs on an H100; one workgroup of 1024 lanes
 * updates 16 COBAHH neurons per lane in about that). bench/suite.js times both shapes.
 */
export const ONE_WORKGROUP_MAX_NEURONS = 16384;
const STEPS_PER_DISPATCH = 250;
/** llvmpipe's loop limiter counts across a dispatch: keep software dispatches short. */
const SOFTWARE_STEPS_PER_DISPATCH = 10;
const UPDATE_WG = 256;
const ONE_WG_MAX = 1024;
const LANES = 64;
/**
 * Workgroups (teams of 64 lanes) of a per-step propagation dispatch, each taking every groups-th
 * spike: enough to fill an H100 (132 SMs × 32 resident teams); idle teams read the spike count
 * and stop. A software adapter runs workgroups one after another, so it gets few.
 */
const PROPAGATE_GROUPS = 4096, SOFTWARE_PROPAGATE_GROUPS = 64;
const STEP_ALIGN = 256;
/** Spike pairs a chunk's readback copies at first; it grows to twice the most a chunk has had. */
const FIRST_PAIRS_COPIED = 1024;

interface Shape { oneWorkgroup: boolean; wg: number; stepsPerDispatch: number; propagateGroups: number }

export class GpuSparseBackend implements SparseBackend {
  readonly kind = 'gpu';
  readonly adapter: string;
  private step = 0;
  private readonly guard = new RunGuard();
  private pairsCopied = FIRST_PAIRS_COPIED;
  /** What came back from the GPU: chunks, bytes, and chunks whose spikes needed a second copy. */
  readonly readbackStats = { chunks: 0, bytes: 0, extraReads: 0 };
  private readonly watch: GpuErrorWatch;

  private constructor(
    readonly plan: SparsePlan,
    private readonly gpu: GpuContext,
    readonly maxInDegree: number[],
    readonly synapses: number[],
    readonly scales: number[],
    /** The launch shape this backend runs (chosen by `launch`, the size and the adapter). */
    readonly shape: Shape,
    private readonly k: number,
    private readonly capacity: number,
    private readonly run: {
      update: GPUComputePipeline; propagate: GPUComputePipeline; runSteps: GPUComputePipeline | null; sample: GPUComputePipeline | null;
      netGroups: GPUBindGroup[]; stepGroup: GPUBindGroup; groups: PropagateGroup[];
      stepTable: GPUBuffer; state: GPUBuffer; records: GPUBuffer[]; readback: GPUBuffer[]; all: GPUBuffer[];
    },
  ) {
    this.adapter = gpu.adapterName;
    this.watch = new GpuErrorWatch(gpu.device);
  }

  /**
   * What a plan needs on the GPU with these options, in bytes per buffer kind, before anything
   * is built (and the options checked): also the chunk length, spike capacity and which
   * projections are procedural.
   */
  static footprint(plan: SparsePlan, options: SparseGpuOptions = {}) {
    const k = options.stepsPerSubmit ?? 250;
    checkCountOptions({ stepsPerSubmit: k }, 4096);
    checkCountOptions({ stepsPerDispatch: options.stepsPerDispatch }, 100000);
    const launch = options.launch ?? 'auto';
    if (!['auto', 'one-workgroup', 'per-step'].includes(launch)) throw new RangeError(`launch must be auto, one-workgroup or per-step, got ${launch}`);
    const capacity = plan.recordSpikes ? (options.spikeCapacity ?? Math.min(plan.n * k, 1 << 22)) : 0;
    const connectivity = options.connectivity ?? 'stored';
    if (connectivity !== 'stored' && connectivity !== 'procedural') throw new RangeError(`connectivity must be stored or procedural, got ${connectivity}`);
    const regenerable = plan.projections.map((p) => canRegenerate(p.build.connect));
    const procedural = regenerable.map((r) => r && connectivity === 'procedural');
    checkProceduralTables(plan, procedural);
    return {
      k, capacity, launch, procedural,
      parts: sparseFootprint(plan, k, capacity, procedural),
      /** With every projection that can be procedural made so (null when that changes nothing). */
      proceduralParts: procedural.some((x, q) => x !== regenerable[q]) ? sparseFootprint(plan, k, capacity, regenerable) : null,
    };
  }

  static async create(plan: SparsePlan, options: SparseGpuOptions = {}): Promise<GpuSparseBackend> {
    const { k, capacity, launch, procedural, parts: footprint, proceduralParts } = GpuSparseBackend.footprint(plan, options);
    const alternative = proceduralParts
      ? `; connectivity: 'procedural' (rows drawn again at each spike) would need about ${formatBytes(totalBytes(proceduralParts))}`
      : '';
    const unsplit = Math.max(footprint.accumulators, footprint.state, footprint.spikeLists, 4 * recordWords(plan, k, capacity), footprint.rowStarts);
    let shape: Shape = { oneWorkgroup: false, wg: UPDATE_WG, stepsPerDispatch: 1, propagateGroups: 1 };
    const needs = (limits: GPUSupportedLimits, software: boolean): LimitRequest => {
      checkSparseMemory(plan, footprint, options.memoryLimit ?? limits.maxBufferSize,
        options.memoryLimit === undefined ? `the adapter's maxBufferSize (pass memoryLimit for the device's real memory)` : 'memoryLimit', alternative);
      if (unsplit > limits.maxStorageBufferBindingSize) {
        throw new GpuLimitError(`this network needs one buffer of ${formatBytes(unsplit)} (state, accumulators or row starts of ${plan.n} neurons); ` +
          `the adapter's maxStorageBufferBindingSize is ${formatBytes(limits.maxStorageBufferBindingSize)}`);
      }
      const oneWorkgroup = launch === 'one-workgroup' || (launch === 'auto' && !software && plan.n <= ONE_WORKGROUP_MAX_NEURONS);
      const maxWg = Math.min(limits.maxComputeInvocationsPerWorkgroup, limits.maxComputeWorkgroupSizeX, ONE_WG_MAX);
      const d = options.stepsPerDispatch ?? (software ? SOFTWARE_STEPS_PER_DISPATCH : STEPS_PER_DISPATCH);
      const propagateGroups = Math.max(1, Math.min(software ? SOFTWARE_PROPAGATE_GROUPS : PROPAGATE_GROUPS, plan.n));
      shape = oneWorkgroup
        ? { oneWorkgroup, wg: Math.floor(maxWg / LANES) * LANES, stepsPerDispatch: Math.min(d, k), propagateGroups }
        : { oneWorkgroup, wg: UPDATE_WG, stepsPerDispatch: 1, propagateGroups };
      // Synapses split over buffers: ask for the largest binding the adapter has when they need it.
      const binding = Math.min(limits.maxStorageBufferBindingSize, Math.max(unsplit, footprint.synapses, 128 << 20));
      return {
        maxStorageBufferBindingSize: binding,
        maxBufferSize: Math.min(limits.maxBufferSize, Math.max(binding, 256 << 20)),
        maxStorageBuffersPerShaderStage: 8,
        maxComputeInvocationsPerWorkgroup: Math.max(UPDATE_WG, shape.wg),
        maxComputeWorkgroupSizeX: Math.max(UPDATE_WG, shape.wg),
      };
    };
    const gpu = await acquireGpu(needs, options);
    try {
      return await GpuSparseBackend.build(plan, gpu, shape, launch === 'auto', k, capacity, procedural, options);
    } catch (e) {
      gpu.destroy();
      throw e;
    }
  }

  private static async build(
    plan: SparsePlan, gpu: GpuContext, wanted: Shape, mayFallBack: boolean, k: number, capacity: number, procedural: boolean[],
    options: SparseGpuOptions,
  ): Promise<GpuSparseBackend> {
    const { device } = gpu;
    const maxWords = Math.min(segmentWords(device.limits), options.maxSegmentWords ?? Infinity);
    const words = recordWords(plan, k, capacity);
    const { value, buffers } = await allocateScoped(device, async (make: MakeBuffer) => {
      const S = GPUBufferUsage.STORAGE, C = GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
      const specs = plan.projections.map((p) => p.build);
      let conn = await buildConnectivityGpu(device, make, specs, maxWords, wanted.oneWorkgroup, procedural);
      let shape = wanted;
      // One workgroup binds one store and one jobs table.
      const oneWorkgroupFails = conn.stores.length > 1 ? `its synapses need ${conn.stores.length} buffers of at most ${maxWords} synapses`
        : conn.pieces.length + procedural.filter(Boolean).length > MAX_JOBS ? `it has more than ${MAX_JOBS} projection pieces` : null;
      if (shape.oneWorkgroup && oneWorkgroupFails) {
        if (!mayFallBack) throw new GpuLimitError(`launch 'one-workgroup' cannot run this network: ${oneWorkgroupFails}; use launch 'per-step'`);
        for (const st of conn.stores) { st.targets.destroy(); st.words?.destroy(); }
        conn = await buildConnectivityGpu(device, make, specs, maxWords, false, procedural);
        shape = { ...shape, oneWorkgroup: false, wg: UPDATE_WG, stepsPerDispatch: 1 };
      }
      const maxInDegree = conn.projections.map((p) => p.maxInDegree);
      const { scales, weights } = fixedPointScales(plan, maxInDegree);
      writeListWeights(device, plan, conn, scales);

      const stateInit = new Float32Array(stateWords(plan));
      stateInit.set(plan.state0);
      stateInit.set(plan.coef, plan.state0.length);
      const state = make('sparse state', 4 * stateInit.length, S | C, stateInit);
      const refractory = make('sparse refractory', 4 * plan.n, S | C);
      const acc = make('sparse accumulators', 4 * plan.ring * plan.targets * plan.n, S | C);
      const spikes = make('sparse spike lists', 4 * (2 + 2 * plan.n), S | C);
      const records = [0, 1].map((q) => make(`sparse records ${q}`, 4 * words, S | C));
      const readback = [0, 1].map((r) => make(`sparse readback ${r}`, 4 * words, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST));
      const stepTable = make('sparse step table', STEP_ALIGN * k, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
      const rowBase: number[] = [];
      const rowStarts = new Uint32Array(conn.projections.reduce((sum, p) => { rowBase.push(sum); return sum + p.rowStart.length; }, 0));
      conn.projections.forEach((p, q) => rowStarts.set(p.rowStart, rowBase[q]));
      const rowStartBuffer = make('sparse row starts', Math.max(16, 4 * rowStarts.length), S, rowStarts.length ? rowStarts : undefined);

      const code = sparseNetworkWgsl(sparseModelsWgsl(plan.cobahh, plan.dt));
      const reflect = new ShaderReflection(code);
      const popStart = new Uint32Array(32);
      plan.ranges.forEach((r, q) => { popStart[q] = r.start; });
      const netStruct = reflect.struct('NetParams');
      const paramBytes = packStruct(netStruct, {
        n: plan.n, ring: plan.ring, targets: plan.targets, pops: plan.ranges.length, seed: seedKey(plan.seed), dt: plan.dt,
        record_spikes: plan.recordSpikes ? 1 : 0, record_rates: plan.recordRates ? 1 : 0, capacity,
        pairs_base: pairsBase(plan, k), traces_base: tracesBase(plan, k), traced: plan.traced.length, trace_vars: plan.traceVariables.length,
        refractory_steps: plan.refractorySteps,
        threshold: plan.model === 'cobahh' ? plan.cobahh.threshold : 30,
        inv_scale: [0, 1, 2, 3].map((t) => 1 / (scales[t] ?? 1)),
      });
      // The arrays and the nested struct, at their reflected offsets.
      new Uint32Array(paramBytes, netStruct.fields.pop_start!.offset, 32).set(popStart);
      if (netStruct.fields.traced_list!.size !== 4 * MAX_TRACED_NEURONS) throw new Error('NetParams.traced_list does not match MAX_TRACED_NEURONS');
      new Uint32Array(paramBytes, netStruct.fields.traced_list!.offset, plan.traced.length).set(plan.traced);
      const netParams = make('sparse params', paramBytes.byteLength, GPUBufferUsage.UNIFORM, paramBytes);

      const netLayout = device.createBindGroupLayout({ entries: reflect.layoutEntries(0) });
      const stepLayout = device.createBindGroupLayout({ entries: reflect.layoutEntries(1, new Set(['S'])) });
      const propLayout = device.createBindGroupLayout({ entries: reflect.layoutEntries(2) });
      const module = device.createShaderModule({ code, label: 'spikegpu sparse network' });
      const constants = { MODEL: plan.model === 'cobahh' ? 0 : 1 };
      const pipeline = (entryPoint: string, groups: GPUBindGroupLayout[], wg?: number) => device.createComputePipelineAsync({
        label: `spikegpu sparse ${entryPoint}`,
        layout: device.createPipelineLayout({ bindGroupLayouts: groups }),
        compute: { module, entryPoint, constants: wg ? { ...constants, WG: wg } : constants },
      });
      const all3 = [netLayout, stepLayout, propLayout];
      // Per step, traces are sampled by a dispatch of their own once the propagation is done (run_steps samples itself).
      const [update, propagate, runSteps, sample] = await Promise.all([
        pipeline('update', [netLayout, stepLayout], UPDATE_WG),
        pipeline('propagate', all3),
        shape.oneWorkgroup ? pipeline('run_steps', all3, shape.wg) : Promise.resolve(null),
        !shape.oneWorkgroup && plan.traced.length ? pipeline('sample', [netLayout, stepLayout]) : Promise.resolve(null),
      ]);
      const netGroups = records.map((rec) => bindBuffers(device, netLayout, [netParams, state, refractory, acc, spikes, rec]));
      const stepGroup = device.createBindGroup({ layout: stepLayout, entries: [{ binding: 0, resource: { buffer: stepTable, size: 12 } }] });
      const groups = propagateGroups({
        device, make, reflect, plan, conn, procedural, weights, rowBase, rowStartBuffer, propLayout, oneWorkgroup: shape.oneWorkgroup,
      });
      return {
        maxInDegree, synapses: conn.projections.map((p) => p.synapses), scales, shape,
        run: { update, propagate, runSteps, sample, netGroups, stepGroup, groups, stepTable, state, records, readback },
      };
    });
    return new GpuSparseBackend(plan, gpu, value.maxInDegree, value.synapses, value.scales, value.shape, k, capacity, { ...value.run, all: buffers });
  }

  get launch(): 'one-workgroup' | 'per-step' {
    return this.shape.oneWorkgroup ? 'one-workgroup' : 'per-step';
  }

  async advance(steps: number, sink: (c: SparseChunk) => void): Promise<void> {
    await this.guard.run(() => this.advanceChunks(steps, sink));
  }

  private async advanceChunks(steps: number, sink: (c: SparseChunk) => void): Promise<void> {
    const { device } = this.gpu;
    const r = this.run;
    const plan = this.plan;
    const pops = plan.ranges.length;
    const base = pairsBase(plan, this.k);
    const [gx, gy] = grid(Math.ceil(plan.n / UPDATE_WG));
    const d = this.shape.stepsPerDispatch;
    const sampleGroups = Math.ceil((plan.traced.length * plan.traceVariables.length) / 64);
    const table = new Uint32Array((STEP_ALIGN / 4) * this.k);
    const copied = [0, 0];  // spike pairs each readback holds
    this.step = await runChunks(this.step, steps, {
      readback: r.readback,
      length: (_step, remaining) => Math.min(remaining, this.k),
      submit: (t0, m, rb) => {
        // One table entry per dispatch: (first step, its place in the chunk, steps it runs).
        const dispatches = Math.ceil(m / d);
        for (let q = 0; q < dispatches; q++) {
          const at = (q * STEP_ALIGN) / 4;
          table[at] = t0 + q * d; table[at + 1] = q * d; table[at + 2] = Math.min(d, m - q * d);
        }
        device.queue.writeBuffer(r.stepTable, 0, table, 0, (dispatches * STEP_ALIGN) / 4);
        const q0 = r.readback.indexOf(rb);
        const enc = device.createCommandEncoder();
        // The pairs are read only up to the count: the header and rates alone need clearing.
        enc.clearBuffer(r.records[q0]!, 0, 4 * base);
        const pass = enc.beginComputePass();
        pass.setBindGroup(0, r.netGroups[q0]!);
        if (r.runSteps) {
          pass.setPipeline(r.runSteps);
          pass.setBindGroup(2, r.groups[0]!.bindGroup);
          for (let q = 0; q < dispatches; q++) {
            pass.setBindGroup(1, r.stepGroup, [q * STEP_ALIGN]);
            pass.dispatchWorkgroups(1);
          }
        } else {
          for (let q = 0; q < dispatches; q++) {
            pass.setBindGroup(1, r.stepGroup, [q * STEP_ALIGN]);
            pass.setPipeline(r.update);
            pass.dispatchWorkgroups(gx, gy);
            if (r.groups.length) pass.setPipeline(r.propagate);
            for (const g of r.groups) {
              pass.setBindGroup(2, g.bindGroup);
              pass.dispatchWorkgroups(this.shape.propagateGroups);
            }
            if (r.sample) {
              pass.setPipeline(r.sample);
              pass.dispatchWorkgroups(sampleGroups);
            }
          }
        }
        pass.end();
        copied[q0] = Math.min(this.capacity, this.pairsCopied);
        const bytes = 4 * (base + 2 * copied[q0]!);
        enc.copyBufferToBuffer(r.records[q0]!, 0, rb, 0, bytes);
        this.readbackStats.bytes += bytes;
        device.queue.submit([enc.finish()]);
      },
      collect: async (rb, t0, m) => {
        const q0 = r.readback.indexOf(rb);
        const rec = new Uint32Array(rb.getMappedRange());
        const [count, bad, badStep, badNeuron, ran] = rec;
        const rates = plan.recordRates ? rec.slice(RECORD_HEADER, RECORD_HEADER + m * pops) : null;
        const tracesAt = tracesBase(plan, this.k), traceWords = m * plan.traced.length * plan.traceVariables.length;
        const traces = traceWords ? new Float32Array(rec.slice(tracesAt, tracesAt + traceWords).buffer) : null;
        const kept = Math.min(count!, this.capacity);
        let pairs = plan.recordSpikes ? rec.slice(base, base + 2 * Math.min(kept, copied[q0]!)) : new Uint32Array(0);
        rb.unmap();
        this.readbackStats.chunks++;
        if (plan.recordSpikes && kept > copied[q0]!) {
          // More spikes than this readback copied: the rest, from the records buffer the next chunk does not use.
          const more = 2 * (kept - copied[q0]!);
          const rest = new Uint32Array(await readBuffer(device, r.records[q0]!, 4 * more, 'spikegpu sparse spikes', 4 * (base + 2 * copied[q0]!)));
          const all = new Uint32Array(pairs.length + more);
          all.set(pairs);
          all.set(rest, pairs.length);
          pairs = all;
          this.readbackStats.extraReads++;
          this.readbackStats.bytes += 4 * more;
        }
        if (plan.recordSpikes) this.pairsCopied = Math.max(this.pairsCopied, 2 ** Math.ceil(Math.log2(Math.max(1, 2 * kept))));
        if (bad! > 0) throw new NonFiniteStateError(badNeuron!, badStep!, plan.dt);
        if (ran !== m) {
          throw cutShortError(ran!, m, t0, m, this.shape.oneWorkgroup ? "Lower stepsPerDispatch or use launch: 'per-step'." : '');
        }
        if (count! > this.capacity) {
          throw new Error(`${count} spikes in steps ${t0}..${t0 + m}, more than the ${this.capacity} one chunk records: ` +
            `pass a larger spikeCapacity or fewer stepsPerSubmit, or switch spike recording off`);
        }
        sink({ firstStep: t0, steps: m, ...sortSpikePairs(pairs), rates, traces });
      },
      check: () => this.watch.check(),
    });
  }

  async readState(): Promise<Float32Array> {
    const words = this.plan.state0.length;
    return new Float32Array(await readBuffer(this.gpu.device, this.run.state, 4 * words, 'spikegpu sparse state'));
  }

  destroy(): void {
    if (this.guard.end()) releaseGpu(this.watch, this.run.all, this.gpu);
  }
}

/** List projections: their words hold list indices; replace them with the fixed-point weights. */
function writeListWeights(device: GPUDevice, plan: SparsePlan, conn: GpuConnectivity, scales: number[]): void {
  for (const piece of conn.pieces) {
    const p = plan.projections[piece.projection]!, host = conn.projections[piece.projection]!.host;
    const list = p.weight.list, store = conn.stores[piece.store]!;
    if (!list || !host?.words || !store.words || piece.count === 0) continue;
    const s = scales[p.target]!;
    const fixed = Uint32Array.from(host.words.subarray(piece.first, piece.first + piece.count), (idx) => Math.round(list[idx]! * s) >>> 0);
    device.queue.writeBuffer(store.words, 4 * piece.at, fixed);
  }
}
