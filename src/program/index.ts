// spikegpu/program: what a page needs to run a program compiled ahead of time, and nothing that
// compiles one (docs/programs.md).
/// <reference types="@webgpu/types" preserve="true" />
export { loadProgram, type GpuProgram, ProgramError } from './load.js';
export { Simulation, type SimulationOptions, type RunOptions, type RunSummary, type ExternalInput } from '../run/simulation.js';
export type { Spikes, SpikeList } from '../run/recorder.js';
export { NonFiniteStateError } from '../run/guard.js';
export { NetworkSpecError, type SpecIssue } from '../spec/errors.js';
export { acquireGpu, GpuUnavailableError, GpuLimitError, type GpuOptions, type GpuContext } from '../gpu/device.js';
