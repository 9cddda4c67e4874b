// Builds a projection's CSR on the GPU with shaders/connectivity.wgsl (10⁹ synapses are too many
// to draw on the host). Row lengths are counted on the GPU and read back (4 bytes per pre neuron)
// so the host can lay rows out and split them over buffers no larger than one binding.
import { type MakeBuffer, readBuffer } from '../gpu/chunks';
import { ShaderReflection, packStruct } from '../gpu/reflect';
import { CONNECTIVITY_WGSL } from '../gpu/shaders';
import { seedKey } from '../rng/philox';
import { BLOCK, type BuildSpec, binomialThresholds, buildCsr, rowStarts } from './connectivity';

/** Whole rows [row0, row1) holding synapses first .. first + count − 1, in one buffer each. */
export interface SegmentRange { row0: number; row1: number; first: number; count: number }

export interface Segment extends SegmentRange {
  targets: GPUBuffer;
  /** Raw weight words (random weights) or quantised weights (lists); null for one weight. */
  words: GPUBuffer | null;
}

/** A projection's connectivity on the GPU. */
export interface GpuCsr {
  nPre: number;
  nPost: number;
  synapses: number;
  maxInDegree: number;
  /** Row starts on the host (nPre + 1), used to plan segments and by the tests. */
  rowStart: Uint32Array;
  rowStartBuffer: GPUBuffer;
  segments: Segment[];
}

/**
 * Splits rows over segments of at most `maxWords` synapses each, whole rows only; throws when
 * one row alone is larger (it could not be bound).
 */
export function planSegments(rowStart: Uint32Array, maxWords: number): SegmentRange[] {
  const nRows = rowStart.length - 1;
  const out: SegmentRange[] = [];
  let row0 = 0;
  while (row0 < nRows) {
    const first = rowStart[row0]!;
    let row1 = row0;
    while (row1 < nRows && rowStart[row1 + 1]! - first <= maxWords) row1++;
    if (row1 === row0) {
      throw new RangeError(`row ${row0} holds ${rowStart[row0 + 1]! - first} synapses, more than one binding holds (${maxWords})`);
    }
    out.push({ row0, row1, first, count: rowStart[row1]! - first });
    row0 = row1;
  }
  if (out.length === 0) out.push({ row0: 0, row1: nRows, first: 0, count: 0 });
  return out;
}

/** Words a synapse buffer of one binding may hold: the binding and buffer limits, in u32. */
export function segmentWords(limits: GPUSupportedLimits, cap = Infinity): number {
  return Math.floor(Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize, cap) / 4);
}

const USAGE = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

/** A 2-D grid for `groups` workgroups (each dimension ≤ 65535). */
export function grid(groups: number): [number, number] {
  const x = Math.max(1, Math.min(groups, 65535));
  return [x, Math.max(1, Math.ceil(groups / x))];
}

class Builder {
  private readonly layout: GPUBindGroupLayout;
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly module: GPUShaderModule;
  private readonly reflect = new ShaderReflection(CONNECTIVITY_WGSL);
  private readonly params: GPUBuffer;
  private readonly temps: GPUBuffer[] = [];

  constructor(private readonly device: GPUDevice, private readonly make: MakeBuffer) {
    this.layout = device.createBindGroupLayout({ entries: this.reflect.layoutEntries(0) });
    this.module = device.createShaderModule({ code: CONNECTIVITY_WGSL, label: 'spikegpu connectivity' });
    this.params = this.temp('build params', this.reflect.struct('BuildParams').size, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
  }

  temp(label: string, size: number, usage: number = USAGE(), data?: ArrayBufferView): GPUBuffer {
    const b = this.make(label, size, usage, data);
    this.temps.push(b);
    return b;
  }

  pipeline(entry: string): GPUComputePipeline {
    let p = this.pipelines.get(entry);
    if (!p) {
      p = this.device.createComputePipeline({
        label: `spikegpu ${entry}`,
        layout: this.device.createPipelineLayout({ bindGroupLayouts: [this.layout] }),
        compute: { module: this.module, entryPoint: entry },
      });
      this.pipelines.set(entry, p);
    }
    return p;
  }

  /** Runs one entry point over `groups` workgroups with the given buffers bound. */
  run(entry: string, groups: number, values: Record<string, number | readonly number[]>, bind: GPUBuffer[]): void {
    const [gx, gy] = grid(groups);
    this.device.queue.writeBuffer(this.params, 0, packStruct(this.reflect.struct('BuildParams'), { ...values, groups_x: gx }));
    const bg = this.device.createBindGroup({
      layout: this.layout,
      entries: [this.params, ...bind].map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    const enc = this.device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(this.pipeline(entry));
    pass.setBindGroup(0, bg);
    pass.dispatchWorkgroups(gx, gy);
    pass.end();
    this.device.queue.submit([enc.finish()]);
  }

  destroyTemps(): void {
    for (const b of this.temps) b.destroy();
  }
}

/**
 * Builds one projection on the GPU (lists are built on the host and uploaded). `maxSegmentWords`
 * caps the synapses of one buffer (segmentWords of the device's limits; tests pass less).
 */
export async function buildCsrGpu(device: GPUDevice, make: MakeBuffer, s: BuildSpec, maxSegmentWords: number): Promise<GpuCsr> {
  if (s.connect.rule === 'list') return uploadCsr(make, buildCsr(s), maxSegmentWords);
  const c = s.connect;
  const b = new Builder(device, make);
  try {
    const base = {
      n_pre: s.nPre, n_post: s.nPost, k: c.rule === 'fixed-probability' ? 0 : c.k, stream: s.stream,
      seed: seedKey(s.seed), no_self: s.noSelf ? 1 : 0, random_weights: s.randomWeights ? 1 : 0,
      row0: 0, row1: s.nPre, seg_base: 0,
    };
    const cdf = new Uint32Array(64);
    if (c.rule === 'fixed-probability') {
      cdf.set(binomialThresholds(BLOCK, c.p), 0);
      cdf.set(binomialThresholds(s.nPost % BLOCK || BLOCK, c.p), 32);
    }
    const cdfBuf = b.temp('build cdf', 256, GPUBufferUsage.STORAGE, cdf);
    const cursor = b.temp('build cursor', 4 * (c.rule === 'fixed-in-degree' ? s.nPre : 1));
    const indeg = b.temp('build in-degree', 4 * (1 + s.nPost));
    const dummy = b.temp('build placeholder', 16), dummy2 = b.temp('build placeholder 2', 16);

    // Row lengths.
    let rowLen: Uint32Array;
    if (c.rule === 'fixed-out-degree') {
      rowLen = new Uint32Array(s.nPre).fill(c.k);
    } else {
      const lens = b.temp('build row lengths', 4 * s.nPre);
      if (c.rule === 'fixed-probability') b.run('probability_count', s.nPre, base, [cdfBuf, lens, cursor, dummy, dummy2, indeg]);
      else b.run('in_degree_count', Math.ceil((s.nPost * c.k) / 256), base, [cdfBuf, lens, cursor, dummy, dummy2, indeg]);
      rowLen = new Uint32Array(await readBuffer(device, lens, 4 * s.nPre, 'spikegpu row lengths'));
    }
    const rowStart = rowStarts(rowLen);
    const rowStartBuffer = make('row starts', 4 * rowStart.length, USAGE(), rowStart);
    const segments: Segment[] = [];
    for (const seg of planSegments(rowStart, maxSegmentWords)) {
      const targets = make(`targets rows ${seg.row0}..${seg.row1}`, 4 * seg.count, USAGE());
      const words = s.randomWeights ? make(`weight words rows ${seg.row0}..${seg.row1}`, 4 * seg.count, USAGE()) : null;
      segments.push({ ...seg, targets, words });
      if (seg.count === 0) continue;
      const values = { ...base, row0: seg.row0, row1: seg.row1, seg_base: seg.first };
      const bind = [cdfBuf, rowStartBuffer, cursor, targets, words ?? dummy2, indeg];
      if (c.rule === 'fixed-probability') b.run('probability_fill', seg.row1 - seg.row0, values, bind);
      else if (c.rule === 'fixed-out-degree') b.run('out_degree_fill', Math.ceil(((seg.row1 - seg.row0) * c.k) / 256), values, bind);
      else b.run('in_degree_fill', Math.ceil((s.nPost * c.k) / 256), values, bind);
    }
    const maxInDegree = c.rule === 'fixed-in-degree'
      ? (s.nPost > 0 ? c.k : 0)
      : new Uint32Array(await readBuffer(device, indeg, 4, 'spikegpu max in-degree'))[0]!;
    return { nPre: s.nPre, nPost: s.nPost, synapses: rowStart[s.nPre]!, maxInDegree, rowStart, rowStartBuffer, segments };
  } finally {
    b.destroyTemps();
  }
}

/** Uploads a CSR built on the host, split like a GPU build. */
export function uploadCsr(make: MakeBuffer, csr: ReturnType<typeof buildCsr>, maxSegmentWords: number): GpuCsr {
  const rowStartBuffer = make('row starts', 4 * csr.rowStart.length, USAGE(), csr.rowStart);
  const segments = planSegments(csr.rowStart, maxSegmentWords).map((seg) => ({
    ...seg,
    targets: make(`targets rows ${seg.row0}..${seg.row1}`, 4 * seg.count, USAGE(), csr.targets.subarray(seg.first, seg.first + seg.count)),
    words: csr.words ? make(`weight words rows ${seg.row0}..${seg.row1}`, 4 * seg.count, USAGE(), csr.words.subarray(seg.first, seg.first + seg.count)) : null,
  }));
  return {
    nPre: csr.nPre, nPost: csr.nPost, synapses: csr.rowStart[csr.nPre]!, maxInDegree: csr.maxInDegree,
    rowStart: csr.rowStart, rowStartBuffer, segments,
  };
}

/** Reads a GPU CSR back into host arrays (tests, small networks). */
export async function readCsr(device: GPUDevice, g: GpuCsr): Promise<{ targets: Uint32Array; words: Uint32Array | null }> {
  const targets = new Uint32Array(g.synapses);
  const hasWords = g.segments.some((s) => s.words);
  const words = hasWords ? new Uint32Array(g.synapses) : null;
  for (const seg of g.segments) {
    if (seg.count === 0) continue;
    targets.set(new Uint32Array(await readBuffer(device, seg.targets, 4 * seg.count, 'spikegpu read targets')), seg.first);
    if (words && seg.words) words.set(new Uint32Array(await readBuffer(device, seg.words, 4 * seg.count, 'spikegpu read words')), seg.first);
  }
  return { targets, words };
}
