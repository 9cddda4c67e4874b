// Stored rows the GPU draws itself (src/compile/connectivity.ts drawnOnGpu): built on the device
// by src/engine/gpu_build.ts, never on the host (10⁹ synapses are too many to draw there), whole
// rows packed into synapse stores of at most one binding each. Each store is bound at group 2 and
// propagated by an entry point of its own; one workgroup looping over steps binds a single store.
import { cachedPipeline } from '../gpu/pipelines.js';
import type { MakeBuffer } from '../gpu/chunks.js';
import { GpuLimitError } from '../gpu/device.js';
import { bindGroup, bindNamed, layoutEntries, readOnly } from '../gpu/layout.js';
// The builder (its kernels and their WGSL) is loaded only for a network that has rows to draw.
import type { GpuConnectivity } from './gpu_build.js';
import type { GpuLayout } from './gpu_layout.js';
import { NetworkSpecError } from '../spec/errors.js';

/** The group the store being propagated is bound at. */
export const STORE_GROUP = 2;
/** A store's targets, then its weight words (a placeholder in a store without them). */
export const STORE_BINDINGS = bindGroup(STORE_GROUP, [readOnly('store_targets', 'array<u32>'), readOnly('store_words', 'array<u32>')]);

/**
 * Builds the rows of every projection the GPU draws into stores of at most `maxWords` synapses
 * (all with weight words when `together`, as one workgroup binds one store), writes their row
 * starts into the layout's synapse table and their pieces, synapses and in-degrees into their
 * layout; null when no projection is drawn on the GPU.
 */
export async function buildStores(device: GPUDevice, make: MakeBuffer, L: GpuLayout, maxWords: number, together: boolean): Promise<GpuConnectivity | null> {
  const drawn = L.projections.filter((pl) => pl.rows);
  if (drawn.length === 0) return null;
  const { buildConnectivityGpu } = await import('./gpu_build.js');
  const conn = await buildConnectivityGpu(device, make, drawn.map((pl) => pl.rows!.spec), maxWords, together, drawn.map((pl) => pl.plan.index));
  drawn.forEach((pl, q) => {
    const built = conn.projections[q]!, rows = pl.rows!;
    // The fixed-point scale was chosen for at most degreeBound arrivals per target and step.
    if (built.maxInDegree > rows.degreeBound) {
      throw new NetworkSpecError([{ path: `projections[${pl.plan.index}].connectivity`, message: `a target received ${built.maxInDegree} synapses, past the bound ${rows.degreeBound} its arrivals were scaled for` }]);
    }
    L.synData.set(built.rowStart, pl.rowStart);
    rows.pieces = conn.pieces.filter((p) => p.projection === q);
    rows.synapses = built.synapses;
    rows.maxInDegree = built.maxInDegree;
  });
  L.stores = conn.stores.length;
  return conn;
}

/** Synapses (u32 words) one store may hold: one binding of the device (binding and buffer limits), or fewer when the caller caps them (tests force splits so). */
export const storeWords = (device: GPUDevice, cap?: number) =>
  Math.floor(Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize, cap === undefined ? Infinity : 4 * cap) / 4);

/** One workgroup binds one store: with more, 'auto' runs per step and 'one-workgroup' is refused by name. */
export function fusedWithStores<T>(L: GpuLayout, fused: T | null, launch: string | undefined, maxWords: number): T | null {
  if (fused === null || L.stores <= 1) return fused;
  if (launch === 'one-workgroup') throw new GpuLimitError(`launch 'one-workgroup' cannot run this network: its synapses need ${L.stores} buffers of at most ${maxWords} synapses; use launch 'per-step'`);
  return null;
}

/** A store's propagate pipeline (none in one workgroup: run_steps propagates) and bind group (targets, then weight words or a placeholder). */
export interface StoreRun { pipeline: GPUComputePipeline | null; group: GPUBindGroup }

/** The pipeline layout with the store group after `groups`, and each store's run; no layout and no runs without stores. */
export async function storeRuns(
  device: GPUDevice, make: MakeBuffer,
  shader: { code: string; module: () => GPUShaderModule; groups: readonly (readonly GPUBindGroupLayoutEntry[])[] },
  groups: GPUBindGroupLayout[], conn: GpuConnectivity | null, fused: boolean,
): Promise<{ layout: GPUPipelineLayout | null; group: GPUBindGroupLayoutEntry[] | null; runs: StoreRun[] }> {
  if (!conn) return { layout: null, group: null, runs: [] };
  const group = layoutEntries(STORE_BINDINGS);
  const storeLayout = device.createBindGroupLayout({ label: 'spikegpu synapse store', entries: group });
  const layout = device.createPipelineLayout({ bindGroupLayouts: [...groups, storeLayout] });
  const placeholder = make('synapse store placeholder', 16, GPUBufferUsage.STORAGE);
  const runs = await Promise.all(conn.stores.map(async (st, k) => ({
    pipeline: fused ? null : await cachedPipeline(device, {
      label: `spikegpu engine propagate_store_${k}`, code: shader.code, entryPoint: `propagate_store_${k}`, module: shader.module, layout, groups: [...shader.groups, group],
    }),
    group: bindNamed(device, `spikegpu synapse store ${k}`, storeLayout, STORE_BINDINGS, { store_targets: { buffer: st.targets }, store_words: { buffer: st.words ?? placeholder } }),
  })));
  return { layout, group, runs };
}

/** Whether the layout has rows the GPU draws (then the build makes at least one synapse store). */
export const drawsRows = (L: GpuLayout): boolean => L.projections.some((pl) => pl.rows !== null);
