// Builds the connectivity of a network's projections on the GPU with shaders/connectivity.wgsl
// (10⁹ synapses are too many to draw on the host). Row lengths are counted on the GPU and read
// back (4 bytes per pre neuron) so the host can pack whole rows of every projection into synapse
// stores no larger than one binding; the fill kernels then write each row straight into its store.
import { type MakeBuffer, dispatchGrid, readBuffer } from '../gpu/chunks.js';
import { type ShaderLayout, bindGroup, bindNamed, layoutEntries, packStruct, readOnly, storage, struct, uniform, uniformBytes } from '../gpu/layout.js';
import connectivity from '../../shaders/connectivity.wgsl?raw';
import { CONNECTIVITY_DRAWS_WGSL, PHILOX_WGSL } from '../gpu/shaders.js';

/** Sparse connectivity built from Philox: RNG + the build kernels (here, so only a network with rows to draw loads them). */
export const CONNECTIVITY_WGSL = [PHILOX_WGSL, CONNECTIVITY_DRAWS_WGSL, connectivity].join('\n');
import { seedKey } from '../rng/philox.js';
import { BLOCK, type BuildSpec, type Csr, binomialThresholds, buildCsr, rowStarts } from '../compile/csr.js';
import { NetworkSpecError } from '../spec/errors.js';

/**
 * Rows [row0, row1) of projection `projection` (its synapses first .. first + count − 1) lie in
 * synapse store `store` from word `at` on. Rows are never split.
 */
export interface Piece { projection: number; row0: number; row1: number; first: number; count: number; store: number; at: number }

/** A buffer of synapses: `size` targets, and as many weight words when `words`. */
export interface StorePlan { size: number; words: boolean }

/**
 * Packs the rows of every projection into as few stores of at most `maxWords` synapses as
 * possible. Projections share stores, so one dispatch propagates all of a store's projections.
 * Those with weight words go apart from those without (no store carries words it does not use)
 * unless `together` (one workgroup running many steps binds a single store). A row larger than
 * `maxWords` is refused at the connectivity of its projection, named by `indices` (the
 * description's index of each; by default its position here): it could not be bound.
 */
export function packRows(
  rowStarts: readonly Uint32Array[], hasWords: readonly boolean[], maxWords: number, together = false, indices: readonly number[] = rowStarts.map((_, q) => q),
): { pieces: Piece[]; stores: StorePlan[] } {
  const pieces: Piece[] = [];
  const stores: StorePlan[] = [];
  const classes = together ? [hasWords.some((w) => w)] : [false, true];
  for (const words of classes) {
    let open = -1;
    rowStarts.forEach((rs, projection) => {
      if (!together && hasWords[projection] !== words) return;
      const nRows = rs.length - 1;
      let row0 = 0;
      while (row0 < nRows) {
        if (open < 0) open = stores.push({ size: 0, words }) - 1;
        const store = stores[open]!;
        const first = rs[row0]!;
        let row1 = row0;
        while (row1 < nRows && rs[row1 + 1]! - first <= maxWords - store.size) row1++;
        if (row1 === row0) {
          if (store.size === 0) {
            throw new NetworkSpecError([{ path: `projections[${indices[projection]}].connectivity`, message: `row ${row0} holds ${rs[row0 + 1]! - first} synapses, more than one GPU buffer binding holds (${maxWords})` }]);
          }
          open = -1; // full: the row starts the next store
          continue;
        }
        const count = rs[row1]! - first;
        pieces.push({ projection, row0, row1, first, count, store: open, at: store.size });
        store.size += count;
        row0 = row1;
      }
    });
  }
  return { pieces, stores };
}

const BUILD_PARAMS = struct('BuildParams', {
  n_pre: 'u32', n_post: 'u32', k: 'u32', stream: 'u32', seed: 'vec2u', no_self: 'u32', random_weights: 'u32',
  row0: 'u32', row1: 'u32', seg_base: 'u32', store: 'u32', groups_x: 'u32',
});
const BUILD_BINDINGS = bindGroup(0, [
  uniform('B', BUILD_PARAMS), readOnly('cdf', 'array<u32, 64>'), storage('rows', 'array<atomic<u32>>'), storage('cursor', 'array<atomic<u32>>'),
  storage('targets', 'array<u32>'), storage('words', 'array<u32>'), storage('indeg', 'array<atomic<u32>>'),
]);
/** The storage buffers a build kernel binds, by their WGSL names. */
type BuildBuffers = Record<'cdf' | 'rows' | 'cursor' | 'targets' | 'words' | 'indeg', GPUBuffer>;
/** shaders/connectivity.wgsl's layout, its buffers bound in this order (tests/gpu_layouts.test.ts checks it against the shader). */
export const CONNECTIVITY_LAYOUT: ShaderLayout = { structs: [BUILD_PARAMS], groups: [BUILD_BINDINGS] };

const USAGE = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

class Builder {
  private readonly layout: GPUBindGroupLayout;
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly module: GPUShaderModule;
  private readonly params: GPUBuffer;
  private readonly temps: GPUBuffer[] = [];

  constructor(private readonly device: GPUDevice, private readonly make: MakeBuffer) {
    this.layout = device.createBindGroupLayout({ entries: layoutEntries(BUILD_BINDINGS) });
    this.module = device.createShaderModule({ code: CONNECTIVITY_WGSL, label: 'spikegpu connectivity' });
    this.params = this.temp('build params', uniformBytes(BUILD_PARAMS), GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
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
  run(entry: string, groups: number, values: Record<string, number | readonly number[]>, bind: BuildBuffers): void {
    const [gx, gy] = dispatchGrid(groups, this.device.limits.maxComputeWorkgroupsPerDimension);
    this.device.queue.writeBuffer(this.params, 0, packStruct(BUILD_PARAMS, { ...values, groups_x: gx }));
    const buffers = Object.fromEntries(Object.entries(bind).map(([name, buffer]) => [name, { buffer }]));
    const bg = bindNamed(this.device, `spikegpu connectivity ${entry}`, this.layout, BUILD_BINDINGS, { B: { buffer: this.params }, ...buffers });
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
 * One projection as built: its rows on the host (empty when procedural: nothing is stored), the
 * largest in-degree; lists keep their host CSR.
 */
export interface BuiltProjection { nPre: number; nPost: number; synapses: number; maxInDegree: number; rowStart: Uint32Array; host?: Csr }

/** A network's connectivity on the GPU: every projection's rows, packed into stores. */
export interface GpuConnectivity {
  projections: BuiltProjection[];
  pieces: Piece[];
  stores: { size: number; targets: GPUBuffer; words: GPUBuffer | null }[];
}

/**
 * Builds every projection into shared stores of at most `maxWords` synapses (storeWords of the
 * device's limits; tests pass less), packed as packRows says. Drawn rules run on the GPU; lists
 * are built on the host and uploaded, their words being list indices (the simulation replaces
 * them with fixed-point weights). `indices`: each spec's projection in the description, named by
 * errors (by default its position in `specs`).
 */
export async function buildConnectivityGpu(
  device: GPUDevice, make: MakeBuffer, specs: readonly BuildSpec[], maxWords: number, together = false,
  indices: readonly number[] = specs.map((_, q) => q),
): Promise<GpuConnectivity> {
  const b = new Builder(device, make);
  try {
    // Pass 1: row lengths of every projection.
    const counted = [];
    for (const s of specs) counted.push(await countRows(b, device, s));
    const { pieces, stores: plans } = packRows(counted.map((c) => c.rowStart), specs.map((s) => s.randomWeights || s.connect.rule === 'list'), maxWords, together, indices);
    const stores = plans.map((p, k) => ({
      size: p.size,
      targets: make(`synapse store ${k} targets`, 4 * Math.max(1, p.size), USAGE()),
      words: p.words ? make(`synapse store ${k} weight words`, 4 * Math.max(1, p.size), USAGE()) : null,
    }));
    // Pass 2: each piece's rows written in place.
    for (const piece of pieces) {
      if (piece.count === 0) continue;
      const s = specs[piece.projection]!, c = counted[piece.projection]!, store = stores[piece.store]!;
      if (c.host) {
        device.queue.writeBuffer(store.targets, 4 * piece.at, c.host.targets as Uint32Array<ArrayBuffer>, piece.first, piece.count);
        if (store.words && c.host.words) device.queue.writeBuffer(store.words, 4 * piece.at, c.host.words as Uint32Array<ArrayBuffer>, piece.first, piece.count);
        continue;
      }
      // seg_base maps a synapse index to its word in the store (mod 2³²).
      const values = { ...c.base, row0: piece.row0, row1: piece.row1, seg_base: (piece.first - piece.at) >>> 0 };
      const bind = { cdf: c.cdf!, rows: c.rowStartBuffer!, cursor: c.cursor!, targets: store.targets, words: store.words ?? c.dummy!, indeg: c.indeg! };
      const rule = s.connect;
      if (rule.rule === 'fixed-probability') b.run('probability_fill', piece.row1 - piece.row0, values, bind);
      else if (rule.rule === 'fixed-out-degree') b.run('out_degree_fill', Math.ceil(((piece.row1 - piece.row0) * rule.k) / 256), values, bind);
      else b.run('in_degree_fill', Math.ceil((s.nPost * (rule as { k: number }).k) / 256), values, bind);
    }
    const projections: BuiltProjection[] = [];
    for (const [q, s] of specs.entries()) {
      const c = counted[q]!;
      let maxInDegree: number;
      if (c.host) maxInDegree = c.host.maxInDegree;
      else if (s.connect.rule === 'fixed-in-degree') maxInDegree = s.nPost > 0 ? s.connect.k : 0;
      else maxInDegree = new Uint32Array(await readBuffer(device, c.indeg!, 4, 'spikegpu max in-degree'))[0]!;
      projections.push({ nPre: s.nPre, nPost: s.nPost, synapses: c.rowStart[s.nPre] ?? 0, maxInDegree, rowStart: c.rowStart, host: c.host });
    }
    return { projections, pieces, stores };
  } finally {
    b.destroyTemps();
  }
}

interface Counted {
  rowStart: Uint32Array;
  /** Lists: the whole CSR, built on the host. */
  host?: Csr;
  /** Drawn rules: the build parameters and the buffers the fill kernels bind. */
  base?: Record<string, number | readonly number[]>;
  cdf?: GPUBuffer; rowStartBuffer?: GPUBuffer; cursor?: GPUBuffer; indeg?: GPUBuffer; dummy?: GPUBuffer;
}

/** Pass 1 for one projection: row lengths (on the GPU for drawn rules) and the fill kernels' buffers. */
async function countRows(b: Builder, device: GPUDevice, s: BuildSpec): Promise<Counted> {
  const c = s.connect;
  if (c.rule === 'list') {
    const host = buildCsr(s);
    return { rowStart: host.rowStart, host };
  }
  const base = {
    n_pre: s.nPre, n_post: s.nPost, k: c.rule === 'fixed-probability' ? 0 : c.k, stream: s.stream,
    seed: seedKey(s.seed), no_self: s.noSelf ? 1 : 0, random_weights: s.randomWeights ? 1 : 0,
    row0: 0, row1: s.nPre, seg_base: 0, store: 1,
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
  let rowLen: Uint32Array;
  if (c.rule === 'fixed-out-degree') {
    rowLen = new Uint32Array(s.nPre).fill(c.k);
  } else {
    const lens = b.temp('build row lengths', 4 * s.nPre);
    const bind = { cdf: cdfBuf, rows: lens, cursor, targets: dummy, words: dummy2, indeg };
    if (c.rule === 'fixed-probability') b.run('probability_count', s.nPre, base, bind);
    else b.run('in_degree_count', Math.ceil((s.nPost * c.k) / 256), base, bind);
    rowLen = new Uint32Array(await readBuffer(device, lens, 4 * s.nPre, 'spikegpu row lengths'));
  }
  const rowStart = rowStarts(rowLen);
  const rowStartBuffer = b.temp('build row starts', 4 * rowStart.length, USAGE(), rowStart);
  return { rowStart, base, cdf: cdfBuf, rowStartBuffer, cursor, indeg, dummy: dummy2 };
}

/** Reads projection q's synapses back into host arrays, in CSR order (tests, small networks). */
export async function readProjection(device: GPUDevice, g: GpuConnectivity, q: number): Promise<{ targets: Uint32Array; words: Uint32Array | null }> {
  const p = g.projections[q]!;
  const mine = g.pieces.filter((piece) => piece.projection === q);
  const targets = new Uint32Array(p.synapses);
  const words = mine.some((piece) => g.stores[piece.store]!.words) ? new Uint32Array(p.synapses) : null;
  for (const piece of mine) {
    if (piece.count === 0) continue;
    const store = g.stores[piece.store]!;
    const read = async (buf: GPUBuffer) => new Uint32Array(await readBuffer(device, buf, 4 * piece.count, 'spikegpu read synapses', 4 * piece.at));
    targets.set(await read(store.targets), piece.first);
    if (words && store.words) words.set(await read(store.words), piece.first);
  }
  return { targets, words };
}
