// What an app that owns its GPUDevice reaches of a GPU simulation (docs/embedding.md): the engine's
// buffers with their layouts, taken from the engine's own layout (gpu_layout.ts, gpu_sizes.ts),
// and what encode() needs besides (src/gpu/uniform_slots.ts keeps its chunks' uniforms apart).
import { type BufferKind, HEADER, type RecordLayout, UNIFORM_BYTES } from '../compile/gpu_sizes.js';
import { UniformSlots } from '../gpu/uniform_slots.js';

export type { UniformSlots };
import type { Plan } from '../compile/plan.js';
import type { GpuLayout } from './gpu_layout.js';
import { readsSpikeList } from './gpu_engine_layout.js';

/** What the engine hands this module: its device, plan, layouts and buffers. */
export interface EngineBuffers {
  device: GPUDevice; plan: Plan; L: GpuLayout; R: RecordLayout;
  state: GPUBuffer; acc: GPUBuffer; spk: GPUBuffer; rec: GPUBuffer[];
  /** The records buffer the last chunk (run or encoded) wrote, and its steps; null before any. */
  last: { records: number; firstStep: number; steps: number } | null;
}

/** A range of f32 (or i32) values, element = copy · perCopy + index (copies side by side, each contiguous). */
export interface BufferRange { byteOffset: number; count: number; type: 'f32' | 'i32'; copies: number; perCopy: number }

export interface StateVariableRange extends BufferRange { population: string; variable: string; type: 'f32' }

/** An arrival ring: `slots` slots of copies × size i32 each; slot t mod slots holds what lands at step t, value = word / scale. */
export interface AccumulatorRange extends BufferRange {
  population: string; variable: string; projections: string[]; type: 'i32'; slots: number; slotBytes: number; scale: number;
}

/** An external input's values, written by the caller between steps (f32, [copy · size + neuron]). */
export interface ExternalInputRange extends BufferRange { input: number; name: string | null; population: string; variable: string; type: 'f32' }

export interface GpuBuffers {
  device: GPUDevice;
  copies: number;
  /** Element g of the spike buffers is population p's neuron (g − firstElement) mod size of copy ⌊(g − firstElement) / size⌋. */
  populations: { name: string; firstElement: number; size: number }[];
  state: { buffer: GPUBuffer; variables: StateVariableRange[]; currents: (BufferRange & { what: string })[]; external: ExternalInputRange[] };
  accumulators: { buffer: GPUBuffer; rings: AccumulatorRange[] };
  /** This step's spiking elements (u32) by step parity: count at byte 4·(t mod 2), list at listByteOffset[t mod 2]; null when no projection reads it. */
  spikeList: { buffer: GPUBuffer; countByteOffset: [number, number]; listByteOffset: [number, number]; capacity: number } | null;
  /**
   * The spike records of one chunk (u32): pairs count at byte 0, spikes per population at perPopulationByteOffset + 4·p,
   * (step, element) pairs from pairsByteOffset, at most `capacity`; `latest`: the buffer the last chunk wrote.
   */
  records: { buffers: GPUBuffer[]; latest: number | null; firstStep: number; steps: number; countByteOffset: 0; perPopulationByteOffset: number; pairsByteOffset: number; capacity: number };
}

/** The buffers and their layouts, as the engine laid them out. */
export function describeBuffers(b: EngineBuffers): GpuBuffers {
  const { plan, L, R } = b, B = L.B;
  const pop = (q: number) => plan.populations[q]!;
  const variables = plan.populations.flatMap((p, q) => p.model.variables.map((variable, d): StateVariableRange => ({
    population: p.name, variable, byteOffset: 4 * L.state[q]![d]!, count: B * p.size, type: 'f32', copies: B, perCopy: p.size,
  })));
  const currents = [
    ...plan.projections.flatMap((pr) => (L.own[pr.index] === null ? [] : [{ what: `projection ${pr.name}: its own decaying current`, byteOffset: 4 * L.own[pr.index]!, count: B * pr.target.size, type: 'f32' as const, copies: B, perCopy: pr.target.size }])),
    ...(L.cont === null ? [] : [{ what: 'electrical and diffusion synapses: the current into each element (element order)', byteOffset: 4 * L.cont, count: B * plan.n, type: 'f32' as const, copies: 1, perCopy: B * plan.n }]),
  ];
  const external = plan.inputs.flatMap((inp) => (L.external[inp.index] === null ? [] : [{
    input: inp.index, name: (inp.spec as { name?: string }).name ?? null, population: inp.target.name, variable: inp.variable < 0 ? 'I' : inp.target.model.variables[inp.variable]!,
    byteOffset: 4 * L.external[inp.index]!, count: B * inp.target.size, type: 'f32' as const, copies: B, perCopy: inp.target.size,
  }]));
  // Slots fed only by dense projections are summed within the step from spike masks: no accumulator.
  const rings = L.slots.flatMap((s, q): AccumulatorRange[] => {
    const fed = L.projections.filter((pl) => pl.slot === q && !pl.dense);
    if (fed.length === 0) return [];
    const size = pop(s.population).size;
    return [{
      population: pop(s.population).name, variable: s.variable < 0 ? 'I' : pop(s.population).model.variables[s.variable]!, projections: fed.map((pl) => pl.plan.name),
      byteOffset: 4 * s.offset, count: L.ring * B * size, type: 'i32', copies: B, perCopy: size, slots: L.ring, slotBytes: 4 * B * size, scale: s.scale,
    }];
  });
  return {
    device: b.device, copies: B,
    populations: plan.populations.map((p, q) => ({ name: p.name, firstElement: L.popBase[q]!, size: p.size })),
    state: { buffer: b.state, variables, currents, external },
    accumulators: { buffer: b.acc, rings },
    spikeList: readsSpikeList(L) ? { buffer: b.spk, countByteOffset: [0, 4], listByteOffset: [8, 8 + 4 * L.total], capacity: L.total } : null,
    records: {
      buffers: [...b.rec], latest: b.last?.records ?? null, firstStep: b.last?.firstStep ?? 0, steps: b.last?.steps ?? 0,
      countByteOffset: 0, perPopulationByteOffset: 4 * HEADER, pairsByteOffset: 4 * R.pairs, capacity: R.capacity,
    },
  };
}

/** A chunk that did not run right after the one before: a run() submitted before the host submitted its encoded steps. */
export function outOfOrderError(t0: number, m: number, lastFirst: number, lastSteps: number): Error {
  return new Error(`steps ${t0}..${t0 + m} ran on the GPU right after steps ${lastFirst}..${lastFirst + lastSteps}, not after step ${t0}: steps put into a host's encoder (encode) were submitted after this run() began; submit the encoder first (docs/embedding.md)`);
}

/**
 * Clears a records buffer's header and what follows up to the pairs; with `keepFailure`, all but
 * words 1..3 (the non-finite count, step and element), so a non-finite state in encoded steps
 * stays there until the first chunk of the next run reads it (every encoded chunk uses buffer 0).
 */
export function clearRecords(encoder: GPUCommandEncoder, records: GPUBuffer, pairsWord: number, keepFailure: boolean): void {
  if (!keepFailure) { encoder.clearBuffer(records, 0, 4 * pairsWord); return; }
  encoder.clearBuffer(records, 0, 4);
  encoder.clearBuffer(records, 16, 4 * (pairsWord - 4));
}

/** The encoded chunks' uniform slots, made at the first encode(), counted as uniforms and freed with the engine's buffers. */
export function encodeSlots(device: GPUDevice, bufs: { all: GPUBuffer[]; allocated: Record<BufferKind, number> }): UniformSlots {
  const slots = new UniformSlots(device, 'spikegpu encode uniforms', UNIFORM_BYTES);
  bufs.all.push(slots.buffer);
  bufs.allocated.uniforms += slots.buffer.size;
  return slots;
}
