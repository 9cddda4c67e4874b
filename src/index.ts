// spikegpu's public API: one network description (docs/network.md), models declared once
// (docs/models.md), one simulation over a CPU and a GPU backend (docs/conventions.md).
/// <reference types="@webgpu/types" preserve="true" />
export { createSimulation } from './run/create.js';
// Programs compiled ahead of time (docs/programs.md): a page loads them from spikegpu/program.
export { compileProgram, type ProgramOptions } from './program/compile.js';
export { loadProgram, type GpuProgram, ProgramError } from './program/index.js';
export { Simulation, type SimulationOptions, type RunOptions, type RunSummary, type ExternalInput } from './run/simulation.js';
export type { Spikes, SpikeList } from './run/recorder.js';
export { NonFiniteStateError } from './run/guard.js';
export type { CopyFailure } from './engine/cpu.js';
export type { SpikeTap, SpikeTapChunk } from './engine/gpu.js';
export type { GpuBuffers, BufferRange, StateVariableRange, AccumulatorRange, ExternalInputRange } from './engine/gpu_embedding.js';
export { compileNetwork, type Plan } from './compile/plan.js';
export { checkGpuMemory, formatBytes, gpuFootprint, proceduralFootprint, type GpuFootprint } from './compile/memory.js';
export { type ConnectRule, buildCsr, type Csr } from './compile/csr.js';
export type {
  Network, Population as NetworkPopulation, Projection as NetworkProjection, Connectivity as NetworkConnectivity,
  Synapse as NetworkSynapse, Input as NetworkInput, Probe as NetworkProbe,
} from './spec/network.js';
export { validateNetwork, assertNetwork, networkJsonSchema, NetworkSpecError, type SpecIssue } from './spec/validate.js';
export { MAX_NEURONS } from './spec/value_kinds.js';
// Global neuron indices (as spikes report them) to probes and back.
export { globalIndex, locate, networkSize, probesOf } from './spec/probes.js';
// Every preset returns a Network: the seed network, seed 001's and seed 003's experiments, COBAHH, sparse Izhikevich.
export * from './spec/presets/index.js';
// Models declared once (src/models/), compiled to WGSL and JavaScript (src/equations/).
export { MODELS, MODEL_DECLARATIONS } from './models/registry.js';
export { IZHIKEVICH_TYPES, type IzhikevichType } from './models/izhikevich.js';
export { NEUN_AREA } from './models/hodgkin_huxley.js';
export { COBAHH_WE, COBAHH_WI } from './models/cobahh.js';
export { parseModel, parameterValues, type ModelDeclaration, type ParsedModel } from './equations/model.js';
export { ModelError } from './equations/expression.js';
export { initialState } from './equations/compile.js';
export { CIRCUIT_INTEGRATORS, GENERIC_INTEGRATORS, RK6, TABLEAUS, type CircuitIntegrator, type Tableau } from './equations/integrators.js';
// Drawing, analysis and the GPU.
export {
  GpuSpikeRaster, rasterClasses, paintRaster, checkRasterGeometry, RASTER_COLOURS, RASTER_EMPTY, RASTER_EXCITATORY, RASTER_INHIBITORY,
  MAX_RASTER_PIXELS, MAX_RASTER_WINDOW, type RasterGeometry,
} from './render/spike_raster.js';
export { acquireGpu, GpuUnavailableError, GpuLimitError, type GpuOptions, type GpuContext } from './gpu/device.js';
export { philox4x32, PhiloxStream, Purpose, uniform01 } from './rng/philox.js';
export * from './analysis/index.js';
export * from './plot/index.js';
