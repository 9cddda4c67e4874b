// The GPU backend for circuits: executes a compiled plan with shaders/circuit.wgsl. Each
// workgroup owns whole copies and loops over many steps per dispatch; many dispatches go into
// one submit, and spikes and trace samples come back once per chunk, double-buffered.
import { NonFiniteStateError, RunGuard, chunkLength } from '../backends/backend';
import {
  GpuErrorWatch, type MakeBuffer, allocateScoped, checkCountOptions, cutShortError, offsetTable, readBuffer, releaseGpu, runChunks,
} from '../gpu/chunks';
import { type GpuContext, type GpuOptions, type LimitRequest, acquireGpu } from '../gpu/device';
import { ShaderReflection, packStruct } from '../gpu/reflect';
import { circuitWgsl } from '../gpu/shaders';
import { NetworkValidationError, formatBytes } from '../network/validate';
import { seedKey } from '../rng/philox';
import { type CircuitBackend, type CircuitChunk, type CopyFailure, samplesIn } from './backend';
import { circuitModelsWgsl } from './models';
import { type CircuitPlan, STIM_WORDS, SYN_STATE } from './plan';

export interface CircuitGpuOptions extends GpuOptions {
  /** Steps per submit and per readback chunk (rounded up to a multiple of record.every). */
  stepsPerSubmit?: number;
  /** Steps one dispatch loops over; drivers cut long dispatches short (detected, reported). */
  stepsPerDispatch?: number;
  workgroupSize?: number;
  /** Spike events one chunk can hold; more is an error, never a silent loss. */
  spikeCapacity?: number;
}

const STATUS_BYTES = 32;
/** Per-copy failure words after the status header (plan.freeze). */
const failBytes = (plan: CircuitPlan) => (plan.freeze ? 8 * plan.copies : 0);
/** The status buffer: header and per-copy failure words (at least one entry: WGSL's runtime array). */
const statusBytes = (plan: CircuitPlan) => STATUS_BYTES + Math.max(8, failBytes(plan));
const MAX_SPIKE_CAPACITY = 1 << 22;

/** The static tables of a plan packed into one u32 buffer, with the word offset of each. */
export function packTables(plan: CircuitPlan) {
  const B = plan.copies, N = plan.n, M = plan.m;
  const sizes = {
    neuron_off: 4 * N, in_off: plan.inSlots.length, syn_off: 4 * M, ncopy_off: 2 * B * N, scopy_off: B * M,
    pset_off: plan.psets.length, spset_off: plan.spsets.length, slist_off: plan.stimLists.length,
    stim_off: plan.stimWords.length, wave_off: plan.waves.length, probe_off: 4 * plan.probes.length,
  };
  const offsets: Record<string, number> = {};
  let words = 0;
  for (const [name, size] of Object.entries(sizes)) { offsets[name] = words; words += size; }
  return { offsets, words: Math.max(words, 4) };
}

function fillTables(plan: CircuitPlan, offsets: Record<string, number>, words: number): Uint32Array {
  const tab = new Uint32Array(words);
  const f = new Float32Array(tab.buffer);
  const B = plan.copies, N = plan.n, M = plan.m;
  for (let i = 0; i < N; i++) tab.set([plan.modelIndex[i]!, plan.inFirst[i]!, plan.inCount[i]!, 0], offsets.neuron_off! + 4 * i);
  tab.set(plan.inSlots, offsets.in_off);
  for (let j = 0; j < M; j++) tab.set([plan.synKind[j]!, plan.synA[j]!, plan.synB[j]!, 0], offsets.syn_off! + 4 * j);
  for (let g = 0; g < B * N; g++) { tab[offsets.ncopy_off! + 2 * g] = plan.neuronPset[g]!; tab[offsets.ncopy_off! + 2 * g + 1] = plan.neuronStims[g]!; }
  tab.set(plan.synPset, offsets.scopy_off);
  f.set(plan.psets, offsets.pset_off);
  f.set(plan.spsets, offsets.spset_off);
  tab.set(plan.stimLists, offsets.slist_off);
  tab.set(plan.stimWords, offsets.stim_off);
  for (let r = 0; r < plan.stimAmp.length; r++) f[offsets.stim_off! + STIM_WORDS * r + 5] = plan.stimAmp[r]!;
  f.set(plan.waves, offsets.wave_off);
  plan.probes.forEach((p, q) => tab.set([p.copy, p.kind, p.index, p.variable], offsets.probe_off! + 4 * q));
  return tab;
}

/** Bytes of every GPU buffer of a plan, known before any allocation. */
export function circuitFootprint(plan: CircuitPlan, k: number, spikeCapacity: number) {
  const B = plan.copies;
  const samples = Math.ceil(k / plan.every) * plan.probes.length;
  const rec = 8 * spikeCapacity + 4 * samples;
  return {
    tables: 4 * packTables(plan).words,
    state: 16 * B * plan.n,
    synapses: 4 * SYN_STATE * B * plan.m,
    input: plan.recordInput ? 4 * B * plan.n : 16,
    records: rec,
    status: statusBytes(plan),
    readback: 2 * (STATUS_BYTES + rec + failBytes(plan)),
  };
}

interface Shape { wg: number; perGroup: number; groups: number; gx: number; gy: number; k: number; d: number; cap: number; align: number }

export class GpuCircuitBackend implements CircuitBackend {
  readonly kind = 'gpu';
  readonly adapter: string;
  private step = 0;
  private readonly guard = new RunGuard();
  /** Where the per-copy failure words land in a readback buffer: after status, spikes and traces. */
  private readonly failOffset: number;
  private readonly watch: GpuErrorWatch;

  private constructor(
    readonly plan: CircuitPlan,
    private readonly gpu: GpuContext,
    private readonly shape: Shape,
    private readonly pipeline: GPUComputePipeline,
    private readonly bindGroup: GPUBindGroup,
    private readonly params: { buffer: GPUBuffer; pack: (v: Record<string, number>) => ArrayBuffer },
    private readonly bufs: { state: GPUBuffer; rec: GPUBuffer; status: GPUBuffer; readback: GPUBuffer[]; all: GPUBuffer[] },
  ) {
    this.adapter = gpu.adapterName;
    this.failOffset = STATUS_BYTES + circuitFootprint(plan, shape.k, shape.cap).records;
    this.watch = new GpuErrorWatch(gpu.device);
  }

  static async create(plan: CircuitPlan, options: CircuitGpuOptions = {}): Promise<GpuCircuitBackend> {
    const { stepsPerSubmit, stepsPerDispatch, workgroupSize, spikeCapacity } = options;
    checkCountOptions({ stepsPerSubmit, stepsPerDispatch, workgroupSize, spikeCapacity }, 1 << 26);
    const every = plan.every;
    const k = Math.ceil((options.stepsPerSubmit ?? 500) / every) * every;
    const B = plan.copies, N = plan.n;
    const cap = !plan.recordSpikes ? 0 : options.spikeCapacity
      ?? Math.max(1024, Math.min(MAX_SPIKE_CAPACITY, B * N * Math.min(Math.floor(k / 2) + 1, Math.ceil((k * plan.dt) / 2) + 1)));
    let shape: Shape | null = null;
    const gpu = await acquireGpu((limits, software) => {
      const f = circuitFootprint(plan, k, cap);
      const largest = Math.max(f.tables, f.state, f.synapses, f.input, f.records, f.status);
      const allowed = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
      if (largest > allowed) {
        const which = Object.entries(f).find(([, v]) => v === largest)![0];
        const field = which === 'records' ? 'record' : 'batch.copies';
        throw new NetworkValidationError([{ path: field, message: `the circuit's ${which} need ${formatBytes(largest)} in one GPU buffer; this device allows ${formatBytes(allowed)} (maxStorageBufferBindingSize/maxBufferSize)` }]);
      }
      const maxWg = Math.min(limits.maxComputeInvocationsPerWorkgroup, limits.maxComputeWorkgroupSizeX);
      const wg = Math.min(options.workgroupSize ?? 64, maxWg);
      const perGroup = N <= wg ? Math.floor(wg / N) : 1;
      const groups = Math.ceil(B / perGroup);
      const gx = Math.min(groups, limits.maxComputeWorkgroupsPerDimension);
      const gy = Math.ceil(groups / gx);
      const d = Math.min(k, options.stepsPerDispatch ?? (software ? 25 : 100));
      shape = { wg, perGroup, groups, gx, gy, k, d, cap, align: 256 };
      const needs: LimitRequest = {
        maxStorageBufferBindingSize: largest, maxBufferSize: Math.max(largest, f.readback / 2),
        maxComputeInvocationsPerWorkgroup: wg, maxComputeWorkgroupSizeX: wg, maxStorageBuffersPerShaderStage: 6,
      };
      return needs;
    }, options);
    try {
      shape!.align = gpu.device.limits.minUniformBufferOffsetAlignment;
      const { value } = await allocateScoped(gpu.device, (make, all) => GpuCircuitBackend.allocate(plan, gpu, shape!, make, all));
      return value;
    } catch (e) {
      gpu.destroy();
      throw e;
    }
  }

  private static async allocate(
    plan: CircuitPlan, gpu: GpuContext, shape: Shape,
    make: MakeBuffer, all: GPUBuffer[],
  ): Promise<GpuCircuitBackend> {
    const { device } = gpu;
    const code = circuitWgsl(circuitModelsWgsl(plan.kinds, plan.integrator));
    const reflection = new ShaderReflection(code);
    const S = GPUBufferUsage.STORAGE, SRC = GPUBufferUsage.COPY_SRC, DST = GPUBufferUsage.COPY_DST;
    const B = plan.copies, N = plan.n, M = plan.m, P = plan.probes.length;
    const { offsets, words } = packTables(plan);
    const f = circuitFootprint(plan, shape.k, shape.cap);
    const paramsLayout = reflection.struct('Params');
    const params = make('circuit params', Math.ceil(paramsLayout.size / 16) * 16, GPUBufferUsage.UNIFORM | DST);
    const dispatches = Math.ceil(shape.k / shape.d);
    const starts = offsetTable(dispatches, shape.align, (q) => q * shape.d);
    const stepOffsets = make('circuit dispatch offsets', starts.byteLength, GPUBufferUsage.UNIFORM, starts);
    const tab = make('circuit tables', 4 * words, S, fillTables(plan, offsets, words));
    const state = make('circuit state', f.state, S | SRC, Float32Array.from(plan.state0));
    const syn = make('circuit synapses', f.synapses, S, Float32Array.from(plan.syn0));
    const inp = make('circuit inputs', f.input, S);
    const rec = make('circuit records', f.records, S | SRC);
    const status = make('circuit status', f.status, S | SRC | DST);
    const readback = [0, 1].map((q) => make(`circuit readback ${q}`, f.readback / 2, GPUBufferUsage.MAP_READ | DST));

    const layout = device.createBindGroupLayout({ label: 'spikegpu circuit', entries: reflection.layoutEntries(0, new Set(['D'])) });
    const byName: Record<string, GPUBufferBinding> = {
      P: { buffer: params }, D: { buffer: stepOffsets, size: 16 }, tab: { buffer: tab }, state: { buffer: state },
      syn: { buffer: syn }, inp: { buffer: inp }, rec: { buffer: rec }, status: { buffer: status },
    };
    const bindGroup = device.createBindGroup({
      label: 'spikegpu circuit', layout,
      entries: reflection.bindings(0).map((b) => ({ binding: b.binding, resource: byName[b.name]! })),
    });
    const pipeline = await device.createComputePipelineAsync({
      label: 'spikegpu circuit',
      layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }),
      compute: {
        module: device.createShaderModule({ label: 'spikegpu circuit.wgsl', code }),
        entryPoint: 'main',
        constants: { WG: shape.wg },
      },
    });
    const seed = seedKey(plan.seed);
    const pack = (v: Record<string, number>) => packStruct(paramsLayout, {
      copies: B, n: N, m: M, per_group: shape.perGroup, dispatch_steps: shape.d, every: plan.every, probes: P,
      record_input: plan.recordInput ? 1 : 0, spike_capacity: shape.cap, freeze: plan.freeze ? 1 : 0, seed, dt: plan.dt,
      trace_off: 2 * shape.cap, ...offsets, ...v,
    });
    return new GpuCircuitBackend(plan, gpu, shape, pipeline, bindGroup, { buffer: params, pack }, { state, rec, status, readback, all });
  }

  private submit(t0: number, m: number, rb: GPUBuffer): void {
    const { device } = this.gpu;
    const { d, align, gx, gy, cap } = this.shape;
    const { first, count } = samplesIn(t0, m, this.plan.every);
    device.queue.writeBuffer(this.params.buffer, 0, this.params.pack({ base_step: t0, steps: m, sample0: first }));
    const enc = device.createCommandEncoder({ label: `spikegpu circuit steps ${t0}..${t0 + m}` });
    enc.clearBuffer(this.bufs.status, 0, STATUS_BYTES);
    const pass = enc.beginComputePass();
    pass.setPipeline(this.pipeline);
    for (let s = 0; s < m; s += d) {
      pass.setBindGroup(0, this.bindGroup, [(s / d) * align]);
      pass.dispatchWorkgroups(gx, gy);
    }
    pass.end();
    enc.copyBufferToBuffer(this.bufs.status, 0, rb, 0, STATUS_BYTES);
    if (cap > 0) enc.copyBufferToBuffer(this.bufs.rec, 0, rb, STATUS_BYTES, 8 * cap);
    const P = this.plan.probes.length;
    if (count * P > 0) enc.copyBufferToBuffer(this.bufs.rec, 8 * cap, rb, STATUS_BYTES + 8 * cap, 4 * count * P);
    const fail = failBytes(this.plan);
    if (fail > 0) enc.copyBufferToBuffer(this.bufs.status, STATUS_BYTES, rb, this.failOffset, fail);
    device.queue.submit([enc.finish()]);
  }

  private collect(rb: GPUBuffer, t0: number, m: number, sink: (chunk: CircuitChunk) => void): void {
    const { cap, groups } = this.shape;
    const P = this.plan.probes.length, n = this.plan.n;
    const { count } = samplesIn(t0, m, this.plan.every);
    const bytes = rb.getMappedRange();
    const status = new Uint32Array(bytes, 0, 5);
    let bad: Error | null = null;
    if (status[0]! > 0) bad = new NonFiniteStateError(status[2]! % n, status[1]!, this.plan.dt, Math.floor(status[2]! / n));
    else if (status[3] !== m * groups) {
      bad = cutShortError(status[3]!, m * groups, t0, m, 'Lower stepsPerDispatch.');
    } else if (status[4]! > cap) {
      bad = new Error(`${status[4]} spikes in steps ${t0}..${t0 + m} overflow the spike buffer (${cap} events per chunk): ` +
        'pass a larger spikeCapacity or a smaller stepsPerSubmit, or set record.spikes to false');
    }
    const spikes = new Uint32Array(bytes, STATUS_BYTES, 2 * Math.min(status[4]!, cap)).slice();
    const traces = new Float32Array(bytes, STATUS_BYTES + 8 * cap, count * P).slice();
    const failures: CopyFailure[] = [];
    if (this.plan.freeze) {
      const words = new Uint32Array(bytes, this.failOffset, 2 * this.plan.copies);
      for (let b = 0; b < this.plan.copies; b++) {
        if (words[2 * b] !== 0) failures.push({ copy: b, neuron: words[2 * b + 1]!, step: 0xffffffff - words[2 * b]! });
      }
    }
    rb.unmap();
    if (bad) throw bad;
    sink({ firstStep: t0, steps: m, spikes, samples: count, traces, failures });
  }

  async advance(steps: number, sink: (chunk: CircuitChunk) => void): Promise<void> {
    await this.guard.run(async () => {
      this.step = await runChunks(this.step, steps, {
        readback: this.bufs.readback,
        length: (step, remaining) => chunkLength(step, remaining, this.shape.k),
        submit: (t0, m, rb) => this.submit(t0, m, rb),
        collect: (rb, t0, m) => this.collect(rb, t0, m, sink),
        check: () => this.watch.check(),
      });
    });
  }

  async readState(): Promise<Float32Array> {
    const size = 16 * this.plan.copies * this.plan.n;
    return new Float32Array(await readBuffer(this.gpu.device, this.bufs.state, size, 'spikegpu circuit state readback'));
  }

  destroy(): void {
    if (this.guard.end()) releaseGpu(this.watch, this.bufs.all, this.gpu);
  }
}

