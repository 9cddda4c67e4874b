// What the GPU engine reads of its own kernels at run time: their bindings and uniforms, where a
// chunk records what, and the sizes of their phases. Apart from the code generator (gpu_code.ts,
// gpu_synapses.ts), so that loading a compiled program, whose code is written already, reaches none of it.
import type { Plan } from '../compile/plan.js';
import { CURSOR, HEADER, type RecordLayout, STEPS_DONE, recordLayout as sharedRecordLayout } from '../compile/gpu_sizes.js';
import { type ShaderLayout, bindGroup, readOnly, storage, struct, uniform } from '../gpu/layout.js';
import type { GpuLayout } from './gpu_layout.js';

/** Where the synapse stores' code goes in the engine's, once the rows the GPU draws are placed (src/engine/gpu_stores_code.ts). */
export const STORES_PLACE = '// spikegpu: the synapse stores';

/** Whether any projection scatters spikes into the rings from the tables (else no propagate phase is needed; rows in synapse stores have their own). */
export const scatters = (L: GpuLayout) => L.projections.some((pl) => pl.slot >= 0 && !pl.dense && !pl.rows);
/** Whether any phase reads the step's spike list (propagation from it, or from stored rows); dense gathers read masks. */
export const readsSpikeList = (L: GpuLayout) => L.projections.some((pl) => pl.slot >= 0 && !pl.dense);

export const WG = 64;
export { CURSOR, HEADER, type RecordLayout, STEPS_DONE };

/** The uniforms of a chunk, written at each submit. */
export const ENGINE_PARAMS = struct('Params', { seed: 'vec2u', first: 'u32', steps: 'u32', per_dispatch: 'u32' });
/** The uniforms of one step: a slot of the step table per step, bound at a dynamic offset. */
export const ENGINE_STEP = struct('Step', { tc: 'u32' });
/** The engine's groups: 0 the buffers of a chunk, 1 the step; the synapse stores' group is gpu_stores.ts STORE_BINDINGS. */
export const ENGINE_BINDINGS = {
  main: bindGroup(0, [
    uniform('P', ENGINE_PARAMS),
    storage('state', 'array<f32>'),
    readOnly('tab', 'array<u32>'),
    // Refractory counters and periods, then per copy: frozen at step + 1, first bad element.
    storage('refr', 'array<atomic<u32>>'),
    storage('acc', 'array<atomic<i32>>'),
    storage('spk', 'array<atomic<u32>>'),
    storage('rec', 'array<atomic<u32>>'),
  ]),
  step: bindGroup(1, [uniform('S', ENGINE_STEP, true)]),
};
export const ENGINE_LAYOUT: ShaderLayout = { structs: [ENGINE_PARAMS, ENGINE_STEP], groups: [ENGINE_BINDINGS.main, ENGINE_BINDINGS.step] };

/** Where one chunk of `steps` steps records what (src/compile/gpu_sizes.ts recordLayout). */
export function recordLayout(plan: Plan, L: GpuLayout, probes: readonly { every: number; width: number }[], steps: number, capacity: number): RecordLayout {
  return sharedRecordLayout(plan.populations.length, L.B, plan.recordRates, probes, steps, capacity);
}

/** Work items of the release kernel: every copy of every diffusion synapse. */
export function releaseItems(L: GpuLayout): number {
  return L.projections.reduce((n, pl) => n + (pl.plan.synapse.kind === 'diffusion' ? L.B * pl.synapses.post.length : 0), 0);
}

/** Where `state` keeps this step's per-synapse currents that synapse probes read: `${projection}:${variable}` (0 'i', 1 'i_source') → offset of copies × synapses words from `base`. */
export function synapseCurrentSlots(L: GpuLayout, probes: readonly { projection?: number; variable: number }[], base: number): { at: Map<string, number>; words: number } {
  const at = new Map<string, number>();
  let words = 0;
  for (const p of probes) {
    const key = `${p.projection}:${p.variable}`;
    if (p.projection === undefined || p.variable > 1 || at.has(key)) continue;
    at.set(key, base + words);
    words += L.B * L.projections[p.projection]!.synapses.post.length;
  }
  return { at, words };
}
