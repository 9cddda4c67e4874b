// The GPU backend: executes a plan with shaders/pulse_network.wgsl. Many steps are encoded per
// submit; spikes and traces stay in GPU rings and come back once per chunk, double-buffered.
import { type Backend, type Chunk, type SpikeTap, NonFiniteStateError, RunGuard, chunkLength, maskWords } from './backend';
import { NO_TRACE, type Plan, compilePlan, neuronCount } from '../network/plan';
import type { NetworkDescription } from '../network/description';
import { NetworkValidationError, assertValidNetwork, checkDenseFits, formatBytes } from '../network/validate';
import { type GpuContext, type GpuOptions, type LimitRequest, acquireGpu } from '../gpu/device';
import { ShaderReflection, packStruct, packStructArray } from '../gpu/reflect';
import { pulseNetworkWgsl } from '../gpu/shaders';
import { izhikevichWgsl } from './izhikevich_code';
import {
  GpuErrorWatch, type MakeBuffer, allocateScoped, checkCountOptions, cutShortError, offsetTable, readBuffer, releaseGpu, runChunks,
} from '../gpu/chunks';
import { seedKey } from '../rng/philox';

export type Launch = 'auto' | 'one-workgroup' | 'per-step';

export interface GpuBackendOptions extends GpuOptions {
  /** Steps encoded into one submit (and read back as one chunk). */
  stepsPerSubmit?: number;
  /** One workgroup looping over steps, or one dispatch per step; 'auto' picks by network size. */
  launch?: Launch;
  /** Invocations per workgroup; by default 1024 (one workgroup) or 128 (per step), capped by the adapter. */
  workgroupSize?: number;
  /**
   * Steps one dispatch loops over in the one-workgroup shape. Long dispatches get cut short by
   * drivers (llvmpipe stops a shader after 65535 loop iterations; desktop drivers reset the GPU
   * after ~2 s); a cut-short dispatch is detected and reported, never passed off as a result.
   */
  stepsPerDispatch?: number;
}

/** Networks up to this size run as one workgroup looping over the steps of a chunk. */
export const ONE_WORKGROUP_MAX_NEURONS = 4096;
const STEPS_PER_DISPATCH = 100;
/** llvmpipe's loop limiter counts across a dispatch: keep software dispatches short. */
const SOFTWARE_STEPS_PER_DISPATCH = 10;
const PER_STEP_WG = 128;
const STORAGE_BUFFERS = 7;

/** Bytes each GPU buffer of a network needs; known from its size alone, before any allocation. */
export function gpuFootprint(n: number, coupled: boolean, traced: number, stepsPerSubmit: number) {
  const ring = 2 * stepsPerSubmit, words = maskWords(n);
  return {
    weights: coupled ? 4 * n * n : 4,
    coef: 16 * n,
    inputs: 32 * n,
    state: 8 * n,
    raster: 4 * ring * words,
    traces: Math.max(16, 12 * ring * traced),
    readback: 2 * (16 + 4 * stepsPerSubmit * words + 12 * stepsPerSubmit * traced),
  };
}

function needsFor(n: number, coupled: boolean, traced: number, k: number, wg: number, groups: number): LimitRequest {
  const f = gpuFootprint(n, coupled, traced, k);
  const largest = Math.max(f.weights, f.coef, f.inputs, f.state, f.raster, f.traces);
  return {
    maxStorageBufferBindingSize: largest,
    maxBufferSize: Math.max(largest, f.readback / 2),
    maxComputeInvocationsPerWorkgroup: wg,
    maxComputeWorkgroupSizeX: wg,
    maxComputeWorkgroupStorageSize: 8 * maskWords(n),
    maxComputeWorkgroupsPerDimension: groups,
    maxStorageBuffersPerShaderStage: STORAGE_BUFFERS,
  };
}

/** Refuses, naming the field, a network whose buffers exceed what the adapter allows. */
function checkFits(n: number, coupled: boolean, traced: number, k: number, limits: GPUSupportedLimits): void {
  const f = gpuFootprint(n, coupled, traced, k);
  const cap = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  const allows = `this device allows ${formatBytes(cap)} (maxStorageBufferBindingSize/maxBufferSize) in one buffer`;
  if (coupled) checkDenseFits(n, cap, allows);
  const fail = (path: string, what: string, bytes: number) => {
    throw new NetworkValidationError([{ path, message: `${what} need ${formatBytes(bytes)}; ${allows}` }]);
  };
  if (Math.max(f.coef, f.inputs, f.state, f.raster) > cap) fail('populations', `${n} neurons`, Math.max(f.coef, f.inputs, f.state, f.raster));
  if (f.traces > cap) fail('record.traces', `${traced} traced neurons`, f.traces);
}

/** How the kernel is launched: workgroups per dispatch, invocations each, steps per dispatch. */
interface LaunchShape { groups: number; wg: number; k: number; stepsPerDispatch: number }

export class GpuBackend implements Backend {
  readonly kind = 'gpu';
  readonly adapter: string;
  private readonly buffers: GPUBuffer[] = [];
  private step = 0;
  private readonly guard = new RunGuard();
  private readonly watch: GpuErrorWatch;
  private readonly taps = new Set<SpikeTap>();

  private constructor(
    readonly plan: Plan,
    private readonly gpu: GpuContext,
    private readonly pipeline: GPUComputePipeline,
    private readonly bindGroup: GPUBindGroup,
    private readonly params: { buffer: GPUBuffer; pack: (v: Record<string, number | number[]>) => ArrayBuffer },
    private readonly rings: { raster: GPUBuffer; traces: GPUBuffer; status: GPUBuffer; state: GPUBuffer },
    private readonly readback: GPUBuffer[],
    private readonly shape: LaunchShape & { offsetAlign: number },
    buffers: GPUBuffer[],
  ) {
    this.adapter = gpu.adapterName;
    this.buffers = buffers;
    this.watch = new GpuErrorWatch(gpu.device);
  }

  /**
   * Sizes the network from its description, checks it against the adapter, and only then
   * compiles the plan (which builds the dense S) and allocates.
   */
  static async create(desc: NetworkDescription, options: GpuBackendOptions = {}): Promise<GpuBackend> {
    assertValidNetwork(desc);
    const n = neuronCount(desc), coupled = desc.connectivity !== undefined, traced = desc.record?.traces?.length ?? 0;
    const launch = options.launch ?? 'auto';
    // One workgroup looping over steps pays off on hardware; on a software adapter (llvmpipe)
    // it is no faster and runs into the loop limiter, so 'auto' launches per step there.
    const oneWorkgroupFor = (software: boolean) =>
      launch === 'one-workgroup' || (launch === 'auto' && !software && n <= ONE_WORKGROUP_MAX_NEURONS);
    const k = options.stepsPerSubmit ?? 250;
    checkCountOptions({ stepsPerSubmit: k, stepsPerDispatch: options.stepsPerDispatch, workgroupSize: options.workgroupSize }, 100000);
    let shape: LaunchShape = { groups: 1, wg: 0, k, stepsPerDispatch: 1 };
    const gpu = await acquireGpu((limits, software) => {
      checkFits(n, coupled, traced, k, limits);
      const oneWorkgroup = oneWorkgroupFor(software);
      const maxWg = Math.min(limits.maxComputeInvocationsPerWorkgroup, limits.maxComputeWorkgroupSizeX);
      let wg = Math.min(options.workgroupSize ?? (oneWorkgroup ? 1024 : PER_STEP_WG), maxWg);
      if (oneWorkgroup) wg = Math.min(wg, Math.max(32, Math.ceil(n / 32) * 32));
      const groups = oneWorkgroup ? 1 : Math.ceil(n / wg);
      const d = oneWorkgroup ? (options.stepsPerDispatch ?? (software ? SOFTWARE_STEPS_PER_DISPATCH : STEPS_PER_DISPATCH)) : 1;
      shape = { groups, wg, k, stepsPerDispatch: Math.min(d, k) };
      return needsFor(n, coupled, traced, k, wg, groups);
    }, options);
    try {
      return await GpuBackend.build(compilePlan(desc), gpu, shape);
    } catch (e) {
      gpu.destroy();
      throw e;
    }
  }

  private static async build(
    plan: Plan, gpu: GpuContext, shape: LaunchShape,
  ): Promise<GpuBackend> {
    const code = pulseNetworkWgsl(izhikevichWgsl(plan.scheme));
    const reflection = new ShaderReflection(code);
    const { value } = await allocateScoped(gpu.device, (make, buffers) => GpuBackend.allocate(plan, gpu, shape, code, reflection, make, buffers));
    return value;
  }

  /** Creates the buffers, bind group and pipeline (inside build's error scopes). */
  private static async allocate(
    plan: Plan, gpu: GpuContext, shape: LaunchShape, code: string, reflection: ShaderReflection, make: MakeBuffer, buffers: GPUBuffer[],
  ): Promise<GpuBackend> {
    const { device } = gpu;
    const n = plan.n, words = maskWords(n), T = plan.traced.length, k = shape.k, ring = 2 * k;
    const S = GPUBufferUsage.STORAGE, SRC = GPUBufferUsage.COPY_SRC, DST = GPUBufferUsage.COPY_DST;
    const paramsLayout = reflection.struct('Params');
    const params = make('params', Math.ceil(paramsLayout.size / 16) * 16, GPUBufferUsage.UNIFORM | DST);
    const align = device.limits.minUniformBufferOffsetAlignment;
    const offsets = offsetTable(k, align, (s) => s);
    const stepOffsets = make('step offsets', offsets.byteLength, GPUBufferUsage.UNIFORM, offsets);
    const coef = make('coef', 16 * n, S, Float32Array.from(plan.coef));
    const inputLayout = reflection.struct('NeuronInput');
    const slotOf = new Uint32Array(n).fill(NO_TRACE);
    plan.traced.forEach((i, s) => { slotOf[i] = s; });
    const inputs = make('inputs', inputLayout.size * n, S, packStructArray(inputLayout, n, (i) => ({
      sigma: plan.sigma[i]!, amp: plan.amp[i]!, on: plan.on[i]!, off: plan.off[i]!,
      threshold: plan.threshold[i]!, trace_slot: slotOf[i]!,
    })));
    const weights = make('weights', plan.weightsT ? plan.weightsT.byteLength : 4, S, plan.weightsT ?? new Float32Array(1));
    const stateInit = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) { stateInit[2 * i] = plan.v0[i]!; stateInit[2 * i + 1] = plan.u0[i]!; }
    const state = make('state', 8 * n, S | SRC, stateInit);
    const raster = make('raster ring', 4 * ring * words, S | SRC | DST);
    const traces = make('trace ring', 12 * ring * T, S | SRC);
    const status = make('status', 16, S | SRC | DST);
    const rbSize = 16 + 4 * k * words + 12 * k * T;
    const readback = [0, 1].map((s) => make(`readback ${s}`, rbSize, GPUBufferUsage.MAP_READ | DST));

    const layout = device.createBindGroupLayout({
      label: 'spikegpu pulse network',
      entries: reflection.layoutEntries(0, new Set(['step_offset'])),
    });
    const byName: Record<string, GPUBufferBinding> = {
      P: { buffer: params }, step_offset: { buffer: stepOffsets, size: 16 }, coef: { buffer: coef },
      inputs: { buffer: inputs }, weights: { buffer: weights }, state: { buffer: state },
      raster: { buffer: raster }, traces: { buffer: traces }, status: { buffer: status },
    };
    const bindGroup = device.createBindGroup({
      label: 'spikegpu pulse network',
      layout,
      entries: reflection.bindings(0).map((b) => {
        const resource = byName[b.name];
        if (!resource) throw new Error(`no buffer for WGSL binding ${b.name}`);
        return { binding: b.binding, resource };
      }),
    });
    const module = device.createShaderModule({ label: 'spikegpu pulse_network.wgsl', code });
    const pipeline = await device.createComputePipelineAsync({
      label: 'spikegpu pulse network',
      layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }),
      compute: {
        module,
        entryPoint: 'main',
        constants: { WG: shape.wg, MAX_WORDS: words },
      },
    });
    const seed = seedKey(plan.seed);
    const pack = (v: Record<string, number | number[]>) => packStruct(paramsLayout, {
      n, words, ring, traced: T, seed, dt: plan.dt, coupled: plan.weightsT ? 1 : 0, ...v,
    });
    return new GpuBackend(plan, gpu, pipeline, bindGroup, { buffer: params, pack }, { raster, traces, status, state },
      readback, { ...shape, offsetAlign: align }, buffers);
  }

  /** Encodes and submits steps [t0, t0 + m) and the copy of their recordings into `rb`. */
  private submitChunk(t0: number, m: number, rb: GPUBuffer): void {
    const { device } = this.gpu;
    const words = maskWords(this.plan.n), T = this.plan.traced.length, ring = 2 * this.shape.k;
    const slot0 = t0 % ring;
    const d = this.shape.stepsPerDispatch;
    device.queue.writeBuffer(this.params.buffer, 0, this.params.pack({ base_step: t0, steps: m, dispatch_steps: d }));
    const enc = device.createCommandEncoder({ label: `spikegpu steps ${t0}..${t0 + m}` });
    enc.clearBuffer(this.rings.raster, 4 * slot0 * words, 4 * m * words);
    enc.clearBuffer(this.rings.status);
    const pass = enc.beginComputePass();
    pass.setPipeline(this.pipeline);
    for (let s = 0; s < m; s += d) {
      pass.setBindGroup(0, this.bindGroup, [s * this.shape.offsetAlign]);
      pass.dispatchWorkgroups(this.shape.groups);
    }
    pass.end();
    for (const tap of this.taps) tap.encode(enc, { buffer: this.rings.raster, offset: 4 * slot0 * words, firstStep: t0, steps: m, words });
    enc.copyBufferToBuffer(this.rings.status, 0, rb, 0, 16);
    enc.copyBufferToBuffer(this.rings.raster, 4 * slot0 * words, rb, 16, 4 * m * words);
    if (T > 0) enc.copyBufferToBuffer(this.rings.traces, 12 * slot0 * T, rb, 16 + 4 * m * words, 12 * m * T);
    device.queue.submit([enc.finish()]);
  }

  /** Reads the mapped `rb` holding steps [t0, t0 + m). */
  private collect(rb: GPUBuffer, t0: number, m: number): Chunk {
    const words = maskWords(this.plan.n), T = this.plan.traced.length;
    const bytes = rb.getMappedRange(0, 16 + 4 * m * words + 12 * m * T);
    const status = new Uint32Array(bytes, 0, 4);
    const expected = m * this.shape.groups;
    const bad = status[0]! > 0
      ? new NonFiniteStateError(status[2]!, status[1]!, this.plan.dt)
      : status[3] !== expected
        ? cutShortError(status[3]!, expected, t0, m, 'Lower stepsPerDispatch or use launch: \'per-step\'.')
        : null;
    const raster = this.plan.recordSpikes ? new Uint32Array(bytes, 16, m * words).slice() : null;
    const traces = new Float32Array(bytes, 16 + 4 * m * words, m * T * 3).slice();
    rb.unmap();
    if (bad) throw bad;
    return { firstStep: t0, steps: m, raster, traces };
  }

  async advance(steps: number, sink: (chunk: Chunk) => void): Promise<void> {
    await this.guard.run(async () => {
      this.step = await runChunks(this.step, steps, {
        readback: this.readback,
        length: (step, remaining) => chunkLength(step, remaining, this.shape.k),
        submit: (t0, m, rb) => this.submitChunk(t0, m, rb),
        collect: (rb, t0, m) => sink(this.collect(rb, t0, m)),
        check: () => this.watch.check(),
      });
    });
  }

  get device(): GPUDevice { return this.gpu.device; }

  addSpikeTap(tap: SpikeTap): () => void {
    this.taps.add(tap);
    return () => { this.taps.delete(tap); };
  }

  async readState() {
    const n = this.plan.n;
    const vu = new Float32Array(await readBuffer(this.gpu.device, this.rings.state, 8 * n, 'spikegpu state readback'));
    const v = new Float32Array(n), u = new Float32Array(n);
    for (let i = 0; i < n; i++) { v[i] = vu[2 * i]!; u[i] = vu[2 * i + 1]!; }
    return { v, u };
  }

  destroy(): void {
    if (this.guard.end()) releaseGpu(this.watch, this.buffers, this.gpu);
  }
}
