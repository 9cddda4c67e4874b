// Where everything of a compiled plan lies on the GPU (layout, records, probes, state words), and
// what the engine is built from: the footprint check and the WGSL come from outside, generated
// here and now (createSimulation) or ahead of time (a compiled program, docs/programs.md).
import { type GpuFootprint, defaultSpikeCapacity } from '../compile/memory.js';
import type { Plan } from '../compile/plan.js';
import type { Network } from '../spec/network.js';
import type { ProbeSpec, Recorder } from '../run/recorder.js';
import { type RecordLayout, recordLayout, synapseCurrentSlots } from './gpu_engine_layout.js';
import { type GpuLayout, gpuLayout } from './gpu_layout.js';

export interface EngineShape {
  plan: Plan;
  rec: Recorder;
  L: GpuLayout;
  R: RecordLayout;
  probes: (ProbeSpec & { width: number })[];
  /** Offset in `state` of the probed populations' input I, or null when no probe reads it. */
  probedInput: number | null;
  /** Offsets in `state` of the probed synapse currents, by `${projection}:${variable}`. */
  kept: Map<string, number>;
  stateWords: number;
  /** Spike events one chunk records. */
  capacity: number;
}

/** What an engine is built from. */
export interface EngineSource {
  net: Network;
  /** Checks the network's footprint against the device's limits, or throws naming the field. */
  footprint(limits: Pick<GPUSupportedLimits, 'maxStorageBufferBindingSize' | 'maxBufferSize'>): GpuFootprint;
  /** The plan and its recorder: run once the device is known to hold the network. */
  compile(): { plan: Plan; rec: Recorder };
  /** Refuses a shape the code cannot serve (a compiled program's layout), before anything is built on the device. */
  check?(shape: EngineShape): void;
  /** The kernels' WGSL for the shape, once rows the GPU draws are placed. */
  code(shape: EngineShape): string | Promise<string>;
}

/** The shape of a plan with `k` steps a chunk and room for `given` spikes a chunk (by default, from its size; none when no population records its spikes). */
export function engineShape(plan: Plan, rec: Recorder, k: number, given?: number): EngineShape {
  const L = gpuLayout(plan), capacity = given ?? defaultSpikeCapacity(plan.copies * plan.n, k, plan.recordSpikes.some(Boolean));
  const probes = rec.probes.map((p) => ({ ...p, width: plan.copies * p.neurons.length }));
  const R = recordLayout(plan, L, probes, k, capacity);
  const probedInput = probes.some((p) => p.variable < 0) ? L.words.state : null;
  // After the state: the probed populations' I, then the probed synapses' currents.
  const synapseCurrents = synapseCurrentSlots(L, probes, L.words.state + (probedInput === null ? 0 : L.total));
  const stateWords = L.words.state + (probedInput === null ? 0 : L.total) + synapseCurrents.words;
  return { plan, rec, L, R, probes, probedInput, kept: synapseCurrents.at, stateWords, capacity };
}
