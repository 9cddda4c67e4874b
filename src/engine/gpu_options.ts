// The GPU engine's options and the spike taps it hands each chunk's records to (kept apart from
// src/engine/gpu.ts so that file stays within its size).
import type { GpuOptions } from '../gpu/device.js';

export interface GpuEngineOptions extends GpuOptions {
  /**
   * 'per-step': one dispatch per phase per step (any size); 'one-workgroup': one workgroup loops
   * over many steps with barriers between the phases (no dispatch cost per step: small networks);
   * 'auto' (default): one workgroup for at most 4096 elements (copies × neurons; 256 on a software adapter).
   */
  launch?: 'auto' | 'one-workgroup' | 'per-step';
  /** Steps one dispatch loops over in the one-workgroup shape (drivers cut long dispatches short: detected, reported). */
  stepsPerDispatch?: number;
  /** Steps per submit and per readback chunk. */
  stepsPerSubmit?: number;
  /** Spike events one chunk can record; more is an error, never a silent loss. */
  spikeCapacity?: number;
  /** Caps the synapses of one synapse store below one binding (tests force rows the GPU draws over several stores). */
  maxStoreSynapses?: number;
  /** Bytes the network may take on the device (WebGPU does not report its memory); more is refused by field before anything is built. */
  memoryLimit?: number;
}

/**
 * One chunk's spike records, handed to a tap while the chunk's commands are encoded (GPU to GPU,
 * nothing read back): word `countWord` of `buffer` counts the (step, element) pairs, pair r is at
 * words pairsWord + 2r and + 2r + 1, at most `capacity` of them (a larger count fails the run).
 * Element g of copy c is popBase + c·size + neuron; with one copy it is the neuron's global index.
 */
export interface SpikeTapChunk {
  buffer: GPUBuffer; countWord: number; pairsWord: number; capacity: number;
  firstStep: number; steps: number; neurons: number; copies: number;
}
export interface SpikeTap { encode(encoder: GPUCommandEncoder, chunk: SpikeTapChunk): void }

