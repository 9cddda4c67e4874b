// compileProgram: a network description validated, planned and turned into its kernels ahead of
// time, so a page can load it with loadProgram (src/program/load.ts) and leave the validator, the
// model compiler and the code generator out of its bundle (docs/programs.md).
import { checkSize, footprintContext, gpuFootprint } from '../compile/memory.js';
import { DEFAULT_STEPS_PER_SUBMIT } from '../compile/gpu_sizes.js';
import { compileValidated } from '../compile/plan.js';
import { unplacedEngineCode } from '../engine/gpu_engine_code.js';
import { engineShape } from '../engine/gpu_shape.js';
import { checkGpuOptions } from '../gpu/chunks.js';
import { Recorder } from '../run/recorder.js';
import { assertNetwork } from '../spec/validate.js';
import { LIBRARY } from '../version.js';
import { type GpuProgram, PROGRAM_FORMAT, PROGRAM_FORMAT_VERSION, encode, integrityOf, layoutHash } from './format.js';

export interface ProgramOptions {
  /** Steps per submit and per readback chunk the program runs with (its records are sized by it). */
  stepsPerSubmit?: number;
  /** Spike events one chunk can record. */
  spikeCapacity?: number;
}

/**
 * Validates `network` (NetworkSpecError names the field), plans it and generates its kernels: a
 * program `loadProgram` runs on the GPU, as `createSimulation(network, { backend: 'gpu' })` would.
 * Where rows the GPU draws lie in its buffers depends on the device: that part of the code is
 * placed when the program is loaded.
 */
export function compileProgram(network: unknown, options: ProgramOptions = {}): GpuProgram {
  checkGpuOptions(options);
  const net = assertNetwork(network);
  checkSize(net, 'gpu');
  const k = options.stepsPerSubmit ?? DEFAULT_STEPS_PER_SUBMIT;
  const plan = compileValidated(net), rec = new Recorder(plan);
  const shape = engineShape(plan, rec, k, options.spikeCapacity);
  const sizes = { stepsPerSubmit: k, spikeCapacity: shape.capacity };
  const program: Omit<GpuProgram, 'integrity'> = {
    format: PROGRAM_FORMAT, formatVersion: PROGRAM_FORMAT_VERSION, library: LIBRARY,
    network: encode(net), models: encode(plan.populations.map((p) => p.model)), ...sizes,
    footprint: { ...gpuFootprint(net, sizes), ...footprintContext(net, sizes) },
    code: unplacedEngineCode(shape), layout: layoutHash(shape),
  };
  return { ...program, integrity: integrityOf(program) };
}
