// The jobs tables of the sparse backend's propagation (shaders/sparse_propagate.wgsl): each
// synapse store's pieces of projections, and the procedural projections with their binomial count
// thresholds, at most MAX_JOBS per dispatch, each table with the bind group of the buffers it reads.
import { type MakeBuffer, bindBuffers } from '../gpu/chunks';
import { type ShaderReflection, packStructArray } from '../gpu/reflect';
import type { GpuConnectivity } from '../engine/gpu_build';
import { BLOCK, binomialThresholds } from '../compile/csr';
import type { QuantisedWeight, SparsePlan } from './plan';

export const MAX_JOBS = 128;
const MAX_CDF_TABLES = 32;
const SOURCE = { stored: 0, probability: 1, outDegree: 2 } as const;

/** The count thresholds of procedural fixed-probability projections share one uniform buffer. */
export function checkProceduralTables(plan: SparsePlan, procedural: readonly boolean[]): void {
  if (procedural.filter((x, q) => x && plan.projections[q]!.build.connect.rule === 'fixed-probability').length > MAX_CDF_TABLES) {
    throw new RangeError(`at most ${MAX_CDF_TABLES} fixed-probability projections can be procedural`);
  }
}

/** One dispatch: a store's pieces (at most MAX_JOBS) and the buffers they read. */
export interface PropagateGroup { bindGroup: GPUBindGroup; jobs: number }

export interface JobsInput {
  device: GPUDevice;
  make: MakeBuffer;
  reflect: ShaderReflection;
  plan: SparsePlan;
  conn: GpuConnectivity;
  procedural: readonly boolean[];
  weights: readonly QuantisedWeight[];
  /** Word of each projection's row starts in the row-starts buffer. */
  rowBase: readonly number[];
  rowStartBuffer: GPUBuffer;
  propLayout: GPUBindGroupLayout;
  /** One workgroup binds one jobs table even when it has no jobs. */
  oneWorkgroup: boolean;
}

export function propagateGroups({ device, make, reflect, plan, conn, procedural, weights, rowBase, rowStartBuffer, propLayout, oneWorkgroup }: JobsInput): PropagateGroup[] {
  const placeholder = make('sparse placeholder', 16, GPUBufferUsage.STORAGE);

  // Count thresholds of the procedural fixed-probability projections (uniform, 64 words each).
  const cdfWords = new Uint32Array(64 * MAX_CDF_TABLES);
  const cdfAt: number[] = [];
  let tables = 0;
  plan.projections.forEach((p, q) => {
    const c = p.build.connect;
    if (!procedural[q] || c.rule !== 'fixed-probability') return;
    const at = 64 * tables++;
    cdfWords.set(binomialThresholds(BLOCK, c.p), at);
    cdfWords.set(binomialThresholds(p.build.nPost % BLOCK || BLOCK, c.p), at + 32);
    cdfAt[q] = at;
  });
  const cdf = make('sparse count thresholds', cdfWords.byteLength, GPUBufferUsage.UNIFORM, cdfWords);

  // Jobs: each store's pieces, and the procedural projections (with the first store's group),
  // MAX_JOBS per dispatch.
  const jobStruct = reflect.struct('Job'), jobsStruct = reflect.struct('Jobs');
  const jobsAt = jobsStruct.fields.job!.offset;
  if (jobsStruct.size !== jobsAt + MAX_JOBS * jobStruct.size) throw new Error('Jobs layout does not match MAX_JOBS');
  const jobOf = (q: number, rows: { row0: number; row1: number; rowBase: number; synOffset: number }): Record<string, number> => {
    const p = plan.projections[q]!, w = weights[q]!, c = p.build.connect;
    const source = !procedural[q] ? SOURCE.stored : c.rule === 'fixed-probability' ? SOURCE.probability : SOURCE.outDegree;
    return {
      target_var: p.target, pre_start: p.pre.start, post_start: p.post.start, row0: rows.row0, row1: rows.row1,
      row_base: rows.rowBase, syn_offset: rows.synOffset, delay: p.delay,
      mode: w.mode, constant: w.constant, low: w.low, span: w.span >>> 0,
      source, n_post: p.build.nPost, k: c.rule === 'fixed-out-degree' ? c.k : 0, no_self: p.build.noSelf ? 1 : 0,
      stream: p.build.stream, cdf_at: cdfAt[q] ?? 0,
    };
  };
  const perStore = conn.stores.map((_, st) => conn.pieces.filter((x) => x.store === st && x.count > 0).map((piece) =>
    jobOf(piece.projection, { row0: piece.row0, row1: piece.row1, rowBase: rowBase[piece.projection]!, synOffset: (piece.at - piece.first) >>> 0 })));
  const regenerated = plan.projections.flatMap((p, q) => (procedural[q] ? [jobOf(q, { row0: 0, row1: p.pre.size, rowBase: 0, synOffset: 0 })] : []));
  if (perStore.length === 0) perStore.push([]);
  perStore[0]!.push(...regenerated);
  const groups: PropagateGroup[] = [];
  perStore.forEach((jobs, st) => {
    const store = conn.stores[st];
    const tables = Math.max(oneWorkgroup ? 1 : 0, Math.ceil(jobs.length / MAX_JOBS));
    for (let j0 = 0; j0 < tables * MAX_JOBS; j0 += MAX_JOBS) {
      const mine = jobs.slice(j0, j0 + MAX_JOBS);
      const table = new Uint8Array(jobsStruct.size);
      new Uint32Array(table.buffer, 0, 1)[0] = mine.length;
      table.set(new Uint8Array(packStructArray(jobStruct, mine.length, (j) => mine[j]!)), jobsAt);
      const jobsBuffer = make(`sparse jobs store ${st} from ${j0}`, table.byteLength, GPUBufferUsage.UNIFORM, table);
      groups.push({ bindGroup: bindBuffers(device, propLayout, [jobsBuffer, rowStartBuffer, store?.targets ?? placeholder, store?.words ?? placeholder, cdf]), jobs: mine.length });
    }
  });
  return groups;
}
