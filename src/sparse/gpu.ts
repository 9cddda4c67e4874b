// The GPU backend for sparse networks. A step is one update dispatch (every neuron) and one
// propagation dispatch per projection segment (only the rows of neurons that spiked); many steps
// go into one submit; spikes and rates come back once per chunk, double-buffered, from a records
// buffer of bounded size (an overflow is an error, never a silent loss).
import { NonFiniteStateError } from '../backends/backend';
import { GpuErrorWatch, type MakeBuffer, allocateScoped, readBuffer, runChunks } from '../gpu/chunks';
import { type GpuContext, type GpuOptions, GpuLimitError, type LimitRequest, acquireGpu } from '../gpu/device';
import { ShaderReflection, packStruct } from '../gpu/reflect';
import { SPARSE_NETWORK_WGSL, SPARSE_PROPAGATE_WGSL } from '../gpu/shaders';
import { formatBytes } from '../network/validate';
import { seedKey } from '../rng/philox';
import type { SparseBackend, SparseChunk } from './backend';
import { type GpuCsr, buildCsrGpu, grid, segmentWords, uploadCsr } from './build_gpu';
import { buildCsr } from './connectivity';
import { RECORD_HEADER, type SparsePlan, checkSparseMemory, fixedPointScales, recordWords, sparseFootprint } from './plan';

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
}

const UPDATE_WG = 256;
const PROPAGATE_GROUPS = 1024;
const STEP_ALIGN = 256;
const NEURON_KEY = 2 ** 26;

interface Job { bindGroup: GPUBindGroup; groups: number }

export class GpuSparseBackend implements SparseBackend {
  readonly kind = 'gpu';
  readonly adapter: string;
  private step = 0;
  private destroyed = false;
  private readonly watch: GpuErrorWatch;

  private constructor(
    readonly plan: SparsePlan,
    private readonly gpu: GpuContext,
    readonly maxInDegree: number[],
    readonly synapses: number[],
    readonly scales: number[],
    private readonly k: number,
    private readonly capacity: number,
    private readonly run: {
      update: GPUComputePipeline; propagate: GPUComputePipeline; netGroup: GPUBindGroup; stepGroup: GPUBindGroup;
      jobs: Job[]; stepTable: GPUBuffer; state: GPUBuffer; records: GPUBuffer; readback: GPUBuffer[]; all: GPUBuffer[];
    },
  ) {
    this.adapter = gpu.adapterName;
    this.watch = new GpuErrorWatch(gpu.device);
  }

  static async create(plan: SparsePlan, options: SparseGpuOptions = {}): Promise<GpuSparseBackend> {
    const k = options.stepsPerSubmit ?? 250;
    if (!Number.isInteger(k) || k < 1 || k > 4096) throw new RangeError(`stepsPerSubmit must be an integer in [1, 4096], got ${k}`);
    const capacity = plan.recordSpikes ? (options.spikeCapacity ?? Math.min(plan.n * k, 1 << 22)) : 0;
    const footprint = sparseFootprint(plan, k, capacity);
    const unsplit = Math.max(footprint.accumulators, footprint.state, footprint.spikeLists, 4 * recordWords(plan, k, capacity));
    const needs = (limits: GPUSupportedLimits): LimitRequest => {
      checkSparseMemory(plan, footprint, options.memoryLimit ?? limits.maxBufferSize,
        options.memoryLimit === undefined ? `the adapter's maxBufferSize (pass memoryLimit for the device's real memory)` : 'memoryLimit');
      if (unsplit > limits.maxStorageBufferBindingSize) {
        throw new GpuLimitError(`this network needs one buffer of ${formatBytes(unsplit)} (state or accumulators of ${plan.n} neurons); ` +
          `the adapter's maxStorageBufferBindingSize is ${formatBytes(limits.maxStorageBufferBindingSize)}`);
      }
      // Synapses split over buffers: ask for the largest binding the adapter has when they need it.
      const binding = Math.min(limits.maxStorageBufferBindingSize, Math.max(unsplit, footprint.synapses, 128 << 20));
      return {
        maxStorageBufferBindingSize: binding,
        maxBufferSize: Math.min(limits.maxBufferSize, Math.max(binding, 256 << 20)),
        maxStorageBuffersPerShaderStage: 6,
        maxComputeInvocationsPerWorkgroup: UPDATE_WG,
        maxComputeWorkgroupSizeX: UPDATE_WG,
      };
    };
    const gpu = await acquireGpu(needs, options);
    try {
      return await GpuSparseBackend.build(plan, gpu, k, capacity, options);
    } catch (e) {
      gpu.destroy();
      throw e;
    }
  }

  private static async build(plan: SparsePlan, gpu: GpuContext, k: number, capacity: number, options: SparseGpuOptions): Promise<GpuSparseBackend> {
    const { device } = gpu;
    const maxWords = Math.min(segmentWords(device.limits), options.maxSegmentWords ?? Infinity);
    const words = recordWords(plan, k, capacity);
    const { value, buffers } = await allocateScoped(device, async (make: MakeBuffer) => {
      const S = GPUBufferUsage.STORAGE, C = GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
      // Connectivity first (GPU builds; lists on the host, uploaded once the scales are known).
      const gpuCsr: (GpuCsr | null)[] = [];
      const hostCsr = plan.projections.map((p) => (p.build.connect.rule === 'list' ? buildCsr(p.build) : null));
      for (const [q, p] of plan.projections.entries()) gpuCsr.push(hostCsr[q] ? null : await buildCsrGpu(device, make, p.build, maxWords));
      const maxInDegree = plan.projections.map((_, q) => gpuCsr[q]?.maxInDegree ?? hostCsr[q]!.maxInDegree);
      const { scales, weights } = fixedPointScales(plan, maxInDegree);
      const csr = plan.projections.map((p, q) => {
        const host = hostCsr[q];
        if (!host) return gpuCsr[q]!;
        const list = p.weight.list;
        const s = scales[p.target]!;
        const words = list ? Uint32Array.from(host.words!, (idx) => Math.round(list[idx]! * s) >>> 0) : null;
        return uploadCsr(make, { ...host, words }, maxWords);
      });

      const stateWords = plan.state0.length + plan.coef.length;
      const stateInit = new Float32Array(stateWords);
      stateInit.set(plan.state0);
      stateInit.set(plan.coef, plan.state0.length);
      const state = make('sparse state', 4 * stateWords, S | C, stateInit);
      const refractory = make('sparse refractory', 4 * plan.n, S | C);
      const acc = make('sparse accumulators', 4 * plan.ring * plan.targets * plan.n, S | C);
      const spikes = make('sparse spike lists', 4 * (2 + 2 * plan.n), S | C);
      const records = make('sparse records', 4 * words, S | C);
      const readback = [0, 1].map((r) => make(`sparse readback ${r}`, 4 * words, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST));
      const stepTable = make('sparse step table', STEP_ALIGN * k, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);

      const netR = new ShaderReflection(SPARSE_NETWORK_WGSL), propR = new ShaderReflection(SPARSE_PROPAGATE_WGSL);
      const popStart = new Uint32Array(32);
      plan.ranges.forEach((r, q) => { popStart[q] = r.start; });
      const c = plan.cobahh;
      const netStruct = netR.struct('NetParams');
      const paramBytes = packStruct(netStruct, {
        n: plan.n, ring: plan.ring, targets: plan.targets, pops: plan.ranges.length, seed: seedKey(plan.seed), dt: plan.dt,
        record_spikes: plan.recordSpikes ? 1 : 0, record_rates: plan.recordRates ? 1 : 0, capacity,
        pairs_base: RECORD_HEADER + (plan.recordRates ? k * plan.ranges.length : 0),
        refractory_steps: plan.constants.refractorySteps,
        threshold: plan.model === 'cobahh' ? c.threshold : 30,
        inv_scale: [0, 1, 2, 3].map((t) => 1 / (scales[t] ?? 1)),
      });
      // The array and the nested struct, at their reflected offsets.
      new Uint32Array(paramBytes, netStruct.fields.pop_start!.offset, 32).set(popStart);
      new Uint8Array(paramBytes).set(new Uint8Array(packStruct(netR.struct('CobahhParams'), {
        cm: c.cm, gl: c.gl, gna: c.gna, gk: c.gk, el: c.el, ek: c.ek, ena: c.ena, vt: c.vt, ee: c.ee, ei: c.ei,
        decay_e: plan.constants.decayE, decay_i: plan.constants.decayI,
      })), netStruct.fields.cob!.offset);
      const netParams = make('sparse params', paramBytes.byteLength, GPUBufferUsage.UNIFORM, paramBytes);

      const stepLayout = device.createBindGroupLayout({ entries: netR.layoutEntries(1, new Set(['S'])) });
      const netLayout = device.createBindGroupLayout({ entries: netR.layoutEntries(0) });
      const propLayout = device.createBindGroupLayout({ entries: propR.layoutEntries(0) });
      const [update, propagate] = await Promise.all([
        device.createComputePipelineAsync({
          label: 'spikegpu sparse update',
          layout: device.createPipelineLayout({ bindGroupLayouts: [netLayout, stepLayout] }),
          compute: { module: device.createShaderModule({ code: SPARSE_NETWORK_WGSL }), entryPoint: 'update', constants: { MODEL: plan.model === 'cobahh' ? 0 : 1, WG: UPDATE_WG } },
        }),
        device.createComputePipelineAsync({
          label: 'spikegpu sparse propagate',
          layout: device.createPipelineLayout({ bindGroupLayouts: [propLayout, stepLayout] }),
          compute: { module: device.createShaderModule({ code: SPARSE_PROPAGATE_WGSL }), entryPoint: 'propagate' },
        }),
      ]);
      const bind = (layout: GPUBindGroupLayout, list: GPUBuffer[]) =>
        device.createBindGroup({ layout, entries: list.map((buffer, binding) => ({ binding, resource: { buffer } })) });
      const netGroup = bind(netLayout, [netParams, state, refractory, acc, spikes, records]);
      const stepGroup = device.createBindGroup({ layout: stepLayout, entries: [{ binding: 0, resource: { buffer: stepTable, size: 8 } }] });
      const placeholder = make('sparse placeholder', 16, S);
      const jobs: Job[] = [];
      const jobStruct = propR.struct('Job');
      plan.projections.forEach((p, q) => {
        const w = weights[q]!;
        const groups = Math.max(1, Math.min(PROPAGATE_GROUPS, p.pre.size));
        for (const seg of csr[q]!.segments) {
          if (seg.count === 0) continue;
          const bytes = packStruct(jobStruct, {
            n: plan.n, ring: plan.ring, targets: plan.targets, target_var: p.target, pre_start: p.pre.start, post_start: p.post.start,
            row0: seg.row0, row1: seg.row1, seg_base: seg.first, delay: p.delay, mode: w.mode, constant: w.constant, low: w.low,
            span: w.span >>> 0, groups,
          });
          const job = make(`sparse job ${q} rows ${seg.row0}..${seg.row1}`, bytes.byteLength, GPUBufferUsage.UNIFORM, bytes);
          jobs.push({ bindGroup: bind(propLayout, [job, csr[q]!.rowStartBuffer, seg.targets, seg.words ?? placeholder, spikes, acc]), groups });
        }
      });
      return {
        maxInDegree, synapses: csr.map((g) => g.synapses), scales,
        run: { update, propagate, netGroup, stepGroup, jobs, stepTable, state, records, readback },
      };
    });
    return new GpuSparseBackend(plan, gpu, value.maxInDegree, value.synapses, value.scales, k, capacity, { ...value.run, all: buffers });
  }

  async advance(steps: number, sink: (c: SparseChunk) => void): Promise<void> {
    const { device } = this.gpu;
    const r = this.run;
    const plan = this.plan;
    const pops = plan.ranges.length;
    const words = recordWords(plan, this.k, this.capacity);
    const [gx, gy] = grid(Math.ceil(plan.n / UPDATE_WG));
    const table = new Uint32Array((STEP_ALIGN / 4) * this.k);
    this.step = await runChunks(this.step, steps, {
      readback: r.readback,
      length: (_step, remaining) => Math.min(remaining, this.k),
      submit: (t0, m, rb) => {
        for (let q = 0; q < m; q++) { table[(q * STEP_ALIGN) / 4] = t0 + q; table[(q * STEP_ALIGN) / 4 + 1] = q; }
        device.queue.writeBuffer(r.stepTable, 0, table, 0, (m * STEP_ALIGN) / 4);
        const enc = device.createCommandEncoder();
        enc.clearBuffer(r.records, 0, 4 * words);
        const pass = enc.beginComputePass();
        for (let q = 0; q < m; q++) {
          pass.setPipeline(r.update);
          pass.setBindGroup(0, r.netGroup);
          pass.setBindGroup(1, r.stepGroup, [q * STEP_ALIGN]);
          pass.dispatchWorkgroups(gx, gy);
          if (r.jobs.length) pass.setPipeline(r.propagate);
          for (const job of r.jobs) {
            pass.setBindGroup(0, job.bindGroup);
            pass.setBindGroup(1, r.stepGroup, [q * STEP_ALIGN]);
            pass.dispatchWorkgroups(job.groups);
          }
        }
        pass.end();
        enc.copyBufferToBuffer(r.records, 0, rb, 0, 4 * words);
        device.queue.submit([enc.finish()]);
      },
      collect: (rb, t0, m) => {
        const rec = new Uint32Array(rb.getMappedRange());
        const bad = rec[1]!, count = rec[0]!;
        const badStep = rec[2]!, badNeuron = rec[3]!;
        const rates = plan.recordRates ? rec.slice(RECORD_HEADER, RECORD_HEADER + m * pops) : null;
        const base = RECORD_HEADER + (plan.recordRates ? this.k * pops : 0);
        const pairs = plan.recordSpikes ? rec.slice(base, base + 2 * Math.min(count, this.capacity)) : new Uint32Array(0);
        rb.unmap();
        if (bad > 0) throw new NonFiniteStateError(badNeuron, badStep, plan.dt);
        if (count > this.capacity) {
          throw new Error(`${count} spikes in steps ${t0}..${t0 + m}, more than the ${this.capacity} one chunk records: ` +
            `pass a larger spikeCapacity or fewer stepsPerSubmit, or switch spike recording off`);
        }
        sink({ firstStep: t0, steps: m, ...sortPairs(pairs), rates });
      },
      check: () => this.watch.check(),
    });
  }

  async readState(): Promise<Float32Array> {
    const words = this.plan.state0.length;
    return new Float32Array(await readBuffer(this.gpu.device, this.run.state, 4 * words, 'spikegpu sparse state'));
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.watch.detach();
    for (const b of this.run.all) b.destroy();
    this.gpu.destroy();
  }
}

/** (step, neuron) pairs in the order the GPU appended them → sorted by step, then neuron. */
function sortPairs(pairs: Uint32Array): { spikeSteps: Int32Array; spikeNeurons: Int32Array } {
  const n = pairs.length / 2;
  const keys = new Float64Array(n);
  // Neurons < 2²⁶ (MAX_NEURONS) and steps < 2²⁷: the key is an exact integer below 2⁵³.
  for (let k = 0; k < n; k++) keys[k] = pairs[2 * k]! * NEURON_KEY + pairs[2 * k + 1]!;
  keys.sort();
  const spikeSteps = new Int32Array(n), spikeNeurons = new Int32Array(n);
  for (let k = 0; k < n; k++) { spikeSteps[k] = Math.floor(keys[k]! / NEURON_KEY); spikeNeurons[k] = keys[k]! % NEURON_KEY; }
  return { spikeSteps, spikeNeurons };
}
